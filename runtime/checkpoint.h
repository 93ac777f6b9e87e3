// Checkpoints: one torch::serialize archive holding everything a run needs to continue
// exactly (executor state, batcher position, log accumulators) and to be rebuilt from
// scratch (the .gen source text and the --set overrides it was compiled with).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/data/batcher.h"
#include "runtime/executor.h"

namespace genc::runtime {

/// What a checkpoint says about the run that wrote it.
struct CheckpointMeta {
  std::string source_path;  ///< the .gen file as given to `genc run`
  std::string source_text;  ///< its text at the time of the run
  std::vector<std::pair<std::string, std::string>> overrides;  ///< --set, in order
  std::string model;        ///< the trained model's name
  int64_t step = 0;         ///< completed iterations
  int64_t epoch = 0;        ///< the batcher's epoch
};

/// Where a run stands besides the executor: saved and restored with it.
struct RunState {
  BatcherState batcher;
  std::vector<double> log_sums;  ///< metric sums since the last log line
  int64_t log_count = 0;
};

/// Writes `path` atomically (a crash leaves the previous file intact). Throws
/// RuntimeUserError if it cannot be written.
void save_checkpoint(const std::string& path, Executor& executor, const RunState& run, const CheckpointMeta& meta);

/// Reads only the metadata (to recompile the program before loading). Throws
/// RuntimeUserError naming the path if it is missing or not a genc checkpoint.
CheckpointMeta read_checkpoint_meta(const std::string& path);

/// Restores `executor` (built from the same program and configuration) and returns the
/// run state. Throws RuntimeUserError if the file does not fit.
RunState load_checkpoint(const std::string& path, Executor& executor);

/// "DIR/step_00001200.pt" for `step`.
std::string checkpoint_path(const std::string& dir, int64_t step);
/// The checkpoint of the highest step in `dir`, if any.
std::optional<std::string> latest_checkpoint(const std::string& dir);

}  // namespace genc::runtime
