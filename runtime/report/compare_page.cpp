// The comparison page (see compare_page.h): the header of the run report, a tile per rank
// criterion, the ranked variant table, the overlaid curves and the architecture diffs.
#include "runtime/report/compare_page.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "runtime/report/html.h"
#include "runtime/report/line_chart.h"
#include "runtime/report/page_assets.h"

namespace genc::runtime::report {
namespace {

/// A variant's colour in the overlaid curves (matplotlib's tab10), repeating after ten.
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

const char* colour(size_t variant) { return kPalette[variant % std::size(kPalette)]; }

constexpr const char* kCompareStyle = R"css(
table.compare { border-collapse: collapse; font-size: 13px; background: var(--card); width: 100%; }
table.compare th, table.compare td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right;
                                     white-space: nowrap; font-variant-numeric: tabular-nums; }
table.compare th { cursor: pointer; user-select: none; background: #eceff1; position: relative; }
table.compare th:hover { background: #e0e4e8; }
table.compare th.asc::after { content: " \25B2"; color: var(--accent); }
table.compare th.desc::after { content: " \25BC"; color: var(--accent); }
table.compare td.text, table.compare th.text { text-align: left; }
table.compare i.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px;
                         vertical-align: -1px; }
table.diff { border-collapse: collapse; font-size: 12px; }
table.diff td, table.diff th { padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line); text-align: left;
                               font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.legend.variants { flex-wrap: wrap; margin-bottom: 12px; font-size: 13px; }
)css";

/// Sorts the variant table by the clicked column; #sort=KEY,... clicks headers on load.
constexpr const char* kCompareScript = R"js(
(function () {
  var table = document.getElementById('compare');
  if (!table) return;
  var body = table.tBodies[0], heads = table.tHead.rows[0].cells;
  function value(row, i, numeric) {
    var cell = row.cells[i], v = cell.getAttribute('data-v');
    if (v === null) v = cell.textContent;
    if (!numeric) return v;
    var x = parseFloat(v);
    return isNaN(x) ? null : x;
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.addEventListener('click', function () {
      var numeric = th.getAttribute('data-type') !== 'text';
      var dir = th.classList.contains('asc') ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.classList.remove('asc', 'desc'); h.removeAttribute('aria-sort'); });
      th.classList.add(dir > 0 ? 'asc' : 'desc');
      th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = value(a, i, numeric), y = value(b, i, numeric);
        if (x === null || y === null) return (x === null) - (y === null);  // missing values last
        return dir * (numeric ? x - y : String(x).localeCompare(String(y), undefined, {numeric: true}));
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var m = /^#sort=(.+)$/.exec(location.hash);
  if (m) m[1].split(',').forEach(function (key) {
    var th = table.querySelector('th[data-key="' + decodeURIComponent(key) + '"]');
    if (th) th.click();
  });
})();
)js";

/// A metric column: the last value of `metric` in the records of `split`.
struct Column {
  std::string split, metric;
  std::string key() const { return split + "_" + metric; }
  std::string title() const { return split + " " + metric; }
};

const std::vector<Point>& points(const Metrics& m, const Column& c) {
  static const std::vector<Point> none;
  for (const Series& s : m.series)
    if (s.name == c.metric) return c.split == "test" ? s.test : s.train;
  return none;
}

/// The metric columns: every train series but the learning rate, then every test series.
std::vector<Column> columns(const ComparisonContent& c) {
  std::vector<Column> out;
  for (const char* split : {"train", "test"})
    for (const ComparedRun& run : c.runs)
      for (const Series& s : run.metrics.series) {
        Column col{split, s.name};
        const bool has = split == std::string("test") ? !s.test.empty() : !s.train.empty() && s.name != "lr";
        if (has && std::none_of(out.begin(), out.end(), [&](const Column& o) { return o.key() == col.key(); }))
          out.push_back(col);
      }
  return out;
}

/// columns() with the ranking's first, so the table shows it without scrolling.
std::vector<Column> ranked_columns(const ComparisonContent& c, const Ranking& rank) {
  std::vector<Column> out = columns(c);
  std::stable_partition(out.begin(), out.end(),
                        [&](const Column& k) { return k.split == rank.split && k.metric == rank.metric; });
  return out;
}

/// Mean and sample standard deviation (0 for one value).
struct Stat {
  size_t n = 0;
  double mean = 0, std = 0;
};

Stat stat(const std::vector<double>& v) {
  Stat s;
  s.n = v.size();
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  if (v.size() > 1) {
    double sq = 0;
    for (double x : v) sq += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(sq / static_cast<double>(v.size() - 1));
  }
  return s;
}

Stat column_stat(const ComparisonContent& c, const Variant& v, const Column& col) {
  std::vector<double> values;
  for (size_t r : v.runs)
    if (const std::vector<Point>& p = points(c.runs[r].metrics, col); !p.empty()) values.push_back(p.back().value);
  return stat(values);
}

double steps_per_second(const Timings& t) { return t.seconds > 0 ? static_cast<double>(t.steps_timed) / t.seconds : 0; }

std::string stat_cell(const Stat& s, const std::string& text) {
  if (s.n == 0) return "<td>-</td>";
  return fmt::format("<td data-v=\"{:.17g}\">{}</td>", s.mean, text);
}

std::string mean_std(const Stat& s) {
  return s.n > 1 ? number(s.mean) + " &plusmn; " + fmt::format("{:.2g}", s.std) : number(s.mean);
}

bool is_number(const std::string& text) {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

/// The variants in rank order.
std::vector<size_t> ranked(const ComparisonContent& c, const Ranking& rank) {
  std::vector<size_t> order(c.variants.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const Column col{rank.split, rank.metric};
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    Stat x = column_stat(c, c.variants[a], col), y = column_stat(c, c.variants[b], col);
    if (x.n == 0 || y.n == 0) return x.n > y.n;
    return rank.higher_is_better ? x.mean > y.mean : x.mean < y.mean;
  });
  return order;
}

std::string header(const std::string& key, const std::string& title, bool text, const std::string& extra = "") {
  return fmt::format("<th data-key=\"{}\"{}{}>{}</th>", escape_html(key), text ? " data-type=\"text\" class=\"text\"" : "",
                     extra, escape_html(title));
}

std::string variant_table(const ComparisonContent& c, const Ranking& rank) {
  const std::vector<Column> cols = ranked_columns(c, rank);
  std::string s = "<table class=\"compare\" id=\"compare\"><thead><tr>";
  s += header("rank", "rank", false, " class=\"asc\" aria-sort=\"ascending\"");
  s += header("variant", "variant", true);
  for (const std::string& h : c.hyperparams) s += header(h, h, false);
  s += header("seeds", "seeds", false) + header("params", "params", false);
  for (const Column& col : cols) s += header(col.key(), col.title(), false);
  s += header("steps_per_s", "steps/s", false) + header("wall_s", "wall time", false) + "</tr></thead><tbody>";
  const std::vector<size_t> order = ranked(c, rank);
  for (size_t r = 0; r < order.size(); ++r) {
    const Variant& v = c.variants[order[r]];
    s += fmt::format("<tr data-variant=\"{}\"><td data-v=\"{}\">{}</td>", order[r], r + 1, r + 1);
    s += fmt::format("<td class=\"text\"><i class=\"swatch\" style=\"background:{}\"></i>{}</td>", colour(order[r]),
                     escape_html(v.label));
    for (const std::string& value : v.values)
      s += is_number(value) ? fmt::format("<td data-v=\"{}\">{}</td>", escape_html(value), escape_html(value))
                            : "<td class=\"text\">" + escape_html(value) + "</td>";
    s += fmt::format("<td data-v=\"{}\">{}</td>", v.runs.size(), v.runs.size());
    s += v.params ? fmt::format("<td data-v=\"{}\">{}</td>", *v.params, *v.params) : "<td>-</td>";
    for (const Column& col : cols) {
      Stat st = column_stat(c, v, col);
      s += stat_cell(st, mean_std(st));
    }
    std::vector<double> speed, wall;
    for (size_t run : v.runs) {
      const Timings& t = c.runs[run].metrics.timings;
      if (t.seconds > 0) speed.push_back(steps_per_second(t)), wall.push_back(t.seconds);
    }
    Stat sp = stat(speed), w = stat(wall);
    s += stat_cell(sp, fmt::format("{:.1f}", sp.mean)) + stat_cell(w, duration(w.mean));
    s += "</tr>";
  }
  return s + "</tbody></table>";
}

std::string legend(const ComparisonContent& c) {
  std::string s = "<div class=\"legend variants\">";
  for (size_t i = 0; i < c.variants.size(); ++i)
    s += fmt::format("<span><i style=\"background:{}\"></i>{}</span>", colour(i), escape_html(c.variants[i].label));
  return s + "</div>";
}

std::string curves(const ComparisonContent& c, const Ranking& rank) {
  const std::vector<Column> cols = ranked_columns(c, rank);
  if (cols.empty()) return note("The runs have no metric records yet.");
  std::vector<size_t> variant_of(c.runs.size(), 0);
  for (size_t v = 0; v < c.variants.size(); ++v)
    for (size_t r : c.variants[v].runs) variant_of[r] = v;
  std::string s = legend(c) + "<div class=\"grid\">";
  for (const Column& col : cols) {
    std::vector<Curve> all;
    for (size_t r = 0; r < c.runs.size(); ++r)
      all.push_back({points(c.runs[r].metrics, col), colour(variant_of[r]), variant_of[r], c.runs[r].name});
    s += "<div class=\"card\"><h3>" + escape_html(col.title()) + "</h3>" + overlay_chart_svg(col.title(), all) + "</div>";
  }
  return s + "</div>";
}

std::string diffs(const ComparisonContent& c) {
  if (c.variants.size() < 2) return note("One variant: nothing to compare its graph with.");
  const Variant& ref = c.variants.front();
  std::string s = "<div class=\"grid\">";
  for (size_t i = 1; i < c.variants.size(); ++i) {
    const Variant& v = c.variants[i];
    s += "<div class=\"card arch\" data-variant=\"" + std::to_string(i) + "\"><h3>" + escape_html(v.label) + " vs " +
         escape_html(ref.label) + "</h3>";
    if (!v.params || !ref.params) {
      s += note("No checkpoint to compile: the graphs cannot be compared.");
    } else if (v.same_graph_as_reference) {
      s += note("The same graph: only values the graph does not use differ.");
    } else if (v.diff.empty()) {
      s += note("The same parameters and ops, with the same shapes (constants differ).");
    } else {
      s += "<table class=\"diff\"><tr><th>kind</th><th>what</th><th>where</th><th>" + escape_html(ref.label) +
           "</th><th>" + escape_html(v.label) + "</th></tr>";
      for (const ArchChange& d : v.diff)
        s += "<tr class=\"" + escape_html(d.kind) + "\"><td>" + escape_html(d.kind) + "</td><td>" + escape_html(d.name) +
             "</td><td>" + escape_html(d.where) + "</td><td>" + (d.before.empty() ? "&mdash;" : escape_html(d.before)) +
             "</td><td>" + (d.after.empty() ? "&mdash;" : escape_html(d.after)) + "</td></tr>";
      s += "</table>";
    }
    s += "</div>";
  }
  return s + "</div>";
}

std::string section(const char* id, const std::string& title, const std::string& body) {
  return fmt::format("<section id=\"{}\"><h2>{}</h2>{}</section>", id, escape_html(title), body);
}

}  // namespace

Ranking ranking_of(const ComparisonContent& c) {
  const std::vector<Column> cols = columns(c);
  auto has = [&](const char* split, const char* metric) {
    return std::any_of(cols.begin(), cols.end(), [&](const Column& k) { return k.split == split && k.metric == metric; });
  };
  if (has("test", "elbo")) return {"test", "elbo", true};
  if (has("test", "loss")) return {"test", "loss", false};
  return {"train", "loss", false};
}

std::string render_comparison(const ComparisonContent& c) {
  const Ranking rank = ranking_of(c);
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>genc comparison: " + escape_html(c.title) + "</title><style>" + kPageStyle + kCompareStyle +
                     "</style></head><body>";
  page += "<header><h1><span class=\"brand\">genc</span>" + escape_html(c.title) + "</h1><div class=\"sub\">" +
          escape_html(c.subtitle) +
          "</div><nav><a href=\"#variants\">Variants</a><a href=\"#curves\">Curves</a>"
          "<a href=\"#architectures\">Architectures</a></nav></header><main>";
  page += fmt::format("<div class=\"tiles\"><div class=\"tile\"><div class=\"k\">runs</div><div class=\"v\">{}</div></div>"
                      "<div class=\"tile\"><div class=\"k\">variants</div><div class=\"v\">{}</div></div>"
                      "<div class=\"tile\"><div class=\"k\">ranked by</div><div class=\"v\">{} {} ({})</div></div></div>",
                      c.runs.size(), c.variants.size(), escape_html(rank.split), escape_html(rank.metric),
                      rank.higher_is_better ? "higher first" : "lower first");
  page += section("variants", "Variants (mean ± std over seeds; click a header to sort)",
                  "<div class=\"card\" style=\"overflow:auto\">" + variant_table(c, rank) + "</div>");
  page += section("curves", "Curves of every run", curves(c, rank));
  page += section("architectures",
                  c.variants.empty() ? std::string("Architectures") : "Architectures against " + c.variants.front().label,
                  diffs(c));
  page += "</main><footer>written by genc &middot; self-contained: no network needed</footer><script>";
  page += kCompareScript;
  return page + "</script></body></html>\n";
}

}  // namespace genc::runtime::report
