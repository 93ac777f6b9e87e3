// One metric's curves as an inline SVG chart: train and test against the step, with axes,
// gridlines and tick labels, drawn by genc so the report needs no script library.
#pragma once

#include <string>
#include <vector>

#include "runtime/report/metrics_series.h"

namespace genc::runtime::report {

/// The stroke colours of the curves; the browser test counts their pixels.
inline constexpr const char* kTrainColour = "#1f77b4";
inline constexpr const char* kTestColour = "#e8590c";

/// An <svg> element (viewBox 480 x 260, scales with its container) of `series`:
///   - train: the raw values as a faint line and, with 10 or more points, the exponential
///     moving average (weight 0.6, as TensorBoard's default smoothing) as a solid line in
///     kTrainColour (else the raw line itself is solid);
///   - test: a solid kTestColour line with a dot at each point;
///   - the y range padded by 5%, "nice" ticks (1, 2, 5 x 10^k) on both axes.
/// Each curve's <path> has class "train" or "test". Empty series give an empty chart.
std::string line_chart_svg(const Series& series);

/// One run's curve of a metric in an overlay chart.
struct Curve {
  std::vector<Point> points;
  std::string colour;  ///< its variant's
  size_t variant = 0;  ///< the data-variant attribute of its <path>
  std::string label;   ///< the run's name (the path's tooltip)
};

/// An <svg class="chart overlay"> (as line_chart_svg's frame and axes) of several runs'
/// curves of one metric, each a <path class="run"> in its colour, smoothed like the train
/// curve of line_chart_svg when it has 10 or more points.
std::string overlay_chart_svg(const std::string& name, const std::vector<Curve>& curves);

}  // namespace genc::runtime::report
