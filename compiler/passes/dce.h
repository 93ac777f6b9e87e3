// Dead code elimination on one role graph.
#pragma once

#include "compiler/ir/graph.h"

namespace genc::passes {

/// Removes nodes none of whose results are used, except roots (inputs, outputs) and ops
/// with effects beyond their results (batchnorm's running statistics, grad_input).
/// Returns whether anything was removed.
bool eliminate_dead_code(ir::Graph& graph);

}  // namespace genc::passes
