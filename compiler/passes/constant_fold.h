// Constant folding and algebraic simplification on one role graph.
#pragma once

#include "compiler/ir/graph.h"

namespace genc::passes {

/// Folds arithmetic on `const` nodes into new constants, removes identities (x*1, 1*x,
/// x/1, x+0, 0+x, x-0) where the constant does not change x's type by broadcasting, and
/// drops reshape/flatten that do not change the type. Returns whether anything changed.
bool fold_constants(ir::Graph& graph);

}  // namespace genc::passes
