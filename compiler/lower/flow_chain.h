// Internal to genc_lower: a flow role's chain of invertible steps, run forward (z and the
// summed log-determinant) and backward (the inverse the compiler derives for each builtin
// step), emitted into a routine under construction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/graph_builder.h"

namespace genc::lower {

/// The chain's links in the role graph, input first: each a node of a kInvertible op whose
/// operand 0 is the previous link's y (or the role's input).
std::vector<ir::NodeId> flow_chain(const ir::Function& flow);

/// The first link whose inverse cannot be derived (a user `invertible` without an
/// invertible_inverse node, possible only in hand-written graph IR), or nullopt.
std::optional<ir::NodeId> underivable_step(const ir::Function& flow);

struct FlowForward {
  ir::ValueRef z;       ///< the flow's output
  ir::ValueRef logdet;  ///< f32[]: the sum of every link's log-determinant
  std::vector<ir::ValueRef> links;  ///< each link's y in the routine, chain order
  std::vector<ir::ValueRef> factored;  ///< each factor_out's z (to the prior), chain order
};

/// Runs `flow` on `x`.
FlowForward flow_forward(GraphBuilder& b, const ir::Function& flow, ir::ValueRef x);

/// Runs the links `first..last` (indices into flow_chain, inclusive) of `flow` backward from
/// `y` (the y of link `last`): returns the x of link `first`. A coupling's net is re-run on
/// the conditioning half of y; parameterised inverses use their forward node's parameters.
/// No link in the range may be underivable. A factor_out draws its factored part from the
/// prior N(0, temperature^2 I).
ir::ValueRef flow_inverse(GraphBuilder& b, const ir::Function& flow, ir::ValueRef y, size_t first, size_t last,
                          double temperature = 1.0);

/// One link of a flow run on its own, for `genc check --verify`: a routine on input "x" (the
/// link's x) with outputs "y" and "logdet" (the link's forward) and, when its inverse is
/// derived, "x_rec" (the inverse of y). Its outputs are not per-example scalars, so it is
/// not a plan routine.
struct LinkCheck {
  std::string block;  ///< the op's spelling, or the user invertible's name
  ir::Op op;
  SourceRange loc;    ///< where the flow calls it
  bool has_inverse = false;
  Routine routine;
};

/// Every link of `flow`, chain order.
std::vector<LinkCheck> flow_link_checks(const ir::Function& flow);

}  // namespace genc::lower
