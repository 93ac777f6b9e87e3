// Named option sets: the tables of options.def as signatures, table lookup, argument
// binding and range checks, and the resulting ir::Setting.
#include "compiler/sema/options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

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

namespace {

/// An option of options.def as a parameter (not for Kind options: they are no arguments).
ParamSpec param_spec(const ir::OptionSpec& o) {
  ParamSpec p;
  p.name = o.name;
  switch (o.type) {
    case ir::OptionType::Int:
      p.type = ParamType::Int;
      break;
    case ir::OptionType::Number:
      p.type = ParamType::Number;
      break;
    case ir::OptionType::Bool:
      p.type = ParamType::Bool;
      break;
    case ir::OptionType::String:
      p.type = ParamType::String;
      break;
    case ir::OptionType::Choice:
      p.type = ParamType::Choice;
      p.choices = o.check.choices;
      break;
    case ir::OptionType::Pair:
      p.type = ParamType::Numbers;
      break;
    case ir::OptionType::Kind:
      internal_error("option '" + o.name + "' names a construct; it is not an argument");
  }
  p.has_default = o.default_value.has_value();
  if (o.default_value) p.default_value = from_attr(*o.default_value);
  return p;
}

OptionTable group_table(ir::Group g) {
  OptionTable t;
  t.what = ir::group_spec(g).name;
  t.group = g;
  for (const ir::ConstructSpec& c : ir::option_constructs()) {
    if (c.group != g) continue;
    Signature sig;
    sig.name = c.name;
    for (const ir::OptionSpec& o : c.options)
      if (o.type != ir::OptionType::Kind) sig.params.push_back(param_spec(o));
    t.entries.push_back(std::move(sig));
  }
  return t;
}

/// Reports every given argument outside its option's range; false if any.
bool check_ranges(const OptionTable& table, const Signature& sig, const Bound& bound,
                  DiagnosticEngine& diags) {
  const ir::ConstructSpec* c = ir::find_construct(*table.group, sig.name);
  bool ok = true;
  for (size_t k = 0; k < sig.params.size(); ++k) {
    if (!bound.given[k]) continue;
    std::optional<ir::Attr> a = to_attr(bound.values[k]);
    std::optional<std::string> expected = ir::check_value(*c->option(sig.params[k].name), *a);
    if (!expected) continue;
    diags.report(DiagKind::InvalidOptionValue, bound.ranges[k],
                 {value_text(bound.values[k]), sig.params[k].name, *expected});
    ok = false;
  }
  return ok;
}

}  // namespace

const OptionTable& option_table(ir::Group g) {
  static const std::vector<OptionTable> tables = [] {
    std::vector<OptionTable> out;
    for (const ir::GroupSpec& spec : ir::option_groups()) out.push_back(group_table(spec.id));
    return out;
  }();
  for (const OptionTable& t : tables)
    if (t.group == g) return t;
  internal_error("no option table for group " + ir::group_spec(g).name);
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
  if (!bound || (table.group && !check_ranges(table, *sig, *bound, diags))) return std::nullopt;
  ir::Setting s;
  s.name = sig->name;
  s.loc = e.range;
  for (size_t k = 0; k < sig->params.size(); ++k) {
    std::optional<ir::Attr> a = to_attr(bound->values[k]);
    if (a) s.args[sig->params[k].name] = *a;
    if (bound->given[k]) s.arg_locs[sig->params[k].name] = bound->ranges[k];
  }
  return s;
}

Value setting_value(const ir::Setting& s, const std::string& key) {
  auto it = s.args.find(key);
  return it == s.args.end() ? Value::none() : from_attr(it->second);
}

}  // namespace genc::sema
