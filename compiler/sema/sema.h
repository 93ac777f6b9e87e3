// Semantic analysis: AST modules -> typed graph IR. Resolves names, expands blocks,
// unrolls `repeat`, evaluates compile-time values, checks roles and infers every shape.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/frontend/frontend.h"
#include "compiler/ir/program.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

struct Options {
  /// `--set model.param=value` overrides, as written ("vae.latent", "32").
  std::vector<std::pair<std::string, std::string>> overrides;
};

/// Returns the program, or nullopt after reporting at least one error.
std::optional<ir::Program> analyze(const frontend::ParsedUnit& unit, const Options& options,
                                   DiagnosticEngine& diags);

}  // namespace genc::sema
