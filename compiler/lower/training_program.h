// The output of lowering, the plan: a model's objective as named routines the runtime
// executes — the optimisation steps of one training iteration (each with its optimizer and
// the parameters it updates), an eval routine and a sampler, which may loop (an init
// routine, a step routine run over a compile-time table of per-iteration inputs with
// values carried between iterations by name, and a finish routine).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace genc::lower {

/// A self-contained graph: the role graphs it needs are inlined, keeping each parameter
/// node's `name`, so every graph that mentions "D.h.conv0" uses the same parameters.
///
/// Conventions the runtime relies on:
///  - values enter through Input nodes with attrs {name, index}; `inputs[index]` is that
///    name. The runtime binds them by name: data ("x", "y"), a loop's carried values, its
///    per-iteration table columns, and an earlier step's output "S.OUT" (step_handoff.h);
///  - results leave through Output nodes with attrs {name, index}; `outputs[index]` is that
///    name. In step and eval routines every output is f32[] per example (but for one that a
///    later step reads) and output 0 is the loss the runtime averages over the batch;
///  - random ops (randn, rand, rand_label, dropout) draw per example of the batch the
///    routine runs on (that of its data, or the size asked of a routine without data).
struct Routine {
  std::string name;
  ir::Graph graph;
  std::vector<std::string> inputs;   ///< input names by index
  std::vector<std::string> outputs;  ///< output names by index

  /// Whether the routine has input `name`.
  bool reads(const std::string& name) const;
  /// The index of input / output `name`, or -1.
  int input_index(const std::string& name) const;
  int output_index(const std::string& name) const;
  /// The type of input / output `index`.
  const ir::ValueType& input_type(size_t index) const;
  const ir::ValueType& output_type(size_t index) const;
  /// The rows the graph makes of one example: its largest repeat_batch (iw / samples), else 1.
  int64_t rows_per_example() const;
};

/// The per-iteration inputs of a loop, fixed at compile time: one column per name, one
/// value per iteration (a diffusion sampler's timestep and schedule coefficients, an
/// autoregressive sampler's position). Each value reaches its step input as a scalar of
/// the column's dtype (f32[] or i64[]).
struct IterationTable {
  struct Column {
    std::string name;
    ir::DType dtype = ir::DType::F32;
    std::vector<double> values;  ///< one per iteration (exact for i64 up to 2^53)
  };
  std::vector<Column> columns;
  int64_t iterations = 0;

  const Column* column(const std::string& name) const;
};

/// A routine run several times: `init` once, then `step` once per row of `table`, then
/// `finish` once. The values in flight form an environment of named tensors: init's
/// outputs start it; each iteration binds step's inputs from the environment (carried
/// values) or from the table, and step's outputs replace the environment entries of the
/// same names (a step output must name an existing entry: nothing appears mid-loop);
/// finish reads the environment by name. The loop's results are finish's outputs, or,
/// without a finish, the environment in init's output order. Without a step it is a
/// straight-line routine (init alone).
struct Loop {
  /// A straight-line sampler: `init` alone, named after it.
  static Loop straight(Routine init);

  std::string name;
  Routine init;
  std::optional<Routine> step;
  IterationTable table;  ///< empty without a step
  std::optional<Routine> finish;

  /// The names of the loop's results, in order.
  const std::vector<std::string>& results() const;
  /// The names step carries between iterations (its outputs).
  std::vector<std::string> carried() const;
  /// The type of result `name` (finish's output, else init's).
  const ir::ValueType& result_type(const std::string& name) const;
};

/// The parameters one optimizer updates: those owned by the nodes of some roles.
struct OptimizerGroup {
  std::string name;                 ///< "model" (single-loss objectives), "G", "D"
  std::vector<std::string> roles;   ///< role names whose parameters it updates
  std::vector<std::string> params;  ///< names of the parameter nodes of those roles, sorted
};

/// One optimisation step: run the routine, take the batch mean of output 0, and apply its
/// gradient with respect to the group's parameters (and only those) with that group's
/// optimizer. A step that reads "x" takes a fresh batch on each of its `repeat` runs; one
/// that does not reads "y" and the batch size from the last batch taken (a GAN's G step: D's).
struct Step : Routine {
  std::string optimizer;  ///< an OptimizerGroup's name
  int repeat = 1;         ///< runs per iteration (a GAN's d_steps)
};

/// A model's objective lowered: one training iteration runs `steps` in order.
struct TrainingProgram {
  std::string model;
  std::string objective;  ///< "elbo", "gan", "classify"
  std::vector<OptimizerGroup> optimizers;
  std::vector<Step> steps;
  /// Per-example metrics on held-out data; output 0 is the loss. Absent for objectives
  /// without a likelihood (gan).
  std::optional<Routine> eval;
  /// Draws samples without data: result "x" is a batch of the data's type (image values:
  /// bernoulli probabilities, gaussian means, ...); a conditional sampler also returns
  /// the labels it drew as "y". Absent for objectives that cannot sample.
  std::optional<Loop> sample;

  const OptimizerGroup* optimizer(const std::string& name) const;
  /// Every routine of the program, steps first (for verifying and optimizing them all).
  std::vector<Routine*> routines();
  std::vector<const Routine*> routines() const;
};

}  // namespace genc::lower
