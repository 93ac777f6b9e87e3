// Lexical scopes of sema: a chain of name -> value bindings (role or block body, then the
// model's hyperparameters). Rebinding a name replaces its value: SSA underneath.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/sema/value.h"
#include "compiler/support/source.h"

namespace genc::ast {
struct Stmt;
}

namespace genc::sema {

struct Binding {
  Value value;
  SourceRange def;                  ///< where the name was bound (the binding's name)
  const ast::Stmt* stmt = nullptr;  ///< the binding statement, if any (unused-binding checks)
};

class Scope {
 public:
  explicit Scope(const Scope* parent = nullptr) : parent_(parent) {}

  /// The innermost binding of `name`, or null.
  const Binding* lookup(const std::string& name) const;
  /// Binds or rebinds `name` in this scope.
  void bind(const std::string& name, Value value, SourceRange def, const ast::Stmt* stmt = nullptr);
  /// This scope's own binding of `name`, or null.
  const Binding* local(const std::string& name) const;
  /// Removes this scope's binding of `name` (a loop variable after its loop).
  void unbind(const std::string& name);
  /// Every visible name (for "did you mean" hints).
  void collect_names(std::vector<std::string>& out) const;

 private:
  const Scope* parent_;
  std::map<std::string, Binding> vars_;
};

}  // namespace genc::sema
