// Declarations visible from every body: the blocks and invertibles of the main module and
// of everything it imports, with their signatures; collected once before analysis.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/frontend/frontend.h"
#include "compiler/sema/scope.h"
#include "compiler/sema/signature.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

struct Globals {
  std::map<std::string, const ast::BlockDecl*> blocks;
  std::map<std::string, const ast::InvertibleDecl*> invertibles;
  std::map<std::string, Signature> signatures;          ///< of every block and invertible
  std::map<const void*, const ast::Module*> module_of;  ///< declaration -> its module
  std::set<const ast::Module*> used_modules;            ///< modules whose blocks were expanded
  std::set<const void*> reported;                       ///< declarations already diagnosed once
  std::set<const ast::Stmt*> bound;                     ///< assignments executed at least once
  std::set<const ast::Stmt*> read;                      ///< assignments whose value was read
  Scope root;                                           ///< the (empty) scope blocks start from

  /// True for a block, an invertible or a builtin op of that name.
  bool callable(const std::string& name) const;
  /// Every block, invertible and builtin name (for "did you mean" hints).
  std::vector<std::string> callable_names() const;
};

/// Collects the blocks and invertibles of every module of `unit` (imports first).
/// Reports Redefinition (also of a builtin op's name), duplicate parameters, unknown
/// parameter types and statements after a return.
void collect_globals(const frontend::ParsedUnit& unit, Globals& globals, DiagnosticEngine& diags);

/// Reports StatementAfterReturn for any statement following a `return` in `body` (or in
/// a nested repeat/if body).
void check_body_structure(const ast::Body& body, DiagnosticEngine& diags);

/// The parameter kind a declared type allows; reports unknown named types.
ParamType param_type_of(const ast::Type* type, DiagnosticEngine& diags);

}  // namespace genc::sema
