// The IR verifier: structural invariants plus re-running every shape function.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/program.h"

namespace genc::ir {

/// Returns one message per broken invariant; empty means the program is well formed.
/// Checks: edges mirror Node::inputs; operand ids exist; acyclic; operand and result
/// counts match ops.def; attributes match ops.def's declarations (no unknown names, no
/// missing required ones, declared types); result types equal what infer_shape gives;
/// one Output per role graph and Input nodes match the role's params; Output type equals
/// the role result; every objective, sampler, schedule, prior and train setting fits the
/// option table.
std::vector<std::string> verify(const Program& program);
std::vector<std::string> verify(const Graph& graph);

}  // namespace genc::ir
