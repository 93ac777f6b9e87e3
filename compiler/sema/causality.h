// The causality proof of autoregressive roles: no output position depends on a later
// input position (LANGUAGE.md section 6), checked over the role's graph at compile time.
#pragma once

#include "compiler/ir/program.h"
#include "compiler/sema/emit.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

/// Reports a CausalityLeak at the first op on each path that lets an output position see
/// later positions of x (with "in block ... called here" notes from `builder`'s record of
/// block calls). Returns false after an error.
bool check_causality(const ir::Function& role, const GraphBuilder& builder, DiagnosticEngine& diags);

}  // namespace genc::sema
