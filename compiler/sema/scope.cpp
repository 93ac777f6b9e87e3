// Lexical scopes of sema: lookup through the parent chain, binding and unbinding.
#include "compiler/sema/scope.h"

namespace genc::sema {

const Binding* Scope::lookup(const std::string& name) const {
  for (const Scope* s = this; s != nullptr; s = s->parent_)
    if (const Binding* b = s->local(name)) return b;
  return nullptr;
}

void Scope::bind(const std::string& name, Value value, SourceRange def, const ast::Stmt* stmt) {
  vars_[name] = Binding{std::move(value), def, stmt};
}

const Binding* Scope::local(const std::string& name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

void Scope::unbind(const std::string& name) { vars_.erase(name); }

void Scope::collect_names(std::vector<std::string>& out) const {
  for (const Scope* s = this; s != nullptr; s = s->parent_)
    for (const auto& [name, binding] : s->vars_) out.push_back(name);
}

}  // namespace genc::sema
