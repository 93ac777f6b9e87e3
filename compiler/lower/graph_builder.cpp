// GraphBuilder: assembles one routine graph from data inputs, objective ops and inlined
// role graphs, then prunes the nodes that no output depends on.
#include "compiler/lower/graph_builder.h"

#include <algorithm>
#include <map>
#include <set>

#include "compiler/ir/shape_fns.h"
#include "compiler/passes/dce.h"

namespace genc::lower {

using ir::Node;
using ir::NodeId;
using ir::Op;
using ir::ValueRef;

ValueRef GraphBuilder::input(const std::string& name, const ir::ValueType& type) {
  Node n;
  n.op = Op::Input;
  n.attrs = {{"name", name}, {"index", static_cast<int64_t>(inputs_.size())}};
  inputs_.push_back(name);
  n.outputs = {type};
  n.loc = loc_;
  return {graph_.add(std::move(n)), 0};
}

ValueRef GraphBuilder::op(Op op, std::vector<ValueRef> inputs, ir::Attrs attrs, std::string name) {
  std::vector<ir::ValueType> types;
  for (const ValueRef& v : inputs) types.push_back(graph_.type(v));
  ir::ShapeResult r = ir::infer_shape(op, types, attrs);
  if (!r.ok) {
    std::string args;
    for (const std::string& a : r.error_args) args += " " + a;
    internal_error("lowering built an ill-typed '" + std::string(ir::op_name(op)) + "':" + args);
  }
  Node n;
  n.op = op;
  n.inputs = std::move(inputs);
  n.outputs = std::move(r.outputs);
  n.attrs = std::move(attrs);
  n.name = std::move(name);
  n.loc = loc_;
  return {graph_.add(std::move(n)), 0};
}

ir::NodeId GraphBuilder::copy(const Node& node, std::vector<ValueRef> inputs) {
  GENC_ASSERT(inputs.size() == node.inputs.size(), "copy: wrong operand count");
  Node n = node;
  n.inputs = std::move(inputs);
  return graph_.add(std::move(n));
}

ir::NodeId GraphBuilder::retyped(const Node& node, std::vector<ValueRef> inputs) {
  ValueRef v = op(node.op, std::move(inputs), node.attrs, node.name);
  Node& n = graph_.node(v.node);
  n.loc = node.loc;
  n.fused = node.fused;
  return v.node;
}

ValueRef GraphBuilder::constant(double value) { return op(Op::Const, {}, {{"value", value}}); }

RoleResult GraphBuilder::inline_role(const ir::Function& role, const std::vector<ValueRef>& args) {
  GENC_ASSERT(args.size() == role.params.size(), "inline_role: wrong argument count for " + role.name);
  const ir::Graph& g = role.graph;
  std::map<NodeId, NodeId> ids;  // role node -> copy (Input nodes -> the bound argument)
  std::map<NodeId, ValueRef> bound;
  std::optional<ValueRef> result;
  for (NodeId id : g.topo_order()) {
    const Node& src = g.node(id);
    if (src.op == Op::Input) {
      int64_t index = ir::attr_int(src.attrs, "index");
      GENC_ASSERT(index >= 0 && index < static_cast<int64_t>(args.size()), "inline_role: bad input index");
      bound[id] = args[static_cast<size_t>(index)];
      continue;
    }
    auto remap = [&](ValueRef v) -> ValueRef {
      auto b = bound.find(v.node);
      if (b != bound.end()) return b->second;
      return {ids.at(v.node), v.port};
    };
    if (src.op == Op::Output) {
      result = remap(src.inputs.at(0));
      continue;
    }
    // A user invertible's inverse body is for the flow's sampler (flow_chain.cpp copies
    // it); dropping its marker leaves the body dead, and finish() removes it.
    if (src.op == Op::InvertibleInverse) continue;
    Node copy = src;
    for (ValueRef& in : copy.inputs) in = remap(in);
    ids[id] = graph_.add(std::move(copy));
  }
  GENC_ASSERT(result.has_value(), "inline_role: role " + role.name + " has no output");

  RoleResult out;
  const Node& producer = graph_.node(result->node);
  out.kind = graph_.type(*result).kind;
  if (out.kind == ir::ValueKind::Tensor) {
    out.values = {*result};
  } else {
    GENC_ASSERT(ir::has_flag(producer.op, ir::kDist), "inline_role: a distribution not built by a dist op");
    out.values = producer.inputs;
  }
  return out;
}

void GraphBuilder::output(const std::string& name, ValueRef value) {
  Node n;
  n.op = Op::Output;
  n.inputs = {value};
  n.attrs = {{"name", name}, {"index", static_cast<int64_t>(outputs_.size())}};
  n.loc = loc_;
  graph_.add(std::move(n));
  outputs_.push_back(name);
}

Routine GraphBuilder::finish(std::string name) {
  passes::eliminate_dead_code(graph_);
  Routine r;
  r.name = std::move(name);
  r.graph = std::move(graph_);
  r.inputs = std::move(inputs_);
  r.outputs = std::move(outputs_);
  graph_ = ir::Graph();
  inputs_.clear();
  outputs_.clear();
  return r;
}

ValueRef add(GraphBuilder& b, ValueRef x, ValueRef y) { return b.op(Op::Add, {x, y}); }

ValueRef scale(GraphBuilder& b, double c, ValueRef x) {
  if (c == 1.0) return x;
  return b.op(Op::Mul, {b.constant(c), x});
}

ValueRef sum_all(GraphBuilder& b, ValueRef x) {
  if (b.type(x).dims.empty()) return x;
  return b.op(Op::Sum, {x});
}

std::vector<std::string> param_names(const ir::Model& model, const std::vector<std::string>& roles) {
  std::set<std::string> names;
  for (const ir::Function& f : model.roles) {
    if (std::find(roles.begin(), roles.end(), f.name) == roles.end()) continue;
    for (NodeId id : f.graph.ids()) {
      const Node& n = f.graph.node(id);
      if (ir::has_flag(n.op, ir::kParams)) names.insert(n.name);
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace genc::lower
