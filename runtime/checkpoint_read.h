// Reading a checkpoint's archive without the executor: its metadata and the run state besides
// the executor's. Split from checkpoint.h so that the checkpoint fuzzer (tests/fuzz) links
// only this and LibTorch.
#pragma once

#include <torch/serialize/input-archive.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "runtime/data/batcher.h"

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

/// The format name a checkpoint's "format" entry holds.
extern const char* const kCheckpointFormat;

/// Opens `path` as an archive of our format, its tensors mapped onto `device` (a checkpoint
/// written on a GPU opens on the CPU and the other way round), or throws RuntimeUserError.
void open_checkpoint(const std::string& path, torch::serialize::InputArchive& archive,
                     c10::Device device = c10::kCPU);

/// Reads only the metadata (to recompile the program before loading). Throws
/// RuntimeUserError naming the path if it is missing or not a genc checkpoint.
CheckpointMeta read_checkpoint_meta(const std::string& path);

/// The run state of the checkpoint `archive` opened from `path`. Throws RuntimeUserError
/// naming the path if an entry is missing or of the wrong type.
RunState read_run_state(const std::string& path, torch::serialize::InputArchive& archive);

}  // namespace genc::runtime
