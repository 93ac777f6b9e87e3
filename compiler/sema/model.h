// One `model` declaration: hyperparameters (defaults, then `--set` overrides), its
// schedules, priors, objective and sampler, every role's graph, and the family checks.
#pragma once

#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/ir/program.h"
#include "compiler/sema/globals.h"
#include "compiler/sema/overrides.h"

namespace genc::sema {

struct ModelResult {
  ir::Model model;  ///< the roles that analysed cleanly, settings, hyperparameters
  bool ok = false;  ///< no error was reported while analysing it
};

/// Analyses `decl`. Overrides naming this model are applied and marked used; those
/// naming an unknown hyperparameter are reported (UnknownHyperparam).
ModelResult analyze_model(const ast::ModelDecl& decl, std::vector<Override>& overrides,
                          Globals& globals, DiagnosticEngine& diags);

}  // namespace genc::sema
