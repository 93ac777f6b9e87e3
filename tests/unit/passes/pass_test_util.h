// Builders shared by the pass unit tests: a graph whose node types come from the shape
// functions, so every graph a test builds is one the verifier accepts.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ir/shape_fns.h"
#include "compiler/ir/verifier.h"

namespace genc::passes::testing {

using ir::Attrs;
using ir::NodeId;
using ir::Op;
using ir::ValueRef;
using ir::ValueType;

inline ValueType f32(std::vector<int64_t> dims) { return ValueType::tensor(std::move(dims)); }

/// Adds nodes to `graph`, inferring their result types.
class Builder {
 public:
  ir::Graph graph;

  ValueRef input(ValueType type, int64_t index = 0) {
    return add(Op::Input, {}, {{"index", index}}, &type);
  }
  ValueRef constant(double value, ValueType type = f32({})) {
    return add(Op::Const, {}, {{"value", value}}, &type);
  }
  /// A node with one (or, for split, several) results; returns result 0.
  ValueRef op(Op op, std::vector<ValueRef> inputs, Attrs attrs = {}, std::string name = "") {
    return add(op, std::move(inputs), std::move(attrs), nullptr, std::move(name));
  }
  NodeId output(ValueRef value) { return add(Op::Output, {value}, {}, nullptr).node; }

  /// Node ids whose op is `op`.
  std::vector<NodeId> find(Op op) const { return graph.find(op); }
  const ir::Node& node(ValueRef v) const { return graph.node(v.node); }
  /// The operand of the (single) output node.
  ValueRef returned() const { return graph.node(graph.find(Op::Output).at(0)).inputs.at(0); }

 private:
  ValueRef add(Op op, std::vector<ValueRef> inputs, Attrs attrs, const ValueType* given,
               std::string name = "") {
    std::vector<ValueType> types;
    for (ValueRef v : inputs) types.push_back(graph.type(v));
    ir::ShapeResult r = ir::infer_shape(op, types, attrs, given);
    EXPECT_TRUE(r.ok) << "shape error building " << ir::op_name(op) << ": "
                      << fmt::format("{}", fmt::join(r.error_args, ", "));
    ir::Node n;
    n.op = op;
    n.inputs = std::move(inputs);
    n.outputs = r.outputs;
    n.attrs = std::move(attrs);
    n.name = std::move(name);
    return ValueRef{graph.add(std::move(n)), 0};
  }
};

/// The verifier's messages, joined; "" when the graph is well formed.
inline std::string verify_errors(const ir::Graph& graph) {
  return fmt::format("{}", fmt::join(ir::verify(graph), "\n"));
}

inline Attrs linear(int64_t out) { return {{"out", out}}; }

}  // namespace genc::passes::testing
