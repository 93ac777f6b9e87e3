// nll of an autoregressive role p(x: tokens[L] of V) -> categorical: teacher forcing,
// evaluation in nats per token and bits per token, and sampling as a plan loop.
//
// 1. Step "nll" (optimizer "model"): the role runs on x shifted right by one (the start
//    token 0 at position 0, x[t-1] at t), so its output t is a categorical over x[t]
//    given x[<t] (sema/causality proves no output reads a later input). loss = the
//    cross-entropy summed over the L positions, divided by L (nats per token).
// 2. Eval: loss (nats per token), nll (nats per sequence), bpd (bits per token: bits per
//    byte for text, bits per dimension for token images).
// 3. Sample: init "x" = L start tokens; the step, once per position t = 0..L-1 (the table's
//    column "t"), draws x[t] from the role's output t (temperature, top_k, top_p of
//    `sampler sample`); the result is x. With kv_cache (the default) the step is the
//    role's decode step (decode_step.h): the one row at t, each self-attention over a
//    key/value cache that init allocates and the step carries (a finish returns x alone);
//    without it, or for a role the decode step cannot run, the step reruns the role on
//    the whole of shift_right(x).
#include <cmath>

#include "compiler/lower/decode_step.h"
#include "compiler/lower/graph_builder.h"
#include "compiler/lower/objectives.h"

namespace genc::lower {
namespace {

using ir::Op;
using ir::ValueRef;

/// The role's logits [L, V] for `x` read through the right shift.
ValueRef teacher_forced_logits(GraphBuilder& b, const ir::Function& net, ValueRef x) {
  return b.inline_role(net, {b.op(Op::ShiftRight, {x})}).values[0];
}

Routine nll_routine(const ir::Function& net, SourceRange loc, const std::string& name, bool eval) {
  GraphBuilder b(loc);
  const ir::ValueType& type = net.params[0].type;
  ValueRef x = b.input("x", type);
  ValueRef nll = b.op(Op::CategoricalNll, {teacher_forced_logits(b, net, x), x});
  double positions = static_cast<double>(type.numel());
  ValueRef per_token = scale(b, 1.0 / positions, nll);
  b.output("loss", per_token);
  if (eval) {
    b.output("nll", nll);
    b.output("bpd", scale(b, 1.0 / std::log(2.0), per_token));
  }
  return b.finish(name);
}

/// sample_position's attributes from `sampler sample`.
ir::Attrs draw_attrs(const ir::SampleSamplerOptions& options) {
  return {{"temperature", options.temperature},
          {"top_k", static_cast<int64_t>(options.top_k)},
          {"top_p", options.top_p}};
}

/// The step that reruns the role on the whole prefix: the role on shift_right(x), x[t]
/// drawn from its output t.
Routine full_step(const ir::Function& net, const ir::SampleSamplerOptions& options, SourceRange loc) {
  GraphBuilder b(loc);
  ValueRef x = b.input("x", net.params[0].type);
  ValueRef t = b.input("t", ir::ValueType::tensor({}, ir::DType::I64));
  b.output("x", b.op(Op::SamplePosition, {x, teacher_forced_logits(b, net, x), t}, draw_attrs(options)));
  return b.finish("step");
}

Loop sample_loop(const ir::Function& net, const ir::SampleSamplerOptions& options, SourceRange loc) {
  const ir::ValueType& type = net.params[0].type;
  int64_t len = type.numel();
  std::optional<DecodeStep> decode;
  if (options.kv_cache) decode = decode_step(net, draw_attrs(options), loc);
  Loop loop;
  loop.name = "sample";
  {
    GraphBuilder b(loc);
    b.output("x", b.op(Op::StartTokens, {}, {{"len", len}, {"classes", type.classes}}));
    if (decode)
      for (const auto& [name, attrs] : decode->caches) b.output(name, b.op(Op::KvCache, {}, attrs));
    loop.init = b.finish("init");
  }
  loop.step = decode ? std::move(decode->step) : full_step(net, options, loc);
  if (decode) {  // the result is x alone, not the caches
    GraphBuilder b(loc);
    b.output("x", b.input("x", type));
    loop.finish = b.finish("finish");
  }
  IterationTable::Column column{"t", ir::DType::I64, {}};
  for (int64_t i = 0; i < len; ++i) column.values.push_back(static_cast<double>(i));
  loop.table.columns.push_back(std::move(column));
  loop.table.iterations = len;
  return loop;
}

}  // namespace

std::optional<TrainingProgram> lower_autoregressive(const ir::Model& model, DiagnosticEngine& diags) {
  const ir::Setting& objective = *model.objective;
  const ir::Function* net = require_role(model, "autoregressive", diags);
  if (!net) return std::nullopt;
  const ir::ValueType& x = net->params[0].type;
  if (net->params.size() != 1 || x.dtype != ir::DType::I64 || x.rank() != 1) {
    diags.report(DiagKind::RoleSignature, net->loc,
                 {"nll of an autoregressive role needs one parameter x: tokens[L] of V"});
    return std::nullopt;
  }
  ir::SampleSamplerOptions sampler;
  if (model.sampler && model.sampler->name == "sample")
    sampler = ir::read_options<ir::SampleSamplerOptions>(*model.sampler);

  TrainingProgram program;
  program.model = model.name;
  program.objective = objective.name;
  program.optimizers.push_back({"model", {net->name}, param_names(model, {net->name})});
  Step step;
  static_cast<Routine&>(step) = nll_routine(*net, objective.loc, "nll", false);
  step.optimizer = "model";
  program.steps.push_back(std::move(step));
  program.eval = nll_routine(*net, objective.loc, "eval", true);
  program.sample = sample_loop(*net, sampler, objective.loc);
  return program;
}

}  // namespace genc::lower
