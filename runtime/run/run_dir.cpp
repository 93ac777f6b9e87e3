// A run's output folder (see run_dir.h).
#include "runtime/run/run_dir.h"

#include <fstream>
#include <ostream>
#include <regex>
#include <vector>

#include <nlohmann/json.hpp>

namespace genc::runtime {
namespace {

namespace fs = std::filesystem;

const std::regex kCheckpointName(R"(step_\d+\.pt)");
const std::regex kGridName(R"((epoch|step)_\d+\.png)");
const std::regex kEventsName(R"(events\.out\.tfevents\..+)");
// write_file_atomic's temporary files (io/atomic_file.cpp), left by a run that was killed.
const std::regex kTemporaryName(R"(.+\.tmp-[A-Za-z0-9]{6})");

/// Files in `dir` whose names match `pattern`.
std::vector<fs::path> matching(const std::string& dir, const std::regex& pattern) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (std::regex_match(entry.path().filename().string(), pattern)) out.push_back(entry.path());
  return out;
}

/// Removes `dir` and then its parents while they are empty folders, up to but not
/// including `stop`.
void remove_empty_dirs(fs::path dir, const fs::path& stop) {
  std::error_code ec;
  dir = fs::absolute(dir, ec);
  while (!dir.empty() && dir != stop && fs::is_directory(dir, ec) && fs::is_empty(dir, ec)) {
    fs::remove(dir, ec);
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
}

}  // namespace

std::string run_record_path(const std::string& out) { return (fs::path(out) / "run.json").string(); }

RunDir run_dir(const std::string& out, const TrainConfig& config) {
  RunDir d{out,
           (fs::path(out) / "metrics.jsonl").string(),
           run_record_path(out),
           under(out, config.checkpoint_dir),
           under(out, config.sample_dir),
           {}};
  std::error_code ec;
  for (fs::path p = fs::absolute(out, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    d.first_created = p;
    if (p == p.parent_path()) break;
  }
  return d;
}

void clear_previous_run(const RunDir& d, std::ostream& log) {
  std::error_code ec;
  bool had_run = fs::exists(d.metrics, ec) && fs::file_size(d.metrics, ec) > 0;
  if (fs::exists(d.metrics, ec)) fs::resize_file(d.metrics, 0, ec);
  for (const fs::path& p : matching(d.checkpoints, kCheckpointName)) had_run = fs::remove(p, ec) || had_run;
  for (const fs::path& p : matching(d.samples, kGridName)) had_run = fs::remove(p, ec) || had_run;
  for (const fs::path& p : matching(d.out, kEventsName)) fs::remove(p, ec);
  if (had_run) log << "genc: note: replacing the earlier run in '" << d.out << "'\n";
}

void remove_temporaries(const RunDir& d) {
  std::error_code ec;
  for (const std::string& dir : {d.out, d.checkpoints, d.samples})
    for (const fs::path& p : matching(dir, kTemporaryName)) fs::remove(p, ec);
}

void discard_if_empty(const RunDir& d) {
  std::error_code ec;
  if (fs::exists(d.metrics, ec) && fs::file_size(d.metrics, ec) > 0) return;
  if (!matching(d.checkpoints, kCheckpointName).empty() || !matching(d.samples, kGridName).empty()) return;
  fs::remove(d.metrics, ec);
  fs::remove(d.record, ec);
  for (const fs::path& p : matching(d.out, kEventsName)) fs::remove(p, ec);
  fs::path out = fs::absolute(d.out, ec);
  remove_empty_dirs(d.checkpoints, out);
  remove_empty_dirs(d.samples, out);
  // OUT and its parents only when this run created them.
  if (!d.first_created.empty()) remove_empty_dirs(out, fs::absolute(d.first_created, ec).parent_path());
}

void truncate_metrics_after(const std::string& metrics, int64_t step) {
  std::ifstream in(metrics, std::ios::binary);
  if (!in) return;
  uintmax_t keep = 0;
  for (std::string line; std::getline(in, line);) {
    try {
      if (nlohmann::json::parse(line).at("step").get<int64_t>() > step) break;
    } catch (const nlohmann::json::exception&) {
      break;  // a torn last line
    }
    keep += line.size() + 1;
  }
  in.close();
  std::error_code ec;
  if (keep < fs::file_size(metrics, ec)) fs::resize_file(metrics, keep, ec);
}

}  // namespace genc::runtime
