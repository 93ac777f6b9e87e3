// `genc run`: compiles the program, resolves the run's settings and trains it with the
// Trainer into OUT (metrics.jsonl, checkpoints/, samples/, run.json), fresh or resumed.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "compiler/pipeline/pipeline.h"
#include "runtime/dist/dist_env.h"
#include "runtime/run/run_settings.h"
#include "runtime/run/training.h"

namespace genc::runtime {

/// A run ready to train: compiled, with its settings resolved.
struct PreparedRun {
  Training training;  ///< points into the Compilation that prepared it
  std::string device;                      ///< "" : the train block's
  std::string out;                         ///< OUT
  std::optional<std::string> resume_from;  ///< the checkpoint to continue
  std::optional<dist::DistEnv> dist;       ///< data-parallel: this process's place in the run
};

/// Plans the run (plan_run), compiles it and applies its settings (apply_run_settings).
/// Null after reporting diagnostics in `c`; throws RuntimeUserError for other problems (a
/// --devices count that does not divide the batch among them).
std::optional<PreparedRun> prepare_run(pipeline::Compilation& c, const RunRequest& request);

/// Trains `run` into its OUT and reports the result on `log`:
///   1. builds the Trainer (which loads the data and creates OUT) and, resuming, restores
///      the checkpoint;
///   2. a fresh run clears an earlier run in OUT; a resumed one drops the metrics written
///      after its checkpoint;
///   3. writes run.json, trains, and prints one line: steps, epochs, time, files.
/// Throws RuntimeUserError; a fresh run that fails before producing anything leaves no
/// files behind. Returns 0, or kInterruptedExit after a Ctrl-C (SIGINT) that stopped
/// training after an iteration: a checkpoint of that step is written and the line
/// "interrupted at step N; resume with genc run --resume OUT" printed. A second Ctrl-C
/// ends the process at once.
int execute_run(PreparedRun& run, std::ostream& log);

/// Where and how one run of a compiled Training goes.
struct RunTarget {
  std::string device;                      ///< "" : the train block's
  std::string out;                         ///< OUT
  std::optional<std::string> resume_from;  ///< the checkpoint to continue
  /// Data-parallel training: this process joins the run's process group first, trains its
  /// rows of every batch, and only rank 0 writes OUT and prints.
  std::optional<dist::DistEnv> dist;
};

/// execute_run of `t` with `config` in place of its own (a sweep trains one compiled
/// Training with several seeds): the same steps, files and result.
int execute_training(const Training& t, const TrainConfig& config, const RunTarget& run, std::ostream& log);

/// The exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
constexpr int kInterruptedExit = 130;

}  // namespace genc::runtime
