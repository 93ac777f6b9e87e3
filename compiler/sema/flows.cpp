// Flows: builtin couplings and user `invertible` blocks.
//
// A coupling `affine_coupling(x, mask: m, net: mlp([128, 128]))` becomes
//   1. c = mask_select(x){mask: m, part: "cond"}      the conditioning half ([C',H,W] on a
//                                                      feature map with "channel"/"checker")
//   2. h = mlp(c, [128, 128])                          the net, its input filled in
//   3. the output layer, zero-initialised (the coupling starts as the identity):
//      a net returning [K,H,W] on x [C,H,W] (a convolutional net):
//        o = conv(h){out: n, k: 3, p: 1, zero_init: true}   n = 2 (affine) or 1 (additive)
//            x the channels transformed ("channel": C - ceil(C/2); "checker": C, of which
//            the coupling reads the rest positions); a [K,H',W'] of another H' or W' cannot
//            be shaped (CouplingNetShape);
//      otherwise h = flatten(h) unless a vector, o = linear(h){out: n, zero_init: true},
//        n = 2x (affine) or 1x (additive) the transformed half's elements
//   4. (y, logdet) = affine_coupling(x, o){mask: m, scale: s}
// The net and the extra layer are not part of the flow's chain, so they may use any op.
//
// A user invertible step inside a flow expands its `forward` body inline; the step's
// logdet is the body's `logdet` binding. The step ends in one marker node
//   (y, logdet) = invertible_step(x, y_body, logdet_body){block: "<name>"}
// so it is a link of the flow's chain like a builtin step: its logdet stays live, and a
// later pass finds the step's input and block when it derives the flow's inverse from the
// block's `inverse` body.
#include <fmt/format.h>

#include <set>

#include "compiler/ir/param_shapes.h"
#include "compiler/ir/shape_fns.h"
#include "compiler/sema/evaluator.h"

namespace genc::sema {
namespace {

SourceRange callee_range(const ast::Expr& e) { return e.op_range.valid() ? e.op_range : e.range; }

}  // namespace

Value Evaluator::call_coupling(ir::Op op, Bound& args, const CallSite& site, Scope& scope) {
  const Value& x = args.values[0];
  const std::string& mask = args.values[1].s;
  const ast::Expr* net = args.exprs[2];
  std::string name(ir::op_name(op));
  GENC_ASSERT(net != nullptr, "coupling without a bound net");

  const bool chain = builder_.flow_chain();
  builder_.namer().enter(name);
  builder_.set_flow_chain(false);
  auto finish = [&](Value v) {
    builder_.set_flow_chain(chain);
    builder_.namer().leave();
    return v;
  };

  std::optional<ir::NodeId> cond = builder_.emit(
      ir::Op::MaskSelect, {x}, {{"mask", mask}, {"part", std::string("cond")}}, site.callee);
  if (!cond) return finish(Value::error());
  ir::ShapeResult rest = ir::infer_shape(ir::Op::MaskSelect, {x.type},
                                         {{"mask", mask}, {"part", std::string("rest")}});
  GENC_ASSERT(rest.ok && rest.outputs.size() == 1,
              "mask_select rest half failed after the cond half succeeded");

  // The net: a block call (or a bare block name) with its input left out.
  Value out;
  if (net->kind == ast::ExprKind::Call || net->kind == ast::ExprKind::Name) {
    SourceRange at = net->kind == ast::ExprKind::Call ? callee_range(*net) : net->range;
    std::optional<std::string> target = resolve_callee(net->text, at, scope);
    if (!target) return finish(Value::error());
    CallSite net_site{net->text, at, net->range,
                      net->kind == ast::ExprKind::Call ? &net->args : nullptr};
    out = call(*target, net_site, scope, {builder_.result(*cond)});
  } else {
    diags_.report(DiagKind::ArgumentType, net->range,
                  {"net", name, "a block call such as mlp([128, 128])", "an expression"});
    return finish(Value::error());
  }
  if (out.is_error()) return finish(out);
  if (!out.is_tensor() || out.type.kind != ir::ValueKind::Tensor) {
    diags_.report(DiagKind::ArgumentType, net->range,
                  {"net", name, "a block call that returns a tensor", kind_text(out)});
    return finish(Value::error());
  }
  const int64_t per = op == ir::Op::AffineCoupling ? 2 : 1;
  const std::vector<int64_t>& xd = x.type.dims;
  const bool image = x.type.rank() == 3 && (mask == "channel" || mask == "checker");
  std::optional<ir::NodeId> layer;
  if (image && out.type.rank() == 3) {
    const std::vector<int64_t>& od = out.type.dims;
    int64_t channels = mask == "channel" ? xd[0] / 2 : xd[0];
    if (od[1] != xd[1] || od[2] != xd[2]) {
      diags_.report(DiagKind::CouplingNetShape, net->range,
                    {name, type_text(out.type),
                     fmt::format("a feature map [K,{},{}] (the coupling adds a 3x3 conv output "
                                 "layer of {} channels) or a vector (for an mlp: flatten the half first)",
                                 xd[1], xd[2], per * channels)});
      return finish(Value::error());
    }
    layer = builder_.emit(ir::Op::Conv, {out},
                          {{"out", per * channels}, {"k", int64_t{3}}, {"p", int64_t{1}}, {"bias", true},
                           {"zero_init", true}},
                          net->range);
  } else {
    if (out.type.rank() != 1) {
      std::optional<ir::NodeId> flat = builder_.emit(ir::Op::Flatten, {out}, {}, net->range);
      if (!flat) return finish(Value::error());
      out = builder_.result(*flat);
    }
    int64_t size = per * rest.outputs[0].numel();
    layer = builder_.emit(ir::Op::Linear, {out}, {{"out", size}, {"bias", true}, {"zero_init", true}},
                          net->range);
  }
  if (!layer) return finish(Value::error());
  builder_.set_flow_chain(chain);
  ir::Attrs step_attrs{{"mask", mask}};
  if (op == ir::Op::AffineCoupling) step_attrs["scale"] = args.values[3].s;
  std::optional<ir::NodeId> step =
      builder_.emit(op, {x, builder_.result(*layer)}, std::move(step_attrs), site.callee);
  return finish(step ? builder_.result(*step, 0) : Value::error());
}

Value Evaluator::expand_invertible(const ast::InvertibleDecl& decl, const CallSite& site,
                                   Scope& scope, std::vector<Value> leading) {
  if (!builder_.flow_chain()) {
    diags_.report(DiagKind::InvertibleOutsideFlow, site.callee, {decl.name});
    return Value::error();
  }
  Scope inner(&globals_.root);
  if (!bind_params(decl.name, site, scope, std::move(leading), inner)) return Value::error();
  if (auto it = globals_.module_of.find(&decl); it != globals_.module_of.end())
    globals_.used_modules.insert(it->second);
  // The step's input is the block's first parameter (a flow step takes its x first).
  const Binding* input = decl.params.empty() ? nullptr : inner.local(decl.params.front().name);
  if (!input || !input->value.is_tensor())
    return type_error(decl.range, fmt::format("invertible '{}' must take its input tensor as "
                                              "its first parameter", decl.name));
  const Value step_input = input->value;
  Scope inverse_scope = inner;  // the parameters as bound, before the forward body runs

  builder_.namer().enter(decl.name);
  const ParamNamer::Mark mark = builder_.namer().mark();
  builder_.push_call(decl.name, site.callee);
  builder_.set_flow_chain(false);
  auto finish = [&](Value v) {
    builder_.set_flow_chain(true);
    builder_.pop_call();
    builder_.namer().leave();
    return v;
  };
  ++depth_;
  Value ret = Value::error();
  Exit x = exec(decl.forward, inner, ret);
  --depth_;
  if (x == Exit::Normal && globals_.reported.insert(&decl).second)
    diags_.report(DiagKind::MissingReturn, decl.range, {decl.name});
  if (x != Exit::Returned || ret.is_error()) return finish(Value::error());
  if (!ret.is_tensor() || ret.type.kind != ir::ValueKind::Tensor)
    return finish(type_error(decl.range, fmt::format("the forward of invertible '{}' must return a "
                                                     "tensor, got {}", decl.name, kind_text(ret))));

  const Binding* bound = inner.local("logdet");
  if (!bound)
    return finish(type_error(decl.range, fmt::format("the forward of invertible '{}' must bind 'logdet'",
                                                     decl.name)));
  if (bound->stmt) globals_.read.insert(bound->stmt);
  Value logdet = bound->value;
  if (logdet.is_error()) return finish(logdet);
  if (logdet.is_number()) logdet = builder_.constant(logdet.as_double(), bound->def);
  if (logdet.is_error()) return finish(logdet);
  if (!logdet.is_tensor() || logdet.type != ir::ValueType::tensor({})) {
    diags_.report(
        DiagKind::ShapeError, bound->def,
        {fmt::format("the logdet of invertible '{}' must be one number per example ([]), got {}",
                     decl.name, logdet.is_tensor() ? type_text(logdet.type) : kind_text(logdet))});
    return finish(Value::error());
  }

  builder_.set_flow_chain(true);
  std::optional<ir::NodeId> marker = builder_.emit(
      ir::Op::InvertibleStep, {step_input, ret, logdet}, {{"block", decl.name}}, site.callee);
  builder_.set_flow_chain(false);
  if (!marker) return finish(Value::error());
  Value y = builder_.result(*marker, 0);
  y.origin.clear();
  y.origin_range = SourceRange{};

  // The inverse body on y, named from the forward's mark so that it shares its parameters.
  const std::set<ir::NodeId> forward_nodes = [&] {
    std::vector<ir::NodeId> ids = builder_.graph().ids();
    return std::set<ir::NodeId>(ids.begin(), ids.end());
  }();
  const ParamNamer::Mark after_forward = builder_.namer().mark();
  builder_.namer().rewind(mark);
  inverse_scope.bind(decl.params.front().name, y, input->def);
  ++depth_;
  Value x_rec = Value::error();
  Exit xi = exec(decl.inverse, inverse_scope, x_rec);
  --depth_;
  builder_.namer().rewind(after_forward);
  if (xi == Exit::Normal) {
    diags_.report(DiagKind::TypeError, decl.range,
                  {fmt::format("the inverse of invertible '{}' has no return", decl.name)});
    return finish(Value::error());
  }
  if (x_rec.is_error()) return finish(x_rec);
  const ast::Stmt* returned = first_return(decl.inverse);
  SourceRange at = returned && returned->value ? returned->value->range : decl.range;
  if (!x_rec.is_tensor() || x_rec.type != step_input.type) {
    diags_.report(DiagKind::ShapeError, at,
                  {fmt::format("the inverse of invertible '{}' returns {}, but its forward takes {}",
                               decl.name, x_rec.is_tensor() ? type_text(x_rec.type) : kind_text(x_rec),
                               type_text(step_input.type))});
    return finish(Value::error());
  }
  if (!inverse_params_match(decl, forward_nodes)) return finish(Value::error());
  std::optional<ir::NodeId> inverse = builder_.emit(
      ir::Op::InvertibleInverse, {step_input, y, x_rec}, {{"block", decl.name}}, at);
  if (!inverse) return finish(Value::error());
  return finish(y);
}

const ast::Stmt* Evaluator::first_return(const ast::Body& body) {
  for (const ast::StmtPtr& st : body) {
    if (st->kind == ast::StmtKind::Return) return st.get();
    if (const ast::Stmt* r = first_return(st->body)) return r;
    if (const ast::Stmt* r = first_return(st->else_body)) return r;
  }
  return nullptr;
}

bool Evaluator::inverse_params_match(const ast::InvertibleDecl& decl,
                                     const std::set<ir::NodeId>& forward_nodes) {
  const ir::Graph& g = builder_.graph();
  for (ir::NodeId id : g.ids()) {
    const ir::Node& n = g.node(id);
    if (forward_nodes.count(id) || !ir::has_flag(n.op, ir::kParams)) continue;
    std::optional<ir::NodeId> twin_id;
    for (ir::NodeId f : forward_nodes)
      if (g.node(f).name == n.name) twin_id = f;
    std::string op(ir::op_name(n.op));
    if (!twin_id) {
      diags_.report(DiagKind::TypeError, n.loc,
                    {fmt::format("this '{}' in the inverse of invertible '{}' has no counterpart in its "
                                 "forward, so its parameters would never be trained (the inverse's "
                                 "parameterised ops share the forward's: the same ops in the same order)",
                                 op, decl.name)});
      return false;
    }
    const ir::Node& twin = g.node(*twin_id);
    if (twin.op != n.op || twin.attrs != n.attrs || ir::input_types(g, id) != ir::input_types(g, *twin_id)) {
      diags_.report(DiagKind::TypeError, n.loc,
                    {fmt::format("this '{}' in the inverse of invertible '{}' differs from the forward's "
                                 "'{}' whose parameters it shares (at {})",
                                 op, decl.name, ir::op_name(twin.op), twin.loc.str())});
      return false;
    }
  }
  return true;
}

}  // namespace genc::sema
