// Calls: resolving the callee (a fn-valued name, a block, an invertible or a builtin op)
// and binding arguments to parameters (positional, named, leading values), evaluating
// them in source order so parameter paths follow the text.
#include <fmt/format.h>

#include "compiler/sema/evaluator.h"
#include "compiler/sema/suggest.h"

namespace genc::sema {
namespace {

SourceRange callee_range(const ast::Expr& e) { return e.op_range.valid() ? e.op_range : e.range; }

const std::vector<ast::Arg>& no_args() {
  static const std::vector<ast::Arg> empty;
  return empty;
}

}  // namespace

Value Evaluator::eval_call(const ast::Expr& e, Scope& scope) {
  std::optional<std::string> target = resolve_callee(e.text, callee_range(e), scope);
  if (!target) return Value::error();
  if (e.piped && e.args.size() > 1 && *target == "spectral_norm" && globals_.blocks.count(*target) == 0)
    return piped_spectral_norm(e, scope);
  CallSite site{e.text, callee_range(e), e.range, &e.args};
  return call(*target, site, scope, {});
}

Value Evaluator::piped_spectral_norm(const ast::Expr& e, Scope& scope) {
  // `x |> spectral_norm(linear(32))` wraps the call it is given: x goes into linear.
  bool wraps_call = e.args.size() == 2 && e.args[1].name.empty() && e.args[1].value &&
                    e.args[1].value->kind == ast::ExprKind::Call;
  if (!wraps_call) {
    Diagnostic& d = diags_.report(DiagKind::WrongArity, callee_range(e),
                                  {"spectral_norm", "1 argument", std::to_string(e.args.size())});
    d.hint = "in a pipe, give spectral_norm the call to wrap: x |> spectral_norm(linear(32))";
    return Value::error();
  }
  Value piped = eval(*e.args[0].value, scope);
  if (piped.is_error()) return piped;
  const ast::Expr& inner = *e.args[1].value;
  std::optional<std::string> target = resolve_callee(inner.text, callee_range(inner), scope);
  if (!target) return Value::error();
  CallSite site{inner.text, callee_range(inner), inner.range, &inner.args};
  Value wrapped = call(*target, site, scope, {std::move(piped)});
  if (wrapped.is_error()) return wrapped;
  return mark_spectral_norm(wrapped, &inner, inner.range);
}

std::optional<std::string> Evaluator::resolve_callee(const std::string& name, SourceRange at,
                                                     Scope& scope) {
  if (const Binding* b = scope.lookup(name)) {
    if (b->stmt) globals_.read.insert(b->stmt);
    if (b->value.is(VKind::Fn)) return b->value.s;
    if (b->value.is_error()) return std::nullopt;
    if (!globals_.callable(name)) {
      type_error(at, fmt::format("'{}' is {}, not an op or block", name, kind_text(b->value)));
      return std::nullopt;
    }
  }
  if (globals_.callable(name)) return name;
  Diagnostic& d = diags_.report(DiagKind::UnknownOp, at, {name});
  std::vector<std::string> names = globals_.callable_names();
  add_suggestion(d, name, names);
  return std::nullopt;
}

Value Evaluator::call(const std::string& target, const CallSite& site, Scope& scope,
                      std::vector<Value> leading) {
  if (auto it = globals_.blocks.find(target); it != globals_.blocks.end())
    return expand_block(*it->second, site, scope, std::move(leading));
  if (auto it = globals_.invertibles.find(target); it != globals_.invertibles.end())
    return expand_invertible(*it->second, site, scope, std::move(leading));
  const Builtin* b = find_builtin(target);
  GENC_ASSERT(b != nullptr, "call of unresolved callee '" + target + "'");
  return call_builtin(*b, site, scope, std::move(leading));
}

bool Evaluator::bind_args(const Signature& sig, const std::string& callee, const CallSite& site,
                          Scope& scope, std::vector<Value> leading, Bound& out) {
  size_t n = sig.params.size();
  out.values.assign(n, Value::none());
  out.given.assign(n, false);
  out.ranges.assign(n, site.callee);
  out.exprs.assign(n, nullptr);
  int lead = static_cast<int>(std::min(leading.size(), n));
  for (int k = 0; k < lead; ++k) {
    out.values[static_cast<size_t>(k)] = std::move(leading[static_cast<size_t>(k)]);
    out.given[static_cast<size_t>(k)] = true;
    out.ranges[static_cast<size_t>(k)] = site.range;
  }
  const std::vector<ast::Arg>& args = site.args ? *site.args : no_args();
  ArgMatch m = match_args(sig, callee, args, lead, site.callee, diags_);
  for (size_t k = 0; k < args.size(); ++k) {
    if (m.slot[k] < 0 || !args[k].value) continue;
    size_t p = static_cast<size_t>(m.slot[k]);
    const ast::Expr& value = *args[k].value;
    out.given[p] = true;
    out.exprs[p] = &value;
    out.ranges[p] = value.range;
    if (sig.params[p].type != ParamType::Net) out.values[p] = eval(value, scope);
  }
  bool ok = m.ok && check_missing(sig, callee, m, site.callee, diags_);
  for (size_t p = 0; p < n; ++p) {
    if (!out.given[p] || sig.params[p].type == ParamType::Net) continue;
    ok = check_arg(sig.params[p], callee, out.values[p], out.ranges[p], diags_) && ok;
  }
  return ok;
}

std::optional<Bound> Evaluator::bind_call(const Signature& sig, const CallSite& site,
                                          Scope& scope) {
  Bound args;
  if (!bind_args(sig, sig.name, site, scope, {}, args)) return std::nullopt;
  for (size_t k = 0; k < args.values.size(); ++k)
    if (!args.given[k]) args.values[k] = sig.params[k].default_value;
  return args;
}

}  // namespace genc::sema
