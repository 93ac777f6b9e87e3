// The SVG line chart (see line_chart.h).
#include "runtime/report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

namespace genc::runtime::report {
namespace {

constexpr double kWidth = 480, kHeight = 260;
constexpr double kLeft = 58, kRight = 14, kTop = 12, kBottom = 30;
constexpr double kSmoothing = 0.6;
constexpr size_t kSmoothFrom = 10;

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

/// The spacing of about `count` ticks over `span`: 1, 2 or 5 times a power of ten.
double tick_step(double span, int count) {
  const double raw = span / count;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * power) return m * power;
  return 10 * power;
}

/// A tick label: short, without trailing zeros, in exponent form for very large or small values.
std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-6) return "0";
  if (std::abs(v) >= 1e5 || std::abs(v) < 1e-3) return fmt::format("{:.2g}", v);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step))));
  return fmt::format("{:.{}f}", v, decimals);
}

/// The multiples of `step` within [lo, hi].
std::vector<double> ticks(double lo, double hi, double step) {
  std::vector<double> out;
  for (double i = std::ceil(lo / step); i * step <= hi; ++i) out.push_back(i * step);
  return out;
}

struct Frame {
  Range x, y;
  double px(double step) const { return kLeft + (step - x.lo) / (x.hi - x.lo) * (kWidth - kLeft - kRight); }
  double py(double value) const { return kTop + (y.hi - value) / (y.hi - y.lo) * (kHeight - kTop - kBottom); }
};

Frame frame_of(const std::vector<const std::vector<Point>*>& curves) {
  Frame f;
  for (const std::vector<Point>* points : curves)
    for (const Point& p : *points) {
      f.x.add(static_cast<double>(p.step));
      f.y.add(p.value);
    }
  if (f.x.empty()) f.x = {0, 1}, f.y = {0, 1};
  if (f.x.hi == f.x.lo) f.x.lo -= 1, f.x.hi += 1;
  const double pad = f.y.hi > f.y.lo ? 0.05 * (f.y.hi - f.y.lo) : std::max(std::abs(f.y.hi) * 0.05, 1e-3);
  f.y.lo -= pad, f.y.hi += pad;
  return f;
}

std::string path_data(const Frame& f, const std::vector<Point>& points) {
  std::string d;
  for (const Point& p : points)
    d += fmt::format("{}{:.1f},{:.1f}", d.empty() ? "M" : " L", f.px(static_cast<double>(p.step)), f.py(p.value));
  return d;
}

std::vector<Point> smoothed(const std::vector<Point>& points) {
  std::vector<Point> out;
  double ema = 0.0, weight = 0.0;
  for (const Point& p : points) {  // debiased like TensorBoard's, so the start is not pulled to 0
    ema = kSmoothing * ema + (1 - kSmoothing) * p.value;
    weight = kSmoothing * weight + (1 - kSmoothing);
    out.push_back(Point{p.step, ema / weight});
  }
  return out;
}

std::string axes(const Frame& f) {
  std::string s;
  const double y_step = tick_step(f.y.hi - f.y.lo, 5);
  for (double v : ticks(f.y.lo, f.y.hi, y_step)) {
    const double y = f.py(v);
    s += fmt::format(R"(<line class="grid" x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}"/>)", kLeft, y, kWidth - kRight, y);
    s += fmt::format(R"(<text class="tick" x="{}" y="{:.1f}" text-anchor="end">{}</text>)", kLeft - 6, y + 4,
                     tick_label(v, y_step));
  }
  const double x_step = std::max(1.0, tick_step(f.x.hi - f.x.lo, 6));
  for (double v : ticks(f.x.lo, f.x.hi, x_step)) {
    const double x = f.px(v);
    s += fmt::format(R"(<line class="grid" x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>)", x, kTop, x, kHeight - kBottom);
    s += fmt::format(R"(<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>)", x,
                     kHeight - kBottom + 16, tick_label(v, x_step));
  }
  s += fmt::format(R"(<rect class="frame" x="{}" y="{}" width="{}" height="{}"/>)", kLeft, kTop,
                   kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  return s;
}

std::string curve(const Frame& f, const std::vector<Point>& points, const char* cls, const char* colour,
                  const char* extra) {
  if (points.empty()) return "";
  return fmt::format(R"(<path class="{}" d="{}" fill="none" stroke="{}" stroke-width="2" {}/>)", cls,
                     path_data(f, points), colour, extra);
}

}  // namespace

std::string line_chart_svg(const Series& s) {
  const Frame f = frame_of({&s.train, &s.test});
  std::string svg = fmt::format(R"(<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">)", kWidth,
                                kHeight, s.name);
  svg += axes(f);
  if (s.train.size() >= kSmoothFrom) {
    svg += curve(f, s.train, "train-raw", kTrainColour, R"(stroke-opacity="0.25")");
    svg += curve(f, smoothed(s.train), "train", kTrainColour, R"(stroke-linejoin="round")");
  } else {
    svg += curve(f, s.train, "train", kTrainColour, R"(stroke-linejoin="round")");
  }
  svg += curve(f, s.test, "test", kTestColour, R"(stroke-linejoin="round")");
  for (const Point& p : s.test)
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3.5" fill="{}"><title>step {}: {:.6g}</title></circle>)",
                       f.px(static_cast<double>(p.step)), f.py(p.value), kTestColour, p.step, p.value);
  svg += fmt::format(R"(<text class="axis" x="{}" y="{}" text-anchor="end">step</text>)", kWidth - kRight,
                     kHeight - 2);
  return svg + "</svg>";
}

std::string overlay_chart_svg(const std::string& name, const std::vector<Curve>& curves) {
  std::vector<const std::vector<Point>*> all;
  std::vector<std::vector<Point>> drawn;
  drawn.reserve(curves.size());
  for (const Curve& c : curves) {
    drawn.push_back(c.points.size() >= kSmoothFrom ? smoothed(c.points) : c.points);
    all.push_back(&drawn.back());
  }
  const Frame f = frame_of(all);
  std::string svg = fmt::format(R"(<svg class="chart overlay" viewBox="0 0 {} {}" role="img" aria-label="{}">)",
                                kWidth, kHeight, name);
  svg += axes(f);
  for (size_t i = 0; i < curves.size(); ++i) {
    if (drawn[i].empty()) continue;
    svg += fmt::format(
        R"(<path class="run" data-variant="{}" d="{}" fill="none" stroke="{}" stroke-width="1.6" stroke-linejoin="round"><title>{}</title></path>)",
        curves[i].variant, path_data(f, drawn[i]), curves[i].colour, curves[i].label);
  }
  svg += fmt::format(R"(<text class="axis" x="{}" y="{}" text-anchor="end">step</text>)", kWidth - kRight,
                     kHeight - 2);
  return svg + "</svg>";
}

}  // namespace genc::runtime::report
