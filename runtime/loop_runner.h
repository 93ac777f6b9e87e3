// Runs a plan Loop (a sampler): its init, step and finish routines each compiled once,
// the step run once per row of the iteration table with the carried values handed from
// one iteration to the next by name (slots resolved when it is built, tensors passed on,
// never copied).
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/training_program.h"
#include "runtime/compiled_graph.h"
#include "runtime/param_store.h"

namespace genc::runtime {

class LoopRunner {
 public:
  /// Compiles the loop's routines against `params` (no gradients) and puts the table's
  /// values on the parameters' device, one scalar tensor per iteration and column.
  LoopRunner(const lower::Loop& loop, ParamStore& params);

  /// A given start: the first `prefix.size(0)` entries along dimension 1 of the carried
  /// value `name` are set to `prefix` (in every row) after init, and the iterations before
  /// `first_iteration` keep it: they run (so the other carried values, a KV cache, take in
  /// the prefix) with their results for `name` dropped (an autoregressive sampler
  /// continuing a prompt; every iteration draws, so a seed draws the same numbers with
  /// and without the cache).
  struct Start {
    std::string name;
    at::Tensor prefix;
    int64_t first_iteration = 0;
  };

  /// Runs init for `n` rows, every iteration (from `start`'s first one), then finish;
  /// returns the loop's results in results() order. With `fault`, every kernel's results
  /// are checked and the first that is not finite is stored there (a replay's diagnosis).
  std::vector<at::Tensor> run(int64_t n, bool training, at::Generator& generator, const Start* start = nullptr,
                              std::optional<CompiledGraph::Fault>* fault = nullptr);
  const std::vector<std::string>& results() const { return results_; }
  int64_t iterations() const { return iterations_; }

 private:
  /// A routine with the environment slot of each output and the source of each input:
  /// an environment slot (>= 0) or table column c (encoded as -1 - c).
  struct Bound {
    std::unique_ptr<CompiledGraph> graph;
    std::vector<int> in;
    std::vector<int> out;
  };

  Bound bind(const lower::Routine& r, ParamStore& params, const lower::IterationTable* table);
  int slot(const std::string& name) const;

  std::vector<std::string> env_names_;  ///< environment slot -> name (init's outputs)
  Bound init_;
  std::optional<Bound> step_;
  std::optional<Bound> finish_;
  std::vector<std::vector<at::Tensor>> table_;  ///< [column][iteration], each of shape [1]
  int64_t iterations_ = 0;
  std::vector<std::string> results_;
};

}  // namespace genc::runtime
