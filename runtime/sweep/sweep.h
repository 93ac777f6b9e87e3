// `genc sweep`: trains every combination of some hyperparameters' values (and seeds), each
// a normal `genc run` in OUT/<name>/, one after another. Every combination is compiled and
// checked once, before anything trains; the runs of its seeds reuse that compiled plan.
// OUT/sweep.json records the runs and their status, so the same command run again resumes.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace genc::runtime::sweep {

/// What `genc sweep` was asked for.
struct SweepRequest {
  std::string file;
  std::string model;              ///< "" : the first train block's
  std::vector<std::string> sets;  ///< "vae.latent=8,16,32", as written
  int64_t seeds = 1;              ///< runs per combination
  std::optional<uint64_t> seed;   ///< the first seed (default: the train block's)
  std::optional<int64_t> steps, epochs;
  std::string device;  ///< "" : the train block's
  std::string out;     ///< "" : sweeps/MODEL
};

/// Runs the sweep:
///   1. expands the grid and compiles each combination in its own compilation; when any
///      fails, prints every failing combination's label and diagnostics on `err`, then one
///      "genc: error:" line naming them, and returns 1 before anything is created;
///   2. numbers the distinct optimized graphs (combinations that change no shape or op,
///      only a value the graph does not use, share one) and checks each fits in memory;
///   3. with OUT/sweep.json of the same sweep: skips its done runs and continues a started
///      one from its latest checkpoint (genc run --resume); of another sweep: refuses;
///   4. trains the other runs one after another (a run that fails is recorded and the
///      others go on), writing sweep.json as each starts and ends.
/// Returns 0 when every run is done, 1 when some failed, and 130 (kInterruptedExit) after a
/// Ctrl-C stopped a run at a checkpoint. Throws RuntimeUserError for bad flags or OUT.
int run_sweep(const SweepRequest& request, std::ostream& log, std::ostream& err);

}  // namespace genc::runtime::sweep
