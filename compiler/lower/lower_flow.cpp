// nll for a flow: its training step, eval graph and sampler.
//
// 1. Step "nll" (optimizer "model" over the flow): the flow's chain maps x to z and sums
//    every step's log-determinant (dequantize's -D log(levels) and logit's Jacobian are
//    links like any other, so an 8-bit image's likelihood is that of its bins);
//    loss = -(log N(z; 0, I) + logdet) per example; each factor_out's part z_i leaves the
//    chain to the prior, adding log N(z_i; 0, I).
// 2. Eval: loss, nll (= loss, nats) and bpd = nll / (D ln 2), D the elements of x.
// 3. Sample: z ~ N(0, T^2 I), T the `inverse` sampler's temperature (default 1), through the
//    inverse the compiler derives for each step (flow_chain.cpp; a user invertible's from its
//    `inverse` body; each factor_out draws its part from N(0, T^2 I) too). Graph IR whose user
//    step lacks that body trains but has no sampler.
#include <cmath>

#include "compiler/lower/flow_chain.h"
#include "compiler/lower/graph_builder.h"
#include "compiler/lower/objectives.h"

namespace genc::lower {
namespace {

using ir::Op;
using ir::ValueRef;

/// -(log N(z; 0, I) + logdet) for the data x.
ValueRef flow_nll(GraphBuilder& b, const ir::Function& flow, ValueRef x) {
  FlowForward f = flow_forward(b, flow, x);
  ValueRef log_px = add(b, b.op(Op::StdNormalLogpdf, {f.z}), f.logdet);
  for (const ValueRef& z : f.factored) log_px = add(b, log_px, b.op(Op::StdNormalLogpdf, {z}));
  return b.op(Op::Neg, {log_px});
}

Step train_step(const ir::Function& flow, SourceRange loc) {
  GraphBuilder b(loc);
  ValueRef x = b.input("x", flow.params[0].type);
  b.output("loss", flow_nll(b, flow, x));
  Step step;
  static_cast<Routine&>(step) = b.finish("nll");
  step.optimizer = "model";
  return step;
}

Routine eval_routine(const ir::Function& flow, SourceRange loc) {
  GraphBuilder b(loc);
  const ir::ValueType& type = flow.params[0].type;
  ValueRef nll = flow_nll(b, flow, b.input("x", type));
  b.output("loss", nll);
  b.output("nll", nll);
  b.output("bpd", scale(b, 1.0 / (static_cast<double>(type.numel()) * std::log(2.0)), nll));
  return b.finish("eval");
}

Routine sample_routine(const ir::Function& flow, SourceRange loc, double temperature) {
  GraphBuilder b(loc);
  const ir::Graph& g = flow.graph;
  const ir::ValueType z_type = g.type(g.node(g.find(Op::Output).at(0)).inputs.at(0));
  ValueRef z = scale(b, temperature, b.op(Op::Randn, {}, {{"shape", z_type.dims}}));
  size_t links = flow_chain(flow).size();
  b.output("x", links == 0 ? z : flow_inverse(b, flow, z, 0, links - 1, temperature));
  return b.finish("sample");
}

}  // namespace

std::optional<TrainingProgram> lower_flow_nll(const ir::Model& model, DiagnosticEngine& diags) {
  const ir::Setting& objective = *model.objective;
  const ir::Function* flow = require_role(model, "flow", diags);
  bool ok = require_normal_prior(model, diags);
  if (!ok || !flow) return std::nullopt;
  if (flow->params.size() != 1) {
    diags.report(DiagKind::RoleSignature, flow->loc,
                 {"nll needs a flow of one parameter; '" + flow->name + "' takes " + std::to_string(flow->params.size())});
    return std::nullopt;
  }
  double temperature = 1.0;
  if (model.sampler && model.sampler->name == "inverse")
    temperature = ir::read_options<ir::InverseSamplerOptions>(*model.sampler).temperature;

  TrainingProgram program;
  program.model = model.name;
  program.objective = objective.name;
  program.optimizers.push_back({"model", {flow->name}, param_names(model, {flow->name})});
  program.steps.push_back(train_step(*flow, objective.loc));
  program.eval = eval_routine(*flow, objective.loc);
  if (!underivable_step(*flow)) program.sample = Loop::straight(sample_routine(*flow, objective.loc, temperature));
  return program;
}

}  // namespace genc::lower
