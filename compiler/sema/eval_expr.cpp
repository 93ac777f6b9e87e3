// Expression evaluation: literals, names, lists, indexing and `?:`; dispatch of the
// other expression kinds to operators and calls.
#include <fmt/format.h>

#include "compiler/sema/evaluator.h"
#include "compiler/sema/suggest.h"

namespace genc::sema {

Evaluator::Evaluator(Globals& globals, DiagnosticEngine& diags, ir::Graph* graph, std::string root)
    : globals_(globals), diags_(diags), builder_(diags, graph, std::move(root)) {}

Value Evaluator::type_error(SourceRange at, std::string message) {
  diags_.report(DiagKind::TypeError, at, {std::move(message)});
  return Value::error();
}

Value Evaluator::eval(const ast::Expr& e, Scope& scope) {
  switch (e.kind) {
    case ast::ExprKind::Number:
      return e.is_int ? Value::integer(e.int_value) : Value::number(e.number);
    case ast::ExprKind::String:
      return Value::string(e.text);
    case ast::ExprKind::Bool:
      return Value::boolean(e.boolean);
    case ast::ExprKind::Name:
      return eval_name(e, scope);
    case ast::ExprKind::List:
      return eval_list(e, scope);
    case ast::ExprKind::Call:
      return eval_call(e, scope);
    case ast::ExprKind::Binary:
      return eval_binary(e, scope);
    case ast::ExprKind::Unary:
      return eval_unary(e, scope);
    case ast::ExprKind::Index:
      return eval_index(e, scope);
    case ast::ExprKind::Ternary:
      return eval_ternary(e, scope);
  }
  return Value::error();
}

Value Evaluator::eval_name(const ast::Expr& e, Scope& scope) {
  if (const Binding* b = scope.lookup(e.text)) {
    if (b->stmt) globals_.read.insert(b->stmt);
    Value v = b->value;
    if (v.is_tensor()) {
      v.origin = e.text;
      v.origin_range = b->def;
    }
    return v;
  }
  if (e.text == "none") return Value::none();
  if (globals_.callable(e.text)) return Value::fn(e.text);
  Diagnostic& d = diags_.report(DiagKind::UnknownName, e.range, {e.text});
  std::vector<std::string> names;
  scope.collect_names(names);
  for (const std::string& n : globals_.callable_names()) names.push_back(n);
  add_suggestion(d, e.text, names);
  return Value::error();
}

Value Evaluator::eval_list(const ast::Expr& e, Scope& scope) {
  std::vector<Value> items;
  bool error = false;
  for (const ast::ExprPtr& el : e.elems) {
    if (!el) continue;
    items.push_back(eval(*el, scope));
    error = error || items.back().is_error();
  }
  return error ? Value::error() : Value::list(std::move(items));
}

Value Evaluator::eval_index(const ast::Expr& e, Scope& scope) {
  if (e.elems.size() < 2 || !e.elems[0] || !e.elems[1]) return Value::error();
  Value base = eval(*e.elems[0], scope);
  Value index = eval(*e.elems[1], scope);
  if (base.is_error() || index.is_error()) return Value::error();
  if (base.is_tensor())
    return type_error(
        e.elems[0]->range,
        fmt::format("cannot index {}; use split to take parts of a tensor", kind_text(base)));
  if (!base.is(VKind::List) && !base.is(VKind::Tuple) && !base.is(VKind::String))
    return type_error(e.elems[0]->range, fmt::format("cannot index {}", kind_text(base)));
  if (!index.is(VKind::Int))
    return type_error(e.elems[1]->range,
                      fmt::format("an index must be an integer, got {}", kind_text(index)));
  int64_t n = base.is(VKind::String) ? static_cast<int64_t>(base.s.size())
                                     : static_cast<int64_t>(base.items.size());
  int64_t k = index.i < 0 ? index.i + n : index.i;
  if (k < 0 || k >= n) {
    diags_.report(DiagKind::IndexOutOfRange, e.elems[1]->range,
                  {std::to_string(index.i), std::to_string(n)});
    return Value::error();
  }
  if (base.is(VKind::String)) return Value::string(std::string(1, base.s[static_cast<size_t>(k)]));
  return base.items[static_cast<size_t>(k)];
}

Value Evaluator::eval_ternary(const ast::Expr& e, Scope& scope) {
  if (e.elems.size() < 3 || !e.elems[0] || !e.elems[1] || !e.elems[2]) return Value::error();
  Value cond = eval_condition(*e.elems[0], scope, "?:");
  if (cond.is_error()) return cond;
  if (cond.is_tensor()) {
    diags_.report(DiagKind::DataDependentControl, e.elems[0]->range, {"?:"});
    return Value::error();
  }
  if (!cond.is(VKind::Bool))
    return type_error(
        e.elems[0]->range,
        fmt::format("a '?:' condition must be true or false, got {}", kind_text(cond)));
  return eval(*e.elems[cond.b ? 1 : 2], scope);
}

std::optional<ir::ValueType> Evaluator::resolve_type(const ast::Type& type, Scope& scope) {
  auto positive = [&](const ast::ExprPtr& e, const char* what) -> std::optional<int64_t> {
    if (!e) return std::nullopt;
    Value v = eval(*e, scope);
    if (v.is_error()) return std::nullopt;
    if (!v.is(VKind::Int) || v.i <= 0) {
      type_error(e->range, fmt::format("{} must be a positive integer, got {}", what,
                                       v.is(VKind::Int) ? std::to_string(v.i) : kind_text(v)));
      return std::nullopt;
    }
    return v.i;
  };
  switch (type.kind) {
    case ast::TypeKind::Tensor: {
      std::vector<int64_t> dims;
      bool ok = true;
      for (const ast::ExprPtr& d : type.dims) {
        std::optional<int64_t> n = positive(d, "a dimension");
        ok = ok && n.has_value();
        dims.push_back(n.value_or(1));
      }
      if (!ok) return std::nullopt;
      return ir::ValueType::tensor(std::move(dims));
    }
    case ast::TypeKind::Tokens: {
      std::optional<int64_t> len = positive(type.length, "a token length");
      std::optional<int64_t> vocab = positive(type.vocab, "a vocabulary size");
      if (!len || !vocab) return std::nullopt;
      ir::ValueType t = ir::ValueType::tensor({*len}, ir::DType::I64);
      t.classes = *vocab;
      return t;
    }
    case ast::TypeKind::Label: {
      std::optional<int64_t> k = positive(type.classes, "a class count");
      if (!k) return std::nullopt;
      ir::ValueType t = ir::ValueType::tensor({}, ir::DType::I64);
      t.classes = *k;
      return t;
    }
    case ast::TypeKind::Time:
      return ir::ValueType::tensor({}, ir::DType::I64);
    case ast::TypeKind::Fn:
    case ast::TypeKind::Named:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace genc::sema
