// Roles of a model (LANGUAGE.md 5.2): each role's signature is checked against its kind,
// its parameter types resolved, its body built into an ir::Function and its returned
// value matched against the declared result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/ir/program.h"
#include "compiler/sema/globals.h"
#include "compiler/sema/scope.h"

namespace genc::sema {

/// What sema knows about one role after analysing it.
struct RoleInfo {
  const ast::RoleDecl* decl = nullptr;
  bool signature_ok = false;          ///< the parameter list and result fit the kind
  std::vector<ir::ValueType> params;  ///< resolved parameter types (when signature_ok)
  std::optional<ir::ValueType>
      declared;                    ///< a tensor result type (generator, discriminator, denoiser)
  std::string declared_name;       ///< a named result: gaussian, bernoulli, categorical, normal
  std::optional<ir::Function> fn;  ///< the built graph, when the body analysed cleanly
};

/// Checks the signature of `decl`, resolves its types in `model_scope` and builds its
/// graph. `priors` are the model's declared prior names (a flow may return one).
RoleInfo analyze_role(const ast::RoleDecl& decl, Scope& model_scope,
                      const std::vector<std::string>& priors, Globals& globals,
                      DiagnosticEngine& diags);

}  // namespace genc::sema
