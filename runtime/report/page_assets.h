// The run report's style sheet and its one small script (the sample grids' step slider),
// inlined into the page so it works offline.
#pragma once

namespace genc::runtime::report {

inline constexpr const char* kPageStyle = R"css(
:root { --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --muted: #667085; --line: #e3e6eb; --accent: #f57c00; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { background: #263238; color: #fff; padding: 14px 28px 0; position: sticky; top: 0; z-index: 2;
         box-shadow: 0 1px 4px rgba(0,0,0,.25); }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header h1 .brand { color: var(--accent); margin-right: 10px; }
header .sub { color: #b0bec5; font-size: 13px; margin-top: 2px; }
nav { display: flex; gap: 4px; margin-top: 10px; }
nav a { color: #cfd8dc; text-decoration: none; padding: 6px 12px; border-bottom: 3px solid transparent;
        font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
nav a:hover { color: #fff; border-bottom-color: var(--accent); }
main { padding: 20px 28px 40px; max-width: 1600px; margin: 0 auto; }
section { margin-bottom: 28px; scroll-margin-top: 110px; }
h2 { font-size: 16px; font-weight: 600; margin: 0 0 10px; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 24px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 150px; }
.tile .k { color: var(--muted); font-size: 12px; }
.tile .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card h3 { margin: 0 0 4px; font-size: 14px; font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.legend { font-size: 12px; color: var(--muted); display: flex; gap: 14px; margin-bottom: 4px; }
.legend i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 5px; border-radius: 2px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .grid { stroke: #eceef2; stroke-width: 1; }
svg.chart .frame { fill: none; stroke: #c9ced6; stroke-width: 1; }
svg.chart .tick, svg.chart .axis { fill: var(--muted); font-size: 11px; font-family: system-ui, "DejaVu Sans", sans-serif; }
.viewer { display: none; }
.js .viewer { display: flex; gap: 20px; align-items: flex-start; margin-bottom: 14px; }
.viewer img { width: 360px; image-rendering: pixelated; border-radius: 4px; background: #000; }
.viewer .controls { min-width: 260px; }
.viewer input { width: 100%; accent-color: var(--accent); }
.viewer .label { font-size: 18px; font-weight: 600; margin-top: 6px; }
.gallery { display: flex; flex-wrap: wrap; gap: 12px; }
.gallery figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 6px; cursor: pointer; }
.gallery figure.current { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent); }
.gallery img { width: 150px; display: block; image-rendering: pixelated; }
.gallery figcaption { font-size: 12px; color: var(--muted); text-align: center; margin-top: 4px; }
.graph { overflow: auto; max-height: 900px; text-align: center; }
.graph svg { max-width: 100%; height: auto; }
pre { margin: 0; overflow: auto; font: 12px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; }
pre.source { counter-reset: line; }
pre.source span { display: block; }
pre.source span::before { counter-increment: line; content: counter(line); display: inline-block; width: 3em;
                          margin-right: 1em; color: #aab; text-align: right; }
table.kv { border-collapse: collapse; font-size: 13px; }
table.kv td { padding: 4px 14px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
table.kv td:first-child { color: var(--muted); white-space: nowrap; }
table.kv td:last-child { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.two { display: grid; grid-template-columns: minmax(300px, 1fr) 2fr; gap: 16px; }
.note { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 10px; }
)css";

/// Shows the sample grid picked with the slider (or a click on a thumbnail) in the viewer.
inline constexpr const char* kPageScript = R"js(
(function () {
  document.documentElement.classList.add('js');
  var figures = document.querySelectorAll('.gallery figure');
  var slider = document.getElementById('sample-step');
  if (!slider || figures.length === 0) return;
  var view = document.getElementById('sample-view'), label = document.getElementById('sample-label');
  function show(i) {
    slider.value = i;
    view.src = figures[i].querySelector('img').src;
    label.textContent = figures[i].querySelector('figcaption').textContent;
    figures.forEach(function (f, k) { f.classList.toggle('current', k === i); });
  }
  slider.addEventListener('input', function () { show(+slider.value); });
  figures.forEach(function (f, k) { f.addEventListener('click', function () { show(k); }); });
  show(figures.length - 1);
})();
)js";

}  // namespace genc::runtime::report
