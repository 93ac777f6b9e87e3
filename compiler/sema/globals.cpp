// Collecting the blocks and invertibles of all modules, with their signatures, and the
// static checks of their declarations.
#include "compiler/sema/globals.h"

#include "compiler/sema/builtins.h"

namespace genc::sema {

bool Globals::callable(const std::string& name) const {
  return blocks.count(name) || invertibles.count(name) || find_builtin(name) != nullptr;
}

std::vector<std::string> Globals::callable_names() const {
  std::vector<std::string> out = builtin_names();
  for (const auto& [name, decl] : blocks) out.push_back(name);
  for (const auto& [name, decl] : invertibles) out.push_back(name);
  return out;
}

void check_body_structure(const ast::Body& body, DiagnosticEngine& diags) {
  bool returned = false;
  for (const ast::StmtPtr& s : body) {
    if (!s) continue;
    if (returned) {
      diags.report(DiagKind::StatementAfterReturn, s->range);
      return;
    }
    if (s->kind == ast::StmtKind::Return) returned = true;
    check_body_structure(s->body, diags);
    check_body_structure(s->else_body, diags);
  }
}

ParamType param_type_of(const ast::Type* type, DiagnosticEngine& diags) {
  if (!type) return ParamType::Any;
  switch (type->kind) {
    case ast::TypeKind::Fn:
      return ParamType::Fn;
    case ast::TypeKind::Tensor:
    case ast::TypeKind::Tokens:
    case ast::TypeKind::Label:
    case ast::TypeKind::Time:
      return ParamType::Tensor;
    case ast::TypeKind::Named:
      break;
  }
  static const std::pair<const char*, ParamType> kNamed[] = {
      {"int", ParamType::Int},          {"float", ParamType::Number},
      {"number", ParamType::Number},    {"bool", ParamType::Bool},
      {"string", ParamType::String},    {"list", ParamType::List},
      {"tensor", ParamType::Tensor},    {"gaussian", ParamType::Tensor},
      {"bernoulli", ParamType::Tensor}, {"categorical", ParamType::Tensor},
  };
  for (const auto& [name, t] : kNamed)
    if (type->name == name) return t;
  diags.report(DiagKind::TypeError, type->range, {"unknown type '" + type->name + "'"});
  return ParamType::Any;
}

namespace {

Signature signature_of(const std::string& name, const std::vector<ast::Param>& params,
                       DiagnosticEngine& diags) {
  Signature sig;
  sig.name = name;
  for (const ast::Param& p : params) {
    if (sig.index(p.name) >= 0) {
      Diagnostic& d = diags.report(DiagKind::Redefinition, p.range, {p.name});
      diags.add_note(d, sig.params[static_cast<size_t>(sig.index(p.name))].range,
                     "'" + p.name + "' was first defined here");
      continue;
    }
    ParamSpec spec;
    spec.name = p.name;
    spec.type = param_type_of(p.type.get(), diags);
    spec.declared = p.type.get();
    spec.default_expr = p.default_value.get();
    spec.has_default = p.default_value != nullptr;
    spec.range = p.range;
    sig.params.push_back(std::move(spec));
  }
  return sig;
}

// Registers `name` unless it clashes with a builtin or an earlier declaration.
bool claim(Globals& g, const std::string& name, SourceRange range,
           std::map<std::string, SourceRange>& seen, DiagnosticEngine& diags) {
  if (find_builtin(name)) {
    Diagnostic& d = diags.report(DiagKind::Redefinition, range, {name});
    diags.add_note(d, SourceRange{}, "'" + name + "' is a builtin op");
    return false;
  }
  auto it = seen.find(name);
  if (it != seen.end()) {
    Diagnostic& d = diags.report(DiagKind::Redefinition, range, {name});
    diags.add_note(d, it->second, "'" + name + "' was first defined here");
    return false;
  }
  seen.emplace(name, range);
  return true;
}

}  // namespace

void collect_globals(const frontend::ParsedUnit& unit, Globals& g, DiagnosticEngine& diags) {
  std::map<std::string, SourceRange> seen;
  for (const auto& module : unit.modules) {
    if (!module) continue;
    for (const ast::BlockDecl& b : module->blocks) {
      check_body_structure(b.body, diags);
      if (!claim(g, b.name, b.range, seen, diags)) continue;
      g.blocks.emplace(b.name, &b);
      g.signatures.emplace(b.name, signature_of(b.name, b.params, diags));
      g.module_of.emplace(&b, module.get());
    }
    for (const ast::InvertibleDecl& inv : module->invertibles) {
      check_body_structure(inv.forward, diags);
      check_body_structure(inv.inverse, diags);
      if (!claim(g, inv.name, inv.range, seen, diags)) continue;
      g.invertibles.emplace(inv.name, &inv);
      g.signatures.emplace(inv.name, signature_of(inv.name, inv.params, diags));
      g.module_of.emplace(&inv, module.get());
    }
  }
}

}  // namespace genc::sema
