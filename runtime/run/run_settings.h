// What a `genc run` trains and with which settings: a fresh run's file and --set values, or
// a resumed run's latest checkpoint (its copy of the source, which must not have changed)
// and run.json; then the train block's settings overridden by those, and the checkpoint
// policy (every epoch and at the end when the train block says nothing).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/pipeline/pipeline.h"
#include "runtime/run/run_record.h"
#include "runtime/run/training.h"
#include "runtime/train_config.h"

namespace genc::runtime {

/// What `genc run` was asked for.
struct RunRequest {
  std::string file;   ///< the .gen file; may be empty when resuming
  std::string model;  ///< empty: the first train block's
  std::optional<int64_t> steps;    ///< iterations in all (from the start of the run)
  std::optional<int64_t> epochs;   ///< epochs in all; not given together with steps
  std::optional<uint64_t> seed;
  std::string device;  ///< "auto", "cpu", "cuda"; empty: the train block's (or the resumed run's)
  std::string out;     ///< OUT; empty: runs/MODEL
  std::string resume;  ///< the OUT of a run to continue from its latest checkpoint; empty: a fresh run
  std::vector<std::string> sets;  ///< --set model.param=value, as written
  int devices = 0;  ///< --devices N: data-parallel over N processes (0: not asked for)
};

/// What to train, resolved from the request (and, when resuming, from OUT).
struct RunPlan {
  Source source;
  std::string model;
  std::optional<RunRecord> record;         ///< the resumed run's run.json
  std::optional<std::string> resume_from;  ///< the checkpoint to continue
};

/// A fresh run: FILE read with its --set values. Resuming: the latest checkpoint in the
/// checkpoint folder of OUT's run.json (OUT/checkpoints without one) and its copy of the
/// source; FILE, when given, must still have that text and --model must name its model.
/// Null after reporting diagnostics in `c` (a missing FILE, a bad --set); throws
/// RuntimeUserError for the other problems.
std::optional<RunPlan> plan_run(pipeline::Compilation& c, const RunRequest& request);

/// Sets `config` to the run's settings: the record's (when resuming), then the request's
/// (--seed must equal a resumed run's). Without a `checkpoint` setting a run checkpoints
/// every epoch and at its end, so that it can be resumed, sampled and evaluated. Returns
/// the device to run on ("" : the train block's). Throws RuntimeUserError.
std::string apply_run_settings(const RunRequest& request, const std::optional<RunRecord>& record,
                               TrainConfig& config);

}  // namespace genc::runtime
