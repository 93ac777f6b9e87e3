// A flow's chain forward and backward (see flow_chain.h).
//
// 1. The chain: from the role's Output back through operand 0 of each kInvertible node to
//    the role's Input. Nodes off that path (coupling nets, the inside of a user
//    invertible's forward) are not links.
// 2. Forward: the role inlined; each link's port 1 (its logdet) summed.
// 3. Backward, link by link from the last:
//      affine/additive coupling: the net is copied from the role graph with the link's x
//        replaced by y (the conditioning half passed unchanged, so mask_select(cond) of y
//        equals that of x), then *_coupling_inv(y, net_out);
//      actnorm, invconv1x1: actnorm_inv / invconv1x1_inv named after the forward node;
//      permute: permute_inv (same order and seed); squeeze: unsqueeze;
//      logit: logit_inv; dequantize: dequantize_inv;
//      factor_out: factor_out_inv(y, z), z the factored part (the forward's, for --verify)
//        or, when sampling, a draw from the prior N(0, T^2 I);
//      a user invertible: its `inverse` body (the invertible_inverse node reading the
//        step's y, see sema/flows.cpp) copied with that y replaced by the link's y.
#include "compiler/lower/flow_chain.h"

#include <algorithm>
#include <map>

#include "compiler/support/diagnostics.h"

namespace genc::lower {
namespace {

using ir::Node;
using ir::NodeId;
using ir::Op;
using ir::ValueRef;

/// The attributes of `n` among `keys` that it carries.
ir::Attrs keep(const Node& n, std::initializer_list<const char*> keys) {
  ir::Attrs out;
  for (const char* k : keys)
    if (auto it = n.attrs.find(k); it != n.attrs.end()) out.emplace(it->first, it->second);
  return out;
}

/// Copies the role-graph value `v` into the routine, `stop` (a link's x) standing for
/// `replacement`; `done` memoises copied nodes.
ValueRef copy_value(GraphBuilder& b, const ir::Graph& g, ValueRef v, ValueRef stop, ValueRef replacement,
                    std::map<NodeId, NodeId>& done) {
  if (v == stop) return replacement;
  if (auto it = done.find(v.node); it != done.end()) return {it->second, v.port};
  const Node& n = g.node(v.node);
  GENC_ASSERT(n.op != Op::Input, "flow inverse: a coupling net reads another input than its step's");
  std::vector<ValueRef> inputs;
  for (const ValueRef& in : n.inputs) inputs.push_back(copy_value(b, g, in, stop, replacement, done));
  NodeId id = b.copy(n, std::move(inputs));
  done[v.node] = id;
  return {id, v.port};
}

/// The invertible_inverse node of the user invertible step `link` (its inverse body on
/// the step's y), or nullopt.
std::optional<NodeId> inverse_body(const ir::Graph& g, NodeId link) {
  for (NodeId id : g.find(Op::InvertibleInverse))
    if (g.node(id).inputs.at(1) == ValueRef{link, 0}) return id;
  return std::nullopt;
}

/// `factored`: a factor_out link's z; absent, z is drawn from N(0, temperature^2 I).
ValueRef invert_op(GraphBuilder& b, const ir::Graph& g, NodeId link, ValueRef y, double temperature,
                   std::optional<ValueRef> factored) {
  const Node& n = g.node(link);
  switch (n.op) {
    case Op::FactorOut: {
      ValueRef z = factored ? *factored
                            : scale(b, temperature, b.op(Op::Randn, {}, {{"shape", n.outputs.at(2).dims}}));
      return b.op(Op::FactorOutInv, {y, z});
    }
    case Op::AffineCoupling:
    case Op::AdditiveCoupling: {
      std::map<NodeId, NodeId> done;
      ValueRef net = copy_value(b, g, n.inputs[1], n.inputs[0], y, done);
      Op inv = n.op == Op::AffineCoupling ? Op::AffineCouplingInv : Op::AdditiveCouplingInv;
      return b.op(inv, {y, net}, keep(n, {"mask", "scale"}));
    }
    case Op::ActNorm: return b.op(Op::ActNormInv, {y}, {}, n.name);
    case Op::InvConv1x1: return b.op(Op::InvConv1x1Inv, {y}, keep(n, {"lu"}), n.name);
    case Op::Permute: return b.op(Op::PermuteInv, {y}, keep(n, {"order", "seed"}));
    case Op::Squeeze: return b.op(Op::Unsqueeze, {y});
    case Op::Logit: return b.op(Op::LogitInv, {y}, keep(n, {"alpha"}));
    case Op::Dequantize: return b.op(Op::DequantizeInv, {y}, keep(n, {"levels"}));
    case Op::InvertibleStep: {
      std::optional<NodeId> body = inverse_body(g, link);
      GENC_ASSERT(body.has_value(), "flow inverse: user invertible '" + ir::attr_string(n.attrs, "block") +
                                        "' has no inverse body");
      std::map<NodeId, NodeId> done;
      return copy_value(b, g, g.node(*body).inputs[2], {link, 0}, y, done);
    }
    default: break;
  }
  internal_error("flow inverse: no derived inverse for '" + std::string(ir::op_name(n.op)) + "'");
}

/// The x of link `link` from its y. The inverse op of a builtin step is located at the step
/// (the sampler's non-finite check names it); a user step's inverse keeps its body's positions.
ValueRef invert_link(GraphBuilder& b, const ir::Graph& g, NodeId link, ValueRef y, double temperature = 1.0,
                     std::optional<ValueRef> factored = std::nullopt) {
  ValueRef x = invert_op(b, g, link, y, temperature, factored);
  if (g.node(link).op != Op::InvertibleStep) b.located(x, g.node(link).loc);
  return x;
}

}  // namespace

std::vector<NodeId> flow_chain(const ir::Function& flow) {
  const ir::Graph& g = flow.graph;
  std::vector<NodeId> outputs = g.find(Op::Output);
  GENC_ASSERT(outputs.size() == 1, "flow " + flow.name + " has no single output");
  std::vector<NodeId> links;
  ValueRef at = g.node(outputs[0]).inputs.at(0);
  while (g.node(at.node).op != Op::Input) {
    const Node& n = g.node(at.node);
    GENC_ASSERT(ir::has_flag(n.op, ir::kInvertible) && at.port == 0,
                "flow " + flow.name + ": a link of the chain is not an invertible step's y");
    links.push_back(at.node);
    at = n.inputs.at(0);
  }
  std::reverse(links.begin(), links.end());
  return links;
}

std::optional<NodeId> underivable_step(const ir::Function& flow) {
  for (NodeId id : flow_chain(flow))
    if (flow.graph.node(id).op == Op::InvertibleStep && !inverse_body(flow.graph, id)) return id;
  return std::nullopt;
}

FlowForward flow_forward(GraphBuilder& b, const ir::Function& flow, ValueRef x) {
  FlowForward out;
  out.z = b.inline_role(flow, {x}).values.at(0);
  const ir::Graph& g = b.graph();
  for (ValueRef at = out.z; !(at == x);) {
    const Node& n = g.node(at.node);
    GENC_ASSERT(ir::has_flag(n.op, ir::kInvertible), "flow " + flow.name + ": the chain left the invertible steps");
    out.links.push_back(at);
    at = n.inputs.at(0);
  }
  std::reverse(out.links.begin(), out.links.end());
  for (const ValueRef& link : out.links)
    if (g.node(link.node).op == Op::FactorOut) out.factored.push_back({link.node, 2});
  if (out.links.empty()) {
    out.logdet = b.constant(0.0);
    return out;
  }
  out.logdet = {out.links[0].node, 1};
  for (size_t i = 1; i < out.links.size(); ++i) out.logdet = add(b, out.logdet, {out.links[i].node, 1});
  return out;
}

ValueRef flow_inverse(GraphBuilder& b, const ir::Function& flow, ValueRef y, size_t first, size_t last,
                      double temperature) {
  std::vector<NodeId> links = flow_chain(flow);
  GENC_ASSERT(first <= last && last < links.size(), "flow inverse: bad link range");
  for (size_t i = last + 1; i-- > first;) y = invert_link(b, flow.graph, links[i], y, temperature);
  return y;
}

std::vector<LinkCheck> flow_link_checks(const ir::Function& flow) {
  const ir::Graph& g = flow.graph;
  std::vector<LinkCheck> out;
  for (NodeId id : flow_chain(flow)) {
    const Node& n = g.node(id);
    LinkCheck c;
    c.op = n.op;
    c.block = n.op == Op::InvertibleStep ? ir::attr_string(n.attrs, "block") : std::string(ir::op_name(n.op));
    c.loc = n.loc;
    c.has_inverse = n.op != Op::InvertibleStep || inverse_body(g, id).has_value();
    GraphBuilder b(n.loc);
    ValueRef x = b.input("x", g.type(n.inputs[0]));
    std::map<NodeId, NodeId> done;
    ValueRef y = copy_value(b, g, {id, 0}, n.inputs[0], x, done);
    if (n.op == Op::FactorOut) {  // y and z together, so that the Jacobian is square
      ValueRef z{y.node, 2};
      b.output("y", b.op(Op::Concat, {y, z}, {{"dim", int64_t{0}}}));
      b.output("logdet", {y.node, 1});
      b.output("x_rec", invert_link(b, g, id, y, 1.0, z));
    } else {
      b.output("y", y);
      b.output("logdet", {y.node, 1});
      if (c.has_inverse) b.output("x_rec", invert_link(b, g, id, y));
    }
    c.routine = b.finish("verify " + c.block);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace genc::lower
