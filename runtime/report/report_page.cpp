// The run report's HTML (see report_page.h): a header with section links, the last values
// as tiles, then curves, samples, graph, summary, settings and timings, each a section.
#include "runtime/report/report_page.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "runtime/report/html.h"
#include "runtime/report/line_chart.h"
#include "runtime/report/page_assets.h"

namespace genc::runtime::report {
namespace {

std::string table(const Rows& rows) {
  std::string s = "<table class=\"kv\">";
  for (const auto& [k, v] : rows) s += "<tr><td>" + escape_html(k) + "</td><td>" + escape_html(v) + "</td></tr>";
  return s + "</table>";
}

/// The last value of each curve: the train loss, then every metric's test value.
std::string tiles(const Metrics& m) {
  std::string s;
  auto tile = [&](const std::string& k, double v) {
    s += "<div class=\"tile\"><div class=\"k\">" + escape_html(k) + "</div><div class=\"v\">" + number(v) + "</div></div>";
  };
  for (const Series& series : m.series)
    if (series.name == "loss" && !series.train.empty()) tile("train loss", series.train.back().value);
  for (const Series& series : m.series)
    if (!series.test.empty()) tile("test " + series.name, series.test.back().value);
  if (m.timings.last_step > 0) tile("step", static_cast<double>(m.timings.last_step));
  return s.empty() ? "" : "<div class=\"tiles\">" + s + "</div>";
}

std::string legend(const Series& s) {
  std::string out = "<div class=\"legend\">";
  if (!s.train.empty()) out += fmt::format("<span><i style=\"background:{}\"></i>train</span>", kTrainColour);
  if (!s.test.empty()) out += fmt::format("<span><i style=\"background:{}\"></i>test</span>", kTestColour);
  return out + "</div>";
}

std::string charts(const Metrics& m) {
  if (m.series.empty()) return note("metrics.jsonl holds no records yet.");
  std::string s = "<div class=\"grid\">";
  for (const Series& series : m.series)
    s += "<div class=\"card\"><h3>" + escape_html(series.name) + "</h3>" + legend(series) + line_chart_svg(series) +
         "</div>";
  return s + "</div>";
}

std::string samples(const std::vector<SampleGrid>& grids) {
  if (grids.empty()) return note("The run wrote no sample grids (a `sample N every ...` line in the train block writes them).");
  std::string s = fmt::format(
      "<div class=\"viewer\"><img id=\"sample-view\" alt=\"samples\"><div class=\"controls\">"
      "<input type=\"range\" id=\"sample-step\" min=\"0\" max=\"{}\" value=\"{}\">"
      "<div class=\"label\" id=\"sample-label\"></div><div class=\"note\">drag to step through the grids</div>"
      "</div></div><div class=\"gallery\">",
      grids.size() - 1, grids.size() - 1);
  for (const SampleGrid& g : grids)
    s += "<figure><img src=\"" + data_uri("image/png", g.png) + "\" alt=\"" + escape_html(g.label) +
         "\"><figcaption>" + escape_html(g.label) + "</figcaption></figure>";
  return s + "</div>";
}

std::string source_lines(const std::string& text) {
  std::string s = "<pre class=\"source\">";
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) s += "<span>" + escape_html(line) + "</span>";
  return s + "</pre>";
}

std::string timings(const PageContent& c) {
  const Timings& t = c.metrics.timings;
  Rows rows = {{"last step", std::to_string(t.last_step)}, {"last epoch", std::to_string(t.last_epoch)}};
  if (t.segments > 0) {
    rows.emplace_back("training time", duration(t.seconds) + " (to the last log line)");
    rows.emplace_back("segments", std::to_string(t.segments) + (t.segments > 1 ? " (the run and its resumes)" : ""));
    if (t.seconds > 0 && t.steps_timed > 0) {
      rows.emplace_back("steps per second", fmt::format("{:.1f}", static_cast<double>(t.steps_timed) / t.seconds));
      rows.emplace_back("time per step", fmt::format("{:.2f} ms", 1e3 * t.seconds / static_cast<double>(t.steps_timed)));
    }
  }
  rows.emplace_back("metric records", std::to_string(c.metrics.records));
  std::string list;
  for (const std::string& ck : c.checkpoints) list += (list.empty() ? "" : ", ") + ck;
  rows.emplace_back("checkpoints", list.empty() ? "none" : list);
  return table(rows);
}

std::string section(const char* id, const char* title, const std::string& body) {
  return fmt::format("<section id=\"{}\"><h2>{}</h2>{}</section>", id, title, body);
}

}  // namespace

std::string render_page(const PageContent& c) {
  std::string sub = escape_html(c.out_dir);
  if (!c.objective.empty()) sub += " &middot; objective " + escape_html(c.objective);
  if (!c.source_path.empty()) sub += " &middot; " + escape_html(c.source_path);
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>genc report: " + escape_html(c.model) + "</title><style>" + kPageStyle +
                     "</style></head><body>";
  page += "<header><h1><span class=\"brand\">genc</span>" + escape_html(c.model) + "</h1><div class=\"sub\">" + sub +
          "</div><nav><a href=\"#curves\">Curves</a><a href=\"#samples\">Samples</a><a href=\"#graph\">Graph</a>"
          "<a href=\"#summary\">Summary</a><a href=\"#settings\">Settings</a><a href=\"#timings\">Timings</a></nav>"
          "</header><main>";
  page += tiles(c.metrics);
  page += section("curves", "Loss and metrics", charts(c.metrics));
  page += section("samples", "Samples over time", samples(c.samples));
  const std::string missing = c.missing_note.empty() ? "" : note(c.missing_note);
  page += section("graph", "Model graph",
                  c.graph_svg ? "<div class=\"card graph\">" + *c.graph_svg + "</div>"
                              : missing + (c.graph_note.empty() ? "" : note(c.graph_note)));
  page += section("summary", "Parameters, memory and compute",
                  c.summary.empty() ? missing : "<div class=\"card\"><pre>" + escape_html(c.summary) + "</pre></div>");
  page += section("settings", "Run settings",
                  "<div class=\"two\"><div class=\"card\">" + table(c.settings) + "</div><div class=\"card\">" +
                      (c.source_text.empty() ? missing : source_lines(c.source_text)) + "</div></div>");
  page += section("timings", "Timings", "<div class=\"card\">" + timings(c) + "</div>");
  page += "</main><footer>written by genc report &middot; self-contained: no network needed</footer><script>";
  page += kPageScript;
  return page + "</script></body></html>\n";
}

}  // namespace genc::runtime::report
