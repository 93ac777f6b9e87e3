// Common subexpression elimination on one role graph.
#pragma once

#include "compiler/ir/graph.h"

namespace genc::passes {

/// Merges pure nodes that compute the same thing (same op, operands, attributes and
/// result types). Never merges nodes that own parameters or draw random numbers.
/// Returns whether anything was merged.
bool eliminate_common_subexpressions(ir::Graph& graph);

}  // namespace genc::passes
