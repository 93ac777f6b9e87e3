// Checkpoints: one torch::serialize archive holding everything a run needs to continue
// exactly (executor state, batcher position, log accumulators) and to be rebuilt from
// scratch (the .gen source text and the --set overrides it was compiled with).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/checkpoint_read.h"
#include "runtime/executor.h"

namespace genc::runtime {

/// Writes `path` atomically (a crash leaves the previous file intact). Throws
/// RuntimeUserError if it cannot be written.
void save_checkpoint(const std::string& path, Executor& executor, const RunState& run, const CheckpointMeta& meta);

/// Restores `executor` (built from the same program and configuration) and returns the
/// run state. Throws RuntimeUserError if the file does not fit.
RunState load_checkpoint(const std::string& path, Executor& executor);

/// "DIR/step_00001200.pt" for `step`.
std::string checkpoint_path(const std::string& dir, int64_t step);
/// The checkpoint of the highest step in `dir`, if any.
std::optional<std::string> latest_checkpoint(const std::string& dir);

}  // namespace genc::runtime
