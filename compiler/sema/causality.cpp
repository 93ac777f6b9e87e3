// Causality of an autoregressive role, as a forward dependency analysis over its graph.
//
// Every value gets a state: Free (reads no position of x: parameters, constants, the
// position table), Causal(axis) (its element at index t of per-example dimension `axis`
// reads x only at positions <= t; x itself is Causal(0)), Blocks (a Causal(0) value
// flattened or reshaped: its leading axis runs over whole positions in order, so
// elementwise ops keep it and a reshape back to [L, ...] restores Causal(0)), or Leaked
// (already reported; not reported again downstream).
//
// Position-wise ops keep the state: elementwise ops, activations, embed, linear over a
// feature axis, layernorm over features, reductions over other axes, attention with
// causal: true. Ops that mix positions break it, and each is a CausalityLeak at the op:
// attention without causal: true (or with a context that reads x), a sum or mean over the
// sequence axis, a linear (or matmul) over it (e.g. after a flatten), a convolution,
// pooling or normalisation that spans positions, concat / split along it, and any op this
// analysis does not know.
#include "compiler/sema/causality.h"

#include <map>

#include <fmt/format.h>

#include "compiler/ir/op_attrs.h"

namespace genc::sema {
namespace {

using ir::Node;
using ir::Op;

struct State {
  enum Kind { Free, Causal, Blocks, Leaked } kind = Free;
  int axis = 0;  ///< Causal: the per-example dimension that runs over positions
  static State causal(int a) { return {Causal, a}; }
};

class Analysis {
 public:
  Analysis(const ir::Function& role, const GraphBuilder& builder, DiagnosticEngine& diags)
      : role_(role), builder_(builder), diags_(diags) {}

  bool run() {
    for (ir::NodeId id : role_.graph.topo_order()) {
      const Node& n = role_.graph.node(id);
      states_[id] = visit(n);
    }
    return ok_;
  }

 private:
  State in(const Node& n, size_t i) const { return states_.at(n.inputs[i].node); }
  int rank(const Node& n, size_t i) const { return role_.graph.type(n.inputs[i]).rank(); }

  State leak(const Node& n, const std::string& why) {
    Diagnostic& d = diags_.report(DiagKind::CausalityLeak, n.loc, {std::string(ir::op_name(n.op)), why});
    for (const auto& [block, call] : builder_.calls_of(n.id))
      diags_.add_note(d, call, fmt::format("in block '{}' called here", block));
    ok_ = false;
    return {State::Leaked};
  }

  /// Elementwise ops on broadcast operands: the result's axis from the right-aligned
  /// operands; operands causal along different axes mix positions.
  State broadcast(const Node& n) {
    int out_rank = n.outputs[0].rank();
    State s;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      State si = in(n, i);
      if (si.kind == State::Leaked) return si;
      if (si.kind == State::Free) continue;
      if (si.kind == State::Causal) si.axis += out_rank - rank(n, i);
      if (s.kind == State::Free) {
        s = si;
      } else if (s.kind != si.kind || s.axis != si.axis) {
        return leak(n, "it combines values whose positions lie along different axes, so position t meets "
                       "other positions' values");
      }
    }
    return s;
  }

  State visit(const Node& n) {
    if (n.op == Op::Input) return ir::attr_int(n.attrs, "index") == 0 ? State::causal(0) : State{};
    bool all_free = true;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      State s = in(n, i);
      if (s.kind == State::Leaked) return s;
      if (s.kind != State::Free) all_free = false;
    }
    if (all_free) return {};
    const State x = n.inputs.empty() ? State{} : in(n, 0);
    const int last = n.inputs.empty() ? 0 : rank(n, 0) - 1;
    ir::OpAttrs attrs(n.op, n.attrs);
    switch (n.op) {
      case Op::Output:
      case Op::Categorical:
      case Op::Bernoulli:
      case Op::Gaussian:
      case Op::Embed:
      case Op::Sinusoidal:
        return n.op == Op::Gaussian ? broadcast(n) : x;
      case Op::Relu: case Op::LeakyRelu: case Op::Gelu: case Op::Silu: case Op::Tanh:
      case Op::Sigmoid: case Op::Softplus: case Op::Exp: case Op::Log: case Op::Sqrt:
      case Op::Sin: case Op::Cos: case Op::Neg: case Op::Dropout:
        return x;
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div:
        return broadcast(n);
      case Op::Linear:
        if (x.kind == State::Blocks || x.axis == last)
          return leak(n, "it is a linear map over the sequence axis (flattened positions), so output position t "
                         "reads every input position");
        return x;
      case Op::MatMul: {
        State a = x, b = in(n, 1);
        if (a.kind == State::Blocks || b.kind != State::Free || a.axis == last)
          return leak(n, "it multiplies over the sequence axis, so output position t reads every input position");
        return a;
      }
      case Op::LayerNorm:
        if (x.kind == State::Blocks || x.axis == last)
          return leak(n, "it normalises over the sequence axis, so position t sees statistics of later positions");
        return x;
      case Op::Attention: {
        if (n.inputs.size() > 1 && in(n, 1).kind != State::Free)
          return leak(n, "its context reads x, so position t attends to every position of x");
        if (x.kind != State::Causal || x.axis != 0)
          return leak(n, "it attends over an axis that is not the sequence axis");
        if (!attrs.boolean("causal"))
          return leak(n, "without 'causal: true' position t attends to every position, later ones included");
        return x;
      }
      case Op::Sum:
      case Op::Mean: {
        std::vector<int64_t> dims;
        if (attrs.has("dims")) dims = attrs.integers("dims");
        else for (int d = 0; d <= last; ++d) dims.push_back(d);
        if (x.kind == State::Blocks)
          return leak(n, "it reduces over flattened positions, so every position sees every other");
        int removed_before = 0;
        for (int64_t d : dims) {
          int64_t a = d < 0 ? d + last + 1 : d;
          if (a == x.axis)
            return leak(n, fmt::format("a {} over the sequence axis gives every position the {} of all positions, "
                                       "later ones included",
                                       ir::op_name(n.op), ir::op_name(n.op)));
          if (a < x.axis) ++removed_before;
        }
        return State::causal(x.axis - removed_before);
      }
      case Op::Flatten:
      case Op::Reshape: {
        const std::vector<int64_t>& out = n.outputs[0].dims;
        if (x.kind == State::Causal && x.axis != 0)
          return leak(n, "it reorders elements across the sequence axis");
        int64_t len = role_.params[0].type.dims[0];
        if (!out.empty() && out[0] == len) return State::causal(0);
        return {State::Blocks};
      }
      case Op::Conv:
      case Op::UpConv:
      case Op::AvgPool:
      case Op::Upsample:
        return leak(n, "it slides a window over the positions (a convolution or resampling of the sequence), so "
                       "position t reads its neighbours, later ones included");
      case Op::BatchNorm:
      case Op::GroupNorm:
        return leak(n, "its statistics span the positions, so position t sees statistics of later positions");
      default:
        return leak(n, fmt::format("'{}' is not known to keep positions apart",
                                   ir::op_name(n.op)));
    }
  }

  const ir::Function& role_;
  const GraphBuilder& builder_;
  DiagnosticEngine& diags_;
  std::map<ir::NodeId, State> states_;
  bool ok_ = true;
};

}  // namespace

bool check_causality(const ir::Function& role, const GraphBuilder& builder, DiagnosticEngine& diags) {
  return Analysis(role, builder, diags).run();
}

}  // namespace genc::sema
