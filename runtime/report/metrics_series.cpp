// Reading metrics.jsonl into series (see metrics_series.h).
#include "runtime/report/metrics_series.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "runtime/errors.h"

namespace genc::runtime::report {
namespace {

bool is_series_key(const std::string& key) {
  return key != "step" && key != "epoch" && key != "split" && key != "time_s";
}

Series& series_named(std::vector<Series>& all, const std::string& name) {
  auto it = std::find_if(all.begin(), all.end(), [&](const Series& s) { return s.name == name; });
  if (it != all.end()) return *it;
  all.push_back(Series{name, {}, {}});
  return all.back();
}

/// Adds a train record's time_s to the timings: a time below the previous one starts a
/// new segment (a resumed run's process).
struct SegmentClock {
  double last_time = -1.0;
  int64_t segment_first_step = 0;  ///< the step the current segment's clock started at
  int64_t last_step = 0;

  void add(Timings& t, int64_t step, double time_s) {
    if (t.segments == 0 || time_s < last_time) {
      close(t);
      ++t.segments;
      segment_first_step = last_step;
    }
    last_time = time_s;
    last_step = step;
  }
  void close(Timings& t) {
    if (last_time < 0) return;
    t.seconds += last_time;
    t.steps_timed += last_step - segment_first_step;
  }
};

}  // namespace

Metrics read_metrics(const std::string& path) {
  Metrics m;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return m;
  std::ifstream in(path);
  if (!in) throw RuntimeUserError("cannot read '" + path + "'");
  SegmentClock clock;
  for (std::string line; std::getline(in, line);) {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("step") || !j["step"].is_number_integer()) break;
    const int64_t step = j["step"].get<int64_t>();
    const bool test = j.value("split", "train") == "test";
    ++m.records;
    m.timings.last_step = std::max(m.timings.last_step, step);
    if (j.contains("epoch") && j["epoch"].is_number_integer())
      m.timings.last_epoch = std::max(m.timings.last_epoch, j["epoch"].get<int64_t>());
    if (!test && j.contains("time_s") && j["time_s"].is_number()) clock.add(m.timings, step, j["time_s"].get<double>());
    for (const auto& [key, value] : j.items()) {
      if (!is_series_key(key)) continue;
      Series& s = series_named(m.series, key);
      if (!value.is_number()) continue;  // NaN and infinities are written as null
      (test ? s.test : s.train).push_back(Point{step, value.get<double>()});
    }
  }
  clock.close(m.timings);
  auto loss = std::find_if(m.series.begin(), m.series.end(), [](const Series& s) { return s.name == "loss"; });
  if (loss != m.series.end()) std::rotate(m.series.begin(), loss, loss + 1);
  return m;
}

}  // namespace genc::runtime::report
