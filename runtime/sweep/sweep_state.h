// OUT/sweep.json: what a `genc sweep` runs (the file, model, axes, seeds and budget) and
// each run's status, rewritten atomically whenever a run starts or ends, so that running the
// same sweep again skips its finished runs and `genc report OUT` finds them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/sweep/sweep_grid.h"

namespace genc::runtime::sweep {

/// A run's progress: pending (not started), running (started; a sweep killed meanwhile
/// leaves it so), done, interrupted (Ctrl-C: it has a checkpoint to resume), failed.
enum class Status { Pending, Running, Done, Interrupted, Failed };

const char* status_name(Status s);

struct RunState {
  std::string name;  ///< its folder under OUT
  std::vector<std::pair<std::string, std::string>> overrides;
  uint64_t seed = 0;
  size_t plan = 0;  ///< which compiled plan it trains (runs of one plan share the compilation)
  Status status = Status::Pending;
  std::string error;  ///< why it failed
};

struct SweepState {
  std::string file;         ///< the .gen file as given
  std::string source_hash;  ///< FNV-1a of its text: a sweep continues only on the same source
  std::string model;        ///< "" : the first train block's
  std::vector<Axis> axes;
  std::optional<int64_t> steps, epochs;
  std::string device;
  size_t plans = 0;  ///< distinct compiled plans
  std::vector<RunState> runs;

  /// Whether `other` is the same sweep (file text, model, axes, seeds, budget, device).
  bool same_sweep(const SweepState& other) const;
};

/// OUT/sweep.json.
std::string sweep_state_path(const std::string& out);

/// FNV-1a 64 of `text` in hex.
std::string text_hash(const std::string& text);

void write_sweep_state(const std::string& path, const SweepState& state);

/// The state at `path`; null when there is none. Throws RuntimeUserError when the file is
/// not a sweep state.
std::optional<SweepState> read_sweep_state(const std::string& path);

}  // namespace genc::runtime::sweep
