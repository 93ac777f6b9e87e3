// The one-position decode step of an autoregressive role: its graph replayed on the row of
// position t, self-attention reading and writing a key/value cache per attention op.
#include "compiler/lower/decode_step.h"

#include <map>
#include <set>

#include "compiler/ir/op_attrs.h"
#include "compiler/lower/graph_builder.h"

namespace genc::lower {
namespace {

using ir::Node;
using ir::NodeId;
using ir::Op;
using ir::ValueRef;

class Derivation {
 public:
  Derivation(const ir::Function& net, SourceRange loc)
      : net_(net), len_(net.params[0].type.dims.at(0)), b_(loc) {}

  std::optional<DecodeStep> run(const ir::Attrs& draw) {
    x_ = b_.input("x", net_.params[0].type);
    t_ = b_.input("t", ir::ValueType::tensor({}, ir::DType::I64));
    std::optional<ValueRef> logits;
    for (NodeId id : net_.graph.topo_order()) {
      const Node& n = net_.graph.node(id);
      if (n.op == Op::Output) {
        const Node& dist = b_.graph().node(copies_.at(n.inputs.at(0).node));
        if (dist.op != Op::Categorical || !rows_.count(n.inputs[0].node)) return std::nullopt;
        logits = dist.inputs.at(0);
        continue;
      }
      std::optional<NodeId> copy = visit(n);
      if (!copy) return std::nullopt;
      copies_[id] = *copy;
    }
    if (!logits) return std::nullopt;
    b_.output("x", b_.op(Op::SamplePosition, {x_, *logits, t_}, draw));
    for (const auto& [name, cache] : cache_outputs_) b_.output(name, cache);
    out_.step = b_.finish("step");
    return std::move(out_);
  }

 private:
  ValueRef copy_of(ValueRef v) const { return {copies_.at(v.node), v.port}; }
  bool is_row(ValueRef v) const { return rows_.count(v.node) > 0; }

  /// The node standing for `n` in the step, or nullopt when `n` cannot run on one row.
  std::optional<NodeId> visit(const Node& n) {
    if (n.op == Op::Input) {
      rows_.insert(n.id);
      return b_.op(Op::AtPosition, {b_.op(Op::ShiftRight, {x_}), t_}).node;
    }
    std::vector<ValueRef> ins;
    bool any_row = false;
    for (ValueRef v : n.inputs) {
      ins.push_back(copy_of(v));
      any_row = any_row || is_row(v);
    }
    if (!any_row) return b_.copy(n, ins);  // reads no position of x: as in the full graph
    rows_.insert(n.id);
    const int rank = n.outputs.at(0).rank();
    switch (n.op) {
      case Op::Attention:
        if (ins.size() != 1) return std::nullopt;
        return attention(n, ins[0]);
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div:
        for (size_t i = 0; i < ins.size(); ++i) {
          const ir::ValueType& type = net_.graph.type(n.inputs[i]);
          if (is_row(n.inputs[i])) {
            if (type.rank() != rank) return std::nullopt;  // positions would not stay the first axis
          } else if (type.rank() == rank && len_ > 1 && type.dims[0] == len_) {
            ins[i] = b_.op(Op::AtPosition, {ins[i], t_});  // a table over the positions
          }
        }
        return b_.retyped(n, ins);
      case Op::MatMul:
        if (is_row(n.inputs[1]) || net_.graph.type(n.inputs[0]).rank() < 2) return std::nullopt;
        return b_.retyped(n, ins);
      case Op::Sum: case Op::Mean: {
        ir::OpAttrs attrs(n.op, n.attrs);
        if (!attrs.has("dims")) return std::nullopt;
        const int in_rank = net_.graph.type(n.inputs[0]).rank();
        for (int64_t d : attrs.integers("dims"))
          if (d == 0 || d == -in_rank) return std::nullopt;
        return b_.retyped(n, ins);
      }
      case Op::Embed: case Op::Linear: case Op::LayerNorm: case Op::Categorical: case Op::Dropout:
      case Op::Relu: case Op::LeakyRelu: case Op::Gelu: case Op::Silu: case Op::Tanh: case Op::Sigmoid:
      case Op::Softplus: case Op::Exp: case Op::Log: case Op::Sqrt: case Op::Sin: case Op::Cos: case Op::Neg:
        return b_.retyped(n, ins);
      default:
        return std::nullopt;
    }
  }

  /// attention_step over a new cache input named after the attention node.
  NodeId attention(const Node& n, ValueRef row) {
    const int64_t heads = ir::OpAttrs(n.op, n.attrs).integer("heads");
    const int64_t dim = n.outputs.at(0).dims.at(1);
    const std::string name = "kv." + n.name;
    ir::Attrs cache_attrs{{"heads", heads}, {"len", len_}, {"dim", dim}};
    ValueRef cache = b_.input(name, ir::ValueType::tensor({2, heads, len_, dim / heads}));
    Node step;
    step.op = Op::AttentionStep;
    step.attrs = {{"heads", heads}};
    step.name = n.name;  // the attention's parameters
    step.loc = n.loc;
    step.fused = n.fused;
    NodeId id = b_.retyped(step, {row, cache, t_});
    cache_outputs_.push_back({name, {id, 1}});
    out_.caches.push_back({name, std::move(cache_attrs)});
    return id;
  }

  const ir::Function& net_;
  const int64_t len_;
  GraphBuilder b_;
  ValueRef x_, t_;
  std::map<NodeId, NodeId> copies_;  ///< role node -> its node in the step
  std::set<NodeId> rows_;            ///< role nodes whose result reads x (one row in the step)
  std::vector<std::pair<std::string, ValueRef>> cache_outputs_;
  DecodeStep out_;
};

}  // namespace

std::optional<DecodeStep> decode_step(const ir::Function& net, const ir::Attrs& draw, SourceRange loc) {
  return Derivation(net, loc).run(draw);
}

}  // namespace genc::lower
