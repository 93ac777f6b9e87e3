// Fusion of a layer with the activation that follows it, on one role graph.
#pragma once

#include "compiler/ir/graph.h"

namespace genc::passes {

/// Folds a kActivation op into the linear/conv/upconv feeding it when the activation is
/// that layer's only use: the layer gets attr `act` (and `slope` for leaky_relu) and the
/// activation's location in Node::fused. Returns whether anything was fused.
bool fuse_linear_activation(ir::Graph& graph);

}  // namespace genc::passes
