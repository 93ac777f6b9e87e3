// Statements and block expansion: bindings (SSA rebinding in one scope per body),
// `return`, `repeat` unrolled at compile time, `if` on compile-time conditions, and block
// calls expanded inline with their parameters bound in a fresh scope.
#include <fmt/format.h>

#include "compiler/sema/evaluator.h"

namespace genc::sema {

Evaluator::Exit Evaluator::exec(const ast::Body& body, Scope& scope, Value& ret) {
  for (const ast::StmtPtr& s : body) {
    if (stopped_ || diags_.limit_reached() || builder_.exhausted()) return Exit::Stopped;
    if (!s) continue;
    Exit x = exec_stmt(*s, scope, ret);
    if (x != Exit::Normal) return x;
  }
  if (stopped_ || builder_.exhausted()) return Exit::Stopped;
  return Exit::Normal;
}

Evaluator::Exit Evaluator::exec_stmt(const ast::Stmt& s, Scope& scope, Value& ret) {
  switch (s.kind) {
    case ast::StmtKind::Assign: {
      builder_.namer().set_binding(s.name);
      Value v = s.value ? eval(*s.value, scope) : Value::error();
      v.origin.clear();
      v.origin_range = SourceRange{};
      scope.bind(s.name, std::move(v), s.name_range, &s);
      globals_.bound.insert(&s);
      return Exit::Normal;
    }
    case ast::StmtKind::Return:
      builder_.namer().set_binding("return");
      ret = s.value ? eval(*s.value, scope) : Value::error();
      if (depth_ == 0) last_return_ = &s;
      return Exit::Returned;
    case ast::StmtKind::Repeat:
      return exec_repeat(s, scope, ret);
    case ast::StmtKind::If:
      return exec_if(s, scope, ret);
  }
  return Exit::Normal;
}

Value Evaluator::eval_condition(const ast::Expr& e, Scope& scope, const char* keyword) {
  const char* outer = condition_of_;
  condition_of_ = keyword;
  Value v = eval(e, scope);
  condition_of_ = outer;
  return v;
}

std::optional<int64_t> Evaluator::repeat_bound(const ast::Expr& e, Scope& scope) {
  Value v = eval_condition(e, scope, "repeat");
  if (v.is_error()) return std::nullopt;
  if (v.is_tensor()) {
    diags_.report(DiagKind::DataDependentControl, e.range, {"repeat"});
    return std::nullopt;
  }
  if (!v.is(VKind::Int)) {
    diags_.report(DiagKind::RepeatCount, e.range,
                  {v.compile_time() ? value_text(v) : kind_text(v)});
    return std::nullopt;
  }
  return v.i;
}

Evaluator::Exit Evaluator::exec_repeat(const ast::Stmt& s, Scope& scope, Value& ret) {
  if (!s.value) return Exit::Normal;
  int64_t from = 0, to = 0;
  if (s.from) {
    std::optional<int64_t> a = repeat_bound(*s.from, scope);
    std::optional<int64_t> b = repeat_bound(*s.value, scope);
    if (!a || !b) return Exit::Normal;
    from = *a;
    to = *b;
    if (to < from) {
      diags_.report(DiagKind::RepeatCount, s.value->range, {fmt::format("{}..{}", from, to)});
      return Exit::Normal;
    }
  } else {
    std::optional<int64_t> n = repeat_bound(*s.value, scope);
    if (!n) return Exit::Normal;
    if (*n < 0) {
      diags_.report(DiagKind::RepeatCount, s.value->range, {std::to_string(*n)});
      return Exit::Normal;
    }
    to = *n;
  }
  if (to - from > kMaxRepeat) {
    diags_.report(DiagKind::RepeatCount, s.value->range,
                  {fmt::format("{} (at most {} iterations unroll)", to - from, kMaxRepeat)});
    return Exit::Normal;
  }
  std::optional<Binding> saved;
  if (!s.name.empty())
    if (const Binding* b = scope.local(s.name)) saved = *b;
  Exit x = Exit::Normal;
  for (int64_t i = from; i < to && x == Exit::Normal; ++i) {
    if (!s.name.empty()) scope.bind(s.name, Value::integer(i), s.name_range);
    x = exec(s.body, scope, ret);
  }
  if (!s.name.empty()) {
    if (saved)
      scope.bind(s.name, saved->value, saved->def, saved->stmt);
    else
      scope.unbind(s.name);
  }
  return x;
}

Evaluator::Exit Evaluator::exec_if(const ast::Stmt& s, Scope& scope, Value& ret) {
  if (!s.value) return Exit::Normal;
  Value cond = eval_condition(*s.value, scope, "if");
  if (cond.is_error()) return Exit::Normal;
  if (cond.is_tensor()) {
    diags_.report(DiagKind::DataDependentControl, s.value->range, {"if"});
    return Exit::Normal;
  }
  if (!cond.is(VKind::Bool)) {
    type_error(s.value->range,
               fmt::format("an 'if' condition must be true or false, got {}", kind_text(cond)));
    return Exit::Normal;
  }
  return exec(cond.b ? s.body : s.else_body, scope, ret);
}

bool Evaluator::check_declared(const ParamSpec& p, const std::string& callee, const Value& v,
                               SourceRange at, Scope& inner) {
  if (!p.declared || !v.is_tensor()) return true;
  if (p.declared->kind == ast::TypeKind::Named || p.declared->kind == ast::TypeKind::Fn)
    return true;
  std::optional<ir::ValueType> want = resolve_type(*p.declared, inner);
  if (!want) return false;
  if (v.type == *want) return true;
  diags_.report(DiagKind::ArgumentType, at,
                {p.name, callee, "a tensor " + type_text(*want), kind_text(v)});
  return false;
}

bool Evaluator::bind_params(const std::string& name, const CallSite& site, Scope& caller,
                            std::vector<Value> leading, Scope& inner) {
  const Signature& sig = globals_.signatures.at(name);
  Bound args;
  if (!bind_args(sig, name, site, caller, std::move(leading), args)) return false;
  bool ok = true;
  for (size_t k = 0; k < sig.params.size(); ++k) {
    const ParamSpec& p = sig.params[k];
    Value v = args.values[k];
    if (args.given[k]) {
      ok = check_declared(p, name, v, args.ranges[k], inner) && ok;
    } else if (p.default_expr) {
      v = eval(*p.default_expr, inner);
      ok = check_arg(p, name, v, p.default_expr->range, diags_) && ok;
    }
    v.origin.clear();
    v.origin_range = SourceRange{};
    inner.bind(p.name, std::move(v), p.range);
  }
  return ok;
}

Value Evaluator::expand_block(const ast::BlockDecl& decl, const CallSite& site, Scope& scope,
                              std::vector<Value> leading) {
  if (depth_ >= kMaxBlockDepth || expansions_ >= kMaxExpansions) {
    if (depth_ >= kMaxBlockDepth)
      diags_.report(DiagKind::RecursionLimit, site.callee,
                    {decl.name, std::to_string(kMaxBlockDepth)});
    else
      type_error(site.callee, fmt::format("more than {} block expansions; is '{}' recursive?",
                                          kMaxExpansions, decl.name));
    stopped_ = true;
    return Value::error();
  }
  ++expansions_;
  Scope inner(&globals_.root);
  if (!bind_params(decl.name, site, scope, std::move(leading), inner)) return Value::error();
  if (auto it = globals_.module_of.find(&decl); it != globals_.module_of.end())
    globals_.used_modules.insert(it->second);
  builder_.namer().enter(decl.name);
  builder_.push_call(decl.name, site.callee);
  ++depth_;
  Value ret = Value::error();
  Exit x = exec(decl.body, inner, ret);
  --depth_;
  builder_.pop_call();
  builder_.namer().leave();
  if (x == Exit::Normal && globals_.reported.insert(&decl).second)
    diags_.report(DiagKind::MissingReturn, decl.range, {decl.name});
  if (x != Exit::Returned) return Value::error();
  ret.origin.clear();
  ret.origin_range = SourceRange{};
  return ret;
}

}  // namespace genc::sema
