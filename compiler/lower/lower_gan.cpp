// gan(loss, d_steps, gp): a GAN's alternating discriminator and generator steps, each
// with its own optimizer, and its sample graph.
//
// 1. Step D (optimizer D, run d_steps times per iteration, a fresh batch each): z ~ N(0,I),
//    fake = G(z) (recorded: the G step differentiates it), handed on as output "generated";
//    loss = l_real(D(x)) + l_fake(D(detach(fake))), with l from `loss` (gan_loss op).
//    wgan-gp adds gp * (|grad D(x_hat)| - 1)^2 at x_hat = f + u (x - f), f = detach(fake),
//    u ~ U(0,1) per example, x_hat a gradient leaf (grad_input) so the penalty can be
//    differentiated (grad_penalty, create_graph).
// 2. Step G (optimizer G): no noise of its own; it reads the last D run's fake as input
//    "D.generated" (step_handoff.h) and scores it with D as D's update left it: loss =
//    l_gen(D(fake)), back-propagated through the D step's G(z) into G's parameters (only
//    those: the runtime's per-group gradient). So G runs forward once per iteration, as in
//    hand-written GAN loops (pytorch/examples' dcgan).
// 3. Conditional models (generator and discriminator take `y: label of K` second) feed the
//    data's y to both roles in both steps; the G step's y is the last D run's batch's (a
//    step without x reads the last batch taken), the labels its fake was generated for.
//    The sample graph draws labels (rand_label).
// 4. Sample: x = G(z[, y]), returning y as well when conditional.
#include "compiler/lower/graph_builder.h"
#include "compiler/lower/objectives.h"
#include "compiler/lower/step_handoff.h"

namespace genc::lower {
namespace {

using ir::Op;
using ir::ValueRef;

/// The D step's output that the G step reads: the fake batch it generated.
const char* const kGenerated = "generated";

struct Gan {
  const ir::Function* g;
  const ir::Function* d;
  ir::ValueType x;                 ///< one sample (the discriminator's x)
  ir::ValueType z;                 ///< the generator's noise
  std::optional<ir::ValueType> y;  ///< the label, when conditional
  std::string loss;
};

/// The per-example loss for `score` as `target` ("real", "fake", "gen").
ValueRef gan_loss(GraphBuilder& b, const Gan& gan, ValueRef score, const char* target) {
  return b.op(Op::GanLoss, {score}, {{"loss", gan.loss}, {"target", std::string(target)}});
}

/// G(z[, y]) with fresh noise.
ValueRef generate(GraphBuilder& b, const Gan& gan, std::optional<ValueRef> y) {
  ValueRef z = b.op(Op::Randn, {}, {{"shape", gan.z.dims}});
  RoleResult fake = b.inline_role(*gan.g, y ? std::vector<ValueRef>{z, *y} : std::vector<ValueRef>{z});
  return fake.values[0];
}

ValueRef discriminate(GraphBuilder& b, const Gan& gan, ValueRef x, std::optional<ValueRef> y) {
  return b.inline_role(*gan.d, y ? std::vector<ValueRef>{x, *y} : std::vector<ValueRef>{x}).values[0];
}

Step d_step(const Gan& gan, SourceRange loc, int64_t d_steps, double gp) {
  GraphBuilder b(loc);
  ValueRef x = b.input("x", gan.x);
  std::optional<ValueRef> y;
  if (gan.y) y = b.input("y", *gan.y);
  ValueRef generated = generate(b, gan, y);
  ValueRef fake = b.op(Op::Detach, {generated});
  ValueRef real_score = discriminate(b, gan, x, y);
  ValueRef fake_score = discriminate(b, gan, fake, y);
  // One operand per statement: the node numbering must not depend on the C++ compiler's order.
  ValueRef fake_loss = gan_loss(b, gan, fake_score, "fake");
  ValueRef loss = add(b, gan_loss(b, gan, real_score, "real"), fake_loss);
  std::optional<ValueRef> penalty;
  if (gan.loss == "wgan-gp") {
    std::vector<int64_t> ones(gan.x.dims.size(), 1);
    ValueRef u = b.op(Op::RandUniform, {}, {{"shape", ones}});
    ValueRef between = add(b, fake, b.op(Op::Mul, {u, b.op(Op::Sub, {x, fake})}));
    ValueRef at = b.op(Op::GradInput, {between});
    penalty = b.op(Op::GradPenalty, {discriminate(b, gan, at, y), at});
    loss = add(b, loss, scale(b, gp, *penalty));
  }
  b.output("loss", loss);
  b.output("real", sum_all(b, real_score));
  b.output("fake", sum_all(b, fake_score));
  if (penalty) b.output("gp", *penalty);
  b.output(kGenerated, generated);
  Step step;
  static_cast<Routine&>(step) = b.finish(gan.d->name);
  step.optimizer = gan.d->name;
  step.repeat = static_cast<int>(d_steps);
  return step;
}

Step g_step(const Gan& gan, SourceRange loc) {
  GraphBuilder b(loc);
  ValueRef fake = b.input(handoff_input(gan.d->name, kGenerated), gan.x);
  std::optional<ValueRef> y;
  if (gan.y) y = b.input("y", *gan.y);
  b.output("loss", gan_loss(b, gan, discriminate(b, gan, fake, y), "gen"));
  Step step;
  static_cast<Routine&>(step) = b.finish(gan.g->name);
  step.optimizer = gan.g->name;
  return step;
}

Routine sample_routine(const Gan& gan, SourceRange loc) {
  GraphBuilder b(loc);
  std::optional<ValueRef> y;
  if (gan.y) y = b.op(Op::RandLabel, {}, {{"classes", gan.y->classes}});
  b.output("x", generate(b, gan, y));
  if (y) b.output("y", *y);
  return b.finish("sample");
}

bool is_label(const ir::ValueType& t) {
  return t.kind == ir::ValueKind::Tensor && t.dtype == ir::DType::I64 && t.dims.empty() && t.classes > 0;
}

/// Checks the signatures G(z [, y]) and D(x [, y]) with the same label, or reports why not.
bool check_signatures(const ir::Function& g, const ir::Function& d, DiagnosticEngine& diags) {
  auto fail = [&](const ir::Function& role, const std::string& why) {
    diags.report(DiagKind::RoleSignature, role.loc, {why});
    return false;
  };
  for (const ir::Function* role : {&g, &d}) {
    if (role->params.empty() || role->params.size() > 2)
      return fail(*role, "'" + role->name + "' must take one tensor and optionally a label");
    if (role->params.size() == 2 && !is_label(role->params[1].type))
      return fail(*role, "the second parameter of '" + role->name + "' must be a label of K");
  }
  if (g.params.size() != d.params.size() || (g.params.size() == 2 && g.params[1].type != d.params[1].type))
    return fail(d, "a conditional GAN needs the same label on '" + g.name + "' and '" + d.name + "'");
  return true;
}

}  // namespace

std::optional<TrainingProgram> lower_gan(const ir::Model& model, DiagnosticEngine& diags) {
  const ir::Setting& objective = *model.objective;
  const ir::GanOptions options = ir::read_options<ir::GanOptions>(objective);
  const ir::Function* g = require_role(model, "generator", diags);
  const ir::Function* d = require_role(model, "discriminator", diags);
  bool ok = require_normal_prior(model, diags);
  if (!ok || !g || !d || !check_signatures(*g, *d, diags)) return std::nullopt;

  Gan gan{g, d, d->params[0].type, g->params[0].type, std::nullopt, options.loss};
  if (g->params.size() == 2) gan.y = g->params[1].type;
  TrainingProgram program;
  program.model = model.name;
  program.objective = objective.name;
  program.optimizers.push_back({d->name, {d->name}, param_names(model, {d->name})});
  program.optimizers.push_back({g->name, {g->name}, param_names(model, {g->name})});
  program.steps.push_back(d_step(gan, objective.loc, options.d_steps, options.gp));
  program.steps.push_back(g_step(gan, objective.loc));
  program.sample = Loop::straight(sample_routine(gan, objective.loc));
  return program;
}

}  // namespace genc::lower
