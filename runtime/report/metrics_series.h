// OUT/metrics.jsonl read back for the run report: one series per metric key (train and test
// points against the step) and the run's timings from the train records' time_s.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace genc::runtime::report {

/// One point of a metric: its value at `step` (records with a null value are skipped).
struct Point {
  int64_t step = 0;
  double value = 0.0;
};

/// One metric key of metrics.jsonl ("loss", "elbo", "D_loss", "lr", ...).
struct Series {
  std::string name;
  std::vector<Point> train;  ///< from records with split "train"
  std::vector<Point> test;   ///< from records with split "test"
};

/// The time a run spent training, from the train records' time_s (seconds since the
/// process began training: it starts again at each resume, which begins a new segment).
struct Timings {
  int segments = 0;         ///< the run and each resume that logged
  double seconds = 0.0;     ///< training time summed over the segments (to their last log line)
  int64_t steps_timed = 0;  ///< steps those seconds cover
  int64_t last_step = 0;    ///< the highest step of any record
  int64_t last_epoch = 0;
};

struct Metrics {
  std::vector<Series> series;  ///< "loss" first, then in the order keys first appear
  Timings timings;
  int64_t records = 0;
};

/// Reads `path` (one JSON object per line). Keys step, epoch, split and time_s are not
/// series. A missing file gives no records; a line that is not a JSON object (a torn
/// last line of a killed run) ends the reading. Throws RuntimeUserError if `path` exists
/// but cannot be read.
Metrics read_metrics(const std::string& path);

}  // namespace genc::runtime::report
