// OUT/metrics.jsonl: one JSON object per log or eval event, one per line.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace genc::runtime {

/// One event. Written as {"step":..,"epoch":..,"split":..,"loss":.., then `extra` in order}
/// (extra holds elbo, bpd, fd, lr, ... as the objective reports them). NaN and infinite
/// values are written as null.
struct MetricsRecord {
  int64_t step = 0;
  int64_t epoch = 0;
  std::string split = "train";  ///< "train" | "test"
  double loss = 0.0;
  std::vector<std::pair<std::string, double>> extra;
};

/// Appends records to OUT/metrics.jsonl (created if missing; a resumed run appends),
/// flushing each line so the file can be followed while training runs.
class MetricsLog {
 public:
  /// Throws RuntimeUserError if the file cannot be opened (missing or unwritable `out_dir`).
  explicit MetricsLog(const std::string& out_dir);

  void append(const MetricsRecord& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace genc::runtime
