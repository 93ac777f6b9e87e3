// Constant folding: evaluates arithmetic on constants at compile time and removes
// operations that cannot change their operand.
//
// A `const` node is a scalar `value` broadcast to its result type, so any elementwise
// arithmetic on constants is again such a constant.
//
// Algorithm:
//   1. Take the nodes in topological order, so folded operands are seen first.
//   2. Fold: add/sub/mul/div, neg, exp, log, sqrt, sin and cos whose operands are all f32
//      constants become one new `const` of the node's result type and location, holding
//      the computed value — unless that value is not finite (left for the runtime).
//   3. Identities: x*1, 1*x, x/1, x+0, 0+x and x-0 (the constant an f32 const with that
//      value) are replaced by x when the node's result type equals x's type, i.e. the
//      constant does not broadcast x to a larger shape or another dtype.
//   4. Reshape and flatten whose result type equals their operand's are replaced by it.
//   5. A replaced node's uses go to the replacement and the node is removed; constants
//      left without uses are DCE's job.
#include "compiler/passes/constant_fold.h"

#include <cmath>
#include <optional>

namespace genc::passes {
namespace {

/// The scalar of an f32 const node, if `v` is one.
std::optional<double> const_value(const ir::Graph& g, ir::ValueRef v) {
  const ir::Node& n = g.node(v.node);
  const ir::ValueType& t = g.type(v);
  if (n.op != ir::Op::Const || t.kind != ir::ValueKind::Tensor || t.dtype != ir::DType::F32)
    return std::nullopt;
  return ir::attr_float(n.attrs, "value");
}

std::optional<double> evaluate(ir::Op op, const std::vector<double>& x) {
  switch (op) {
    case ir::Op::Add:
      return x[0] + x[1];
    case ir::Op::Sub:
      return x[0] - x[1];
    case ir::Op::Mul:
      return x[0] * x[1];
    case ir::Op::Div:
      return x[0] / x[1];
    case ir::Op::Neg:
      return -x[0];
    case ir::Op::Exp:
      return std::exp(x[0]);
    case ir::Op::Log:
      return std::log(x[0]);
    case ir::Op::Sqrt:
      return std::sqrt(x[0]);
    case ir::Op::Sin:
      return std::sin(x[0]);
    case ir::Op::Cos:
      return std::cos(x[0]);
    default:
      return std::nullopt;
  }
}

/// A new const node equal to `n`'s (single) result, or nullopt if `n` does not fold.
std::optional<ir::ValueRef> fold(ir::Graph& g, const ir::Node& n) {
  if (n.outputs.size() != 1 || n.inputs.empty()) return std::nullopt;
  std::vector<double> values;
  for (ir::ValueRef in : n.inputs) {
    std::optional<double> v = const_value(g, in);
    if (!v) return std::nullopt;
    values.push_back(*v);
  }
  std::optional<double> result = evaluate(n.op, values);
  if (!result || !std::isfinite(*result)) return std::nullopt;
  ir::Node c;
  c.op = ir::Op::Const;
  c.attrs = {{"value", *result}};
  c.outputs = n.outputs;
  c.loc = n.loc;
  return ir::ValueRef{g.add(std::move(c)), 0};
}

/// The operand that `n` passes through unchanged, if it is an identity.
std::optional<ir::ValueRef> identity_operand(const ir::Graph& g, const ir::Node& n) {
  if (n.op == ir::Op::Reshape || n.op == ir::Op::Flatten) {
    if (g.type(n.inputs[0]) == n.outputs[0]) return n.inputs[0];
    return std::nullopt;
  }
  // (operand that must be a constant, its neutral value) for each identity of this op.
  std::vector<std::pair<int, double>> neutral;
  switch (n.op) {
    case ir::Op::Add:
      neutral = {{1, 0.0}, {0, 0.0}};
      break;
    case ir::Op::Mul:
      neutral = {{1, 1.0}, {0, 1.0}};
      break;
    case ir::Op::Sub:
      neutral = {{1, 0.0}};
      break;
    case ir::Op::Div:
      neutral = {{1, 1.0}};
      break;
    default:
      return std::nullopt;
  }
  for (auto [operand, value] : neutral) {
    ir::ValueRef x = n.inputs[1 - operand];
    if (const_value(g, n.inputs[operand]) == value && g.type(x) == n.outputs[0]) return x;
  }
  return std::nullopt;
}

}  // namespace

bool fold_constants(ir::Graph& graph) {
  bool changed = false;
  for (ir::NodeId id : graph.topo_order()) {
    const ir::Node& n = graph.node(id);
    std::optional<ir::ValueRef> replacement = fold(graph, n);
    if (!replacement) replacement = identity_operand(graph, n);
    if (!replacement) continue;
    graph.replace_all_uses(ir::ValueRef{id, 0}, *replacement);
    graph.remove(id);
    changed = true;
  }
  return changed;
}

}  // namespace genc::passes
