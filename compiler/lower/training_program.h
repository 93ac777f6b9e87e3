// The output of lowering: a model's objective as named graphs the runtime executes —
// the optimisation steps of one training iteration (each with its optimizer and the
// parameters it updates), an eval graph and a sample graph.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace genc::lower {

/// A self-contained graph: the role graphs it needs are inlined, keeping each parameter
/// node's `name`, so every graph that mentions "D.h.conv0" uses the same parameters.
///
/// Conventions the runtime relies on:
///  - data enters through Input nodes with attrs {name = "x"|"y", index = 0|1};
///  - results leave through Output nodes with attrs {name, index}; `outputs[index]` is
///    that name. In step and eval graphs every output is f32[] (one value per example)
///    and output 0 is the loss the runtime averages over the batch;
///  - random ops (randn, rand, rand_label, dropout) draw per example of the batch the
///    graph runs on (that of "x", or the size asked of a graph without data).
struct Routine {
  std::string name;
  ir::Graph graph;
  std::vector<std::string> outputs;  ///< output names by index

  /// Whether the graph reads Input `name` ("x" or "y").
  bool reads(const std::string& name) const;
  /// The rows the graph makes of one example: its largest repeat_batch (iw / samples), else 1.
  int64_t rows_per_example() const;
};

/// The parameters one optimizer updates: those owned by the nodes of some roles.
struct OptimizerGroup {
  std::string name;                 ///< "model" (single-loss objectives), "G", "D"
  std::vector<std::string> roles;   ///< role names whose parameters it updates
  std::vector<std::string> params;  ///< names of the parameter nodes of those roles, sorted
};

/// One optimisation step: run `graph`, take the batch mean of output 0, and apply its
/// gradient with respect to the group's parameters (and only those) with that group's
/// optimizer. A step that reads "x" takes a fresh batch on each of its `repeat` runs; a
/// step that does not reads "y" and the batch size from the last batch taken.
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
  /// Draws samples without data: output 0 ("x") is a batch of the data's type (image
  /// values: bernoulli probabilities, gaussian means, ...); a conditional sampler also
  /// returns the labels it drew as "y". Absent for objectives that cannot sample.
  std::optional<Routine> sample;

  const OptimizerGroup* optimizer(const std::string& name) const;
};

}  // namespace genc::lower
