// A run's output folder OUT: where its files go (metrics.jsonl, run.json, TensorBoard's
// events.out.tfevents.*, checkpoints/, samples/), clearing an earlier run before a fresh one, removing what a failed fresh run
// left, and dropping the metrics an interrupted run wrote after its last checkpoint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "runtime/io/out_paths.h"
#include "runtime/train_config.h"

namespace genc::runtime {

/// OUT/run.json (see run_record.h).
std::string run_record_path(const std::string& out);

/// Where a run writes, and what existed before it started.
struct RunDir {
  std::string out;
  std::string metrics;      ///< OUT/metrics.jsonl
  std::string record;       ///< OUT/run.json
  std::string checkpoints;  ///< the train block's checkpoint_dir under OUT
  std::string samples;      ///< its sample_dir under OUT
  /// The outermost folder of `out` that this run creates ("" when `out` exists already).
  std::filesystem::path first_created;
};

/// The layout of a run of `config` into `out`, taken before the run creates anything.
RunDir run_dir(const std::string& out, const TrainConfig& config);

/// Before a fresh run: empties metrics.jsonl (the Trainer appends to it) and removes an
/// earlier run's checkpoints, grids and TensorBoard event files, so --resume and readers never mix two runs. Notes
/// the replacement on `log` when there was an earlier run.
void clear_previous_run(const RunDir& dir, std::ostream& log);

/// Removes the temporary files of atomic writes (NAME.tmp-XXXXXX) that a killed run left in
/// OUT, its checkpoint folder and its sample folder.
void remove_temporaries(const RunDir& dir);

/// After a failed fresh run: when it produced nothing (no metrics line, checkpoint or
/// grid), removes the empty files (and the events file), the empty checkpoint and sample folders, and OUT and
/// its parents when the run created them.
void discard_if_empty(const RunDir& dir);

/// Before resuming from the checkpoint of `step`: drops the records of later steps from
/// `metrics` (written after that checkpoint by the interrupted run, and a torn last line),
/// so they are not logged twice.
void truncate_metrics_after(const std::string& metrics, int64_t step);

}  // namespace genc::runtime
