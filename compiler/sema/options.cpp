// Named option sets: table lookup, argument binding and the resulting ir::Setting.
#include "compiler/sema/options.h"

#include <fmt/format.h>

#include "compiler/sema/suggest.h"

namespace genc::sema {

const Signature* OptionTable::find(const std::string& name) const {
  for (const Signature& s : entries)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> OptionTable::names() const {
  std::vector<std::string> out;
  for (const Signature& s : entries) out.push_back(s.name);
  return out;
}

OptionTable make_table(std::string what,
                       std::initializer_list<std::pair<const char*, const char*>> entries) {
  OptionTable t;
  t.what = std::move(what);
  for (const auto& [name, sig] : entries) t.entries.push_back(parse_signature(name, sig));
  return t;
}

std::optional<ir::Setting> eval_setting(const ast::Expr& e, const OptionTable& table,
                                        DiagKind unknown, Evaluator& ev, Scope& scope) {
  DiagnosticEngine& diags = ev.diags();
  if (e.kind != ast::ExprKind::Call && e.kind != ast::ExprKind::Name) {
    diags.report(
        DiagKind::TypeError, e.range,
        {fmt::format("expected one of the {}s: {}", table.what, fmt::join(table.names(), ", "))});
    return std::nullopt;
  }
  SourceRange at = e.kind == ast::ExprKind::Call && e.op_range.valid() ? e.op_range : e.range;
  const Signature* sig = table.find(e.text);
  if (!sig) {
    std::vector<std::string> args = {e.text};
    if (unknown == DiagKind::UnknownSetting) args.insert(args.begin(), table.what);
    Diagnostic& d = diags.report(unknown, at, args);
    add_suggestion(d, e.text, table.names());
    return std::nullopt;
  }
  CallSite site{e.text, at, e.range, e.kind == ast::ExprKind::Call ? &e.args : nullptr};
  std::optional<Bound> bound = ev.bind_call(*sig, site, scope);
  if (!bound) return std::nullopt;
  ir::Setting s;
  s.name = sig->name;
  s.loc = e.range;
  for (size_t k = 0; k < sig->params.size(); ++k) {
    std::optional<ir::Attr> a = to_attr(bound->values[k]);
    if (a) s.args[sig->params[k].name] = *a;
  }
  return s;
}

Value setting_value(const ir::Setting& s, const std::string& key) {
  auto it = s.args.find(key);
  return it == s.args.end() ? Value::none() : from_attr(it->second);
}

}  // namespace genc::sema
