// Operators: on compile-time values they are folded (+ - * / % comparisons and/or/not);
// on tensors + - * / @ and unary - become graph nodes, a number operand becoming a
// scalar `const` node. The node's `symbol` attribute keeps the operator's spelling so
// shape errors read "shape mismatch in '+'".
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "compiler/sema/evaluator.h"

namespace genc::sema {
namespace {

using ast::OpKind;

constexpr size_t kMaxListLength = 1000000;

std::optional<ir::Op> tensor_op(OpKind op) {
  switch (op) {
    case OpKind::Add:
      return ir::Op::Add;
    case OpKind::Sub:
      return ir::Op::Sub;
    case OpKind::Mul:
      return ir::Op::Mul;
    case OpKind::Div:
      return ir::Op::Div;
    case OpKind::MatMul:
      return ir::Op::MatMul;
    default:
      return std::nullopt;
  }
}

bool is_comparison(OpKind op) {
  return op == OpKind::Eq || op == OpKind::Ne || op == OpKind::Lt || op == OpKind::Le ||
         op == OpKind::Gt || op == OpKind::Ge;
}

template <typename T>
bool compare(OpKind op, const T& a, const T& b) {
  switch (op) {
    case OpKind::Lt:
      return a < b;
    case OpKind::Le:
      return a <= b;
    case OpKind::Gt:
      return a > b;
    case OpKind::Ge:
      return a >= b;
    default:
      return false;
  }
}

}  // namespace

Value Evaluator::eval_binary(const ast::Expr& e, Scope& scope) {
  if (e.elems.size() < 2 || !e.elems[0] || !e.elems[1]) return Value::error();
  if (e.op == OpKind::And || e.op == OpKind::Or) return eval_logical(e, scope);
  Value a = eval(*e.elems[0], scope);
  Value b = eval(*e.elems[1], scope);
  if (a.has_error() || b.has_error()) return Value::error();
  if (a.compile_time() && b.compile_time()) return fold(e.op, a, b, e);
  return tensor_binary(e.op, a, b, e);
}

Value Evaluator::eval_logical(const ast::Expr& e, Scope& scope) {
  const char* spelling = ast::op_spelling(e.op);
  auto operand = [&](const ast::Expr& x) -> std::optional<bool> {
    Value v = eval(x, scope);
    if (v.is_error()) return std::nullopt;
    if (!v.is(VKind::Bool)) {
      type_error(x.range, fmt::format("'{}' needs compile-time true or false, got {}", spelling,
                                      kind_text(v)));
      return std::nullopt;
    }
    return v.b;
  };
  std::optional<bool> lhs = operand(*e.elems[0]);
  if (!lhs) return Value::error();
  // Short-circuit: the right operand is not evaluated when the left decides.
  if (e.op == OpKind::And && !*lhs) return Value::boolean(false);
  if (e.op == OpKind::Or && *lhs) return Value::boolean(true);
  std::optional<bool> rhs = operand(*e.elems[1]);
  return rhs ? Value::boolean(*rhs) : Value::error();
}

Value Evaluator::fold(OpKind op, const Value& a, const Value& b, const ast::Expr& e) {
  const char* spelling = ast::op_spelling(op);
  auto bad = [&] {
    return type_error(e.op_range, fmt::format("cannot apply '{}' to {} and {}", spelling,
                                              kind_text(a), kind_text(b)));
  };
  auto overflow = [&] {
    return type_error(e.op_range, fmt::format("integer overflow in '{}'", spelling));
  };
  bool ints = a.is(VKind::Int) && b.is(VKind::Int);
  bool numbers = a.is_number() && b.is_number();
  if (op == OpKind::Eq) return Value::boolean(values_equal(a, b));
  if (op == OpKind::Ne) return Value::boolean(!values_equal(a, b));
  if (is_comparison(op)) {
    if (ints) return Value::boolean(compare(op, a.i, b.i));
    if (numbers) return Value::boolean(compare(op, a.as_double(), b.as_double()));
    if (a.is(VKind::String) && b.is(VKind::String)) return Value::boolean(compare(op, a.s, b.s));
    return bad();
  }
  int64_t r = 0;
  switch (op) {
    case OpKind::Add:
      if (ints) return __builtin_add_overflow(a.i, b.i, &r) ? overflow() : Value::integer(r);
      if (numbers) return Value::number(a.as_double() + b.as_double());
      if (a.is(VKind::String) && b.is(VKind::String)) return Value::string(a.s + b.s);
      if (a.is(VKind::List) && b.is(VKind::List)) {
        std::vector<Value> items = a.items;
        items.insert(items.end(), b.items.begin(), b.items.end());
        return Value::list(std::move(items));
      }
      return bad();
    case OpKind::Sub:
      if (ints) return __builtin_sub_overflow(a.i, b.i, &r) ? overflow() : Value::integer(r);
      if (numbers) return Value::number(a.as_double() - b.as_double());
      return bad();
    case OpKind::Mul: {
      if (ints) return __builtin_mul_overflow(a.i, b.i, &r) ? overflow() : Value::integer(r);
      if (numbers) return Value::number(a.as_double() * b.as_double());
      // [64] * 3 repeats a list.
      const Value* list = a.is(VKind::List) ? &a : b.is(VKind::List) ? &b : nullptr;
      const Value* count = a.is(VKind::Int) ? &a : b.is(VKind::Int) ? &b : nullptr;
      if (!list || !count) return bad();
      if (count->i < 0 ||
          (count->i > 0 && list->items.size() * static_cast<uint64_t>(count->i) > kMaxListLength))
        return type_error(e.op_range, fmt::format("cannot repeat a list {} times", count->i));
      std::vector<Value> items;
      for (int64_t k = 0; k < count->i; ++k)
        items.insert(items.end(), list->items.begin(), list->items.end());
      return Value::list(std::move(items));
    }
    case OpKind::Div:
      if (!numbers) return bad();
      if (b.as_double() == 0.0) {
        diags_.report(DiagKind::DivisionByZero, e.op_range);
        return Value::error();
      }
      // Integer division stays an integer when exact (`hidden / 2`), else it is a float.
      if (ints && !(a.i == std::numeric_limits<int64_t>::min() && b.i == -1) && a.i % b.i == 0)
        return Value::integer(a.i / b.i);
      return Value::number(a.as_double() / b.as_double());
    case OpKind::Mod:
      if (!numbers) return bad();
      if (b.as_double() == 0.0) {
        diags_.report(DiagKind::DivisionByZero, e.op_range);
        return Value::error();
      }
      // The result takes the sign of the divisor, as in Python: -1 % 2 == 1.
      if (ints) {
        if (b.i == -1) return Value::integer(0);
        int64_t m = a.i % b.i;
        return Value::integer(m != 0 && ((m < 0) != (b.i < 0)) ? m + b.i : m);
      } else {
        double m = std::fmod(a.as_double(), b.as_double());
        return Value::number(m != 0 && ((m < 0) != (b.as_double() < 0)) ? m + b.as_double() : m);
      }
    default:
      return bad();
  }
}

Value Evaluator::tensor_binary(OpKind op, const Value& a, const Value& b, const ast::Expr& e) {
  const char* spelling = ast::op_spelling(op);
  std::optional<ir::Op> node_op = tensor_op(op);
  if (!node_op) {
    if (is_comparison(op) && condition_of_) {
      diags_.report(DiagKind::DataDependentControl, e.range, {condition_of_});
      return Value::error();
    }
    if (is_comparison(op))
      return type_error(e.op_range,
                        fmt::format("'{}' compares compile-time values, not tensors", spelling));
    return type_error(e.op_range, fmt::format("'{}' is not defined on tensors", spelling));
  }
  auto operand = [&](const Value& v, const ast::Expr& x) -> std::optional<Value> {
    if (v.is_tensor()) return v;
    if (v.is_number() && op != OpKind::MatMul) {
      Value c = builder_.constant(v.as_double(), x.range);
      if (c.is_error()) return std::nullopt;
      return c;
    }
    type_error(e.op_range,
               fmt::format("cannot apply '{}' to {} and {}", spelling, kind_text(a), kind_text(b)));
    return std::nullopt;
  };
  std::optional<Value> lhs = operand(a, *e.elems[0]);
  if (!lhs) return Value::error();
  std::optional<Value> rhs = operand(b, *e.elems[1]);
  if (!rhs) return Value::error();
  std::optional<ir::NodeId> id =
      builder_.emit(*node_op, {*lhs, *rhs}, {{"symbol", std::string(spelling)}}, e.op_range);
  return id ? builder_.result(*id) : Value::error();
}

Value Evaluator::eval_unary(const ast::Expr& e, Scope& scope) {
  if (e.elems.empty() || !e.elems[0]) return Value::error();
  Value v = eval(*e.elems[0], scope);
  if (v.is_error()) return v;
  if (e.op == OpKind::Not) {
    if (v.is(VKind::Bool)) return Value::boolean(!v.b);
    return type_error(e.op_range,
                      fmt::format("'not' needs compile-time true or false, got {}", kind_text(v)));
  }
  if (v.is(VKind::Int)) {
    if (v.i == std::numeric_limits<int64_t>::min())
      return type_error(e.op_range, "integer overflow in '-'");
    return Value::integer(-v.i);
  }
  if (v.is(VKind::Float)) return Value::number(-v.f);
  if (v.is_tensor()) {
    std::optional<ir::NodeId> id =
        builder_.emit(ir::Op::Neg, {v}, {{"symbol", std::string("-")}}, e.op_range);
    return id ? builder_.result(*id) : Value::error();
  }
  return type_error(e.op_range, fmt::format("cannot negate {}", kind_text(v)));
}

}  // namespace genc::sema
