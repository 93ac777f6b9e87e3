// OUT/run.json: the settings a run was started with beyond its source (which its
// checkpoints hold), so that --resume continues it with the same ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace genc::runtime {

struct RunRecord {
  uint64_t seed = 0;
  std::optional<int64_t> steps;
  std::optional<int64_t> epochs;
  std::string device;          ///< as asked for ("" : the train block's)
  /// As the train block gives it: relative to OUT (so a moved run folder still resumes)
  /// unless absolute; read it through checkpoints_of().
  std::string checkpoint_dir;
};

/// The checkpoint folder of the run in `out` that `record` describes.
std::string checkpoints_of(const std::string& out, const RunRecord& record);
/// The same where the run may have no run.json: then the train block's default folder.
std::string checkpoints_of(const std::string& out, const std::optional<RunRecord>& record);

/// Writes `record` to `path` (OUT/run.json) atomically. Throws RuntimeUserError if it
/// cannot be written.
void write_run_record(const std::string& path, const RunRecord& record);

/// The record at `path`; null when there is none. Throws RuntimeUserError when the file
/// is not a run record.
std::optional<RunRecord> read_run_record(const std::string& path);

}  // namespace genc::runtime
