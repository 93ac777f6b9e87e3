// Plan vs eager for the models of examples/ beyond LANGUAGE.md's: the seed's MLP GAN, the
// class-conditional GAN and the convolutional VAE. Each compiled step gives the same loss
// and parameter gradients as the model written by hand in LibTorch on the same weights.
#include <fstream>
#include <sstream>

#include "tests/unit/runtime/plan_vs_eager_util.h"

namespace genc::runtime::testing {
namespace {

using at::Tensor;

std::string read_example(const std::string& name) {
  std::ifstream in(std::string(GENC_EXAMPLES_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Tensor leaky(const Tensor& t) { return at::leaky_relu(t, 0.2); }

/// The discriminator loss of the non-saturating GAN on real and (detached) fake scores.
Tensor d_loss(const Tensor& real_score, const Tensor& fake_score) {
  return (at::softplus(-real_score) + at::softplus(fake_score)).sum(1).mean();
}
Tensor g_loss(const Tensor& fake_score) { return at::softplus(-fake_score).sum(1).mean(); }

// ---------------------------------------------------------------- the seed's MLP GAN

Tensor mlp_g(ParamStore& ps, const Tensor& z) {
  Tensor h = leaky(linear(ps, "G.h.mlp0.linear0", z));
  h = leaky(linear(ps, "G.h.mlp0.linear1", h));
  h = leaky(linear(ps, "G.h.mlp0.linear2", h));
  return at::tanh(linear(ps, "G.return.linear0", h)).view({z.size(0), 1, 28, 28});
}
Tensor mlp_d(ParamStore& ps, const Tensor& x) {
  Tensor h = leaky(linear(ps, "D.h.mlp0.linear0", x.flatten(1)));
  h = leaky(linear(ps, "D.h.mlp0.linear1", h));
  return linear(ps, "D.return.linear0", h);
}

TEST(PlanVsEagerExamples, MlpGanSteps) {
  auto c = compile(read_example("mlp_gan_fashion.gen"), {{"mlp_gan.nz", "8"}});
  lower::TrainingProgram p = lower_first(*c);
  ASSERT_EQ(p.steps.size(), 2u);
  ParamStore ps(c->model(), at::kCPU, 5);
  Tensor x = at::rand({5, 1, 28, 28}, cpu_gen(1)) * 2 - 1;

  StepResult d_step = run_step(p, p.steps[0], ps, x, 42);
  Tensor fake = mlp_g(ps, at::randn({5, 8}, cpu_gen(42), at::kFloat)).detach();
  Tensor d_eager = d_loss(mlp_d(ps, x), mlp_d(ps, fake));
  expect_close(d_step.loss, d_eager, "D loss");
  EXPECT_EQ(names_under(ps, "D.").size(), 6u);
  expect_same_grads(d_step, grads_of(d_eager, ps, names_under(ps, "D.")));

  // The G step on the D step's fakes (its noise, seed 42).
  StepResult g_step = run_step(p, p.steps[1], ps, x, 43, Tensor(), &d_step);
  Tensor g_eager = g_loss(mlp_d(ps, mlp_g(ps, at::randn({5, 8}, cpu_gen(42), at::kFloat))));
  expect_close(g_step.loss, g_eager, "G loss");
  EXPECT_EQ(names_under(ps, "G.").size(), 8u);
  expect_same_grads(g_step, grads_of(g_eager, ps, names_under(ps, "G.")));
}

// ---------------------------------------------------------------- the class-conditional GAN

Tensor embed(ParamStore& ps, const std::string& n, const Tensor& y) { return at::embedding(P(ps, n, "weight"), y); }

Tensor cgan_g(ParamStore& ps, const Tensor& z, const Tensor& y) {
  Tensor h = leaky(linear(ps, "G.h.mlp0.linear0", at::cat({z, embed(ps, "G.h.embed0", y)}, 1)));
  h = leaky(linear(ps, "G.h.mlp0.linear1", h));
  return at::tanh(linear(ps, "G.return.linear0", h)).view({z.size(0), 1, 28, 28});
}
Tensor cgan_d(ParamStore& ps, const Tensor& x, const Tensor& y) {
  Tensor h = leaky(linear(ps, "D.h.mlp0.linear0", at::cat({x.flatten(1), embed(ps, "D.h.embed0", y)}, 1)));
  h = leaky(linear(ps, "D.h.mlp0.linear1", h));
  return linear(ps, "D.return.linear0", h);
}

TEST(PlanVsEagerExamples, ConditionalGanStepsReadTheLabels) {
  auto c = compile(read_example("cgan_fashion.gen"), {{"cgan.nz", "8"}, {"cgan.emb", "4"}});
  lower::TrainingProgram p = lower_first(*c);
  ASSERT_EQ(p.steps.size(), 2u);
  ParamStore ps(c->model(), at::kCPU, 5);
  Tensor x = at::rand({6, 1, 28, 28}, cpu_gen(1)) * 2 - 1;
  Tensor y = at::tensor({0, 3, 9, 3, 5, 1}, at::kLong);

  // The D step scores the real images and fakes of the same labels.
  StepResult d_step = run_step(p, p.steps[0], ps, x, 42, y);
  Tensor fake = cgan_g(ps, at::randn({6, 8}, cpu_gen(42), at::kFloat), y).detach();
  Tensor d_eager = d_loss(cgan_d(ps, x, y), cgan_d(ps, fake, y));
  expect_close(d_step.loss, d_eager, "D loss");
  EXPECT_EQ(names_under(ps, "D.").size(), 7u);
  expect_same_grads(d_step, grads_of(d_eager, ps, names_under(ps, "D.")));

  // The G step on the D step's fakes of the same labels.
  StepResult g_step = run_step(p, p.steps[1], ps, x, 43, y, &d_step);
  Tensor g_eager = g_loss(cgan_d(ps, cgan_g(ps, at::randn({6, 8}, cpu_gen(42), at::kFloat), y), y));
  expect_close(g_step.loss, g_eager, "G loss");
  EXPECT_EQ(names_under(ps, "G.").size(), 7u);
  expect_same_grads(g_step, grads_of(g_eager, ps, names_under(ps, "G.")));
}

// ---------------------------------------------------------------- the convolutional VAE

TEST(PlanVsEagerExamples, ConvVaeLossAndGradients) {
  const int64_t latent = 4, ch = 4;
  auto c = compile(read_example("conv_vae_fashion.gen"),
                   {{"conv_vae.latent", "4"}, {"conv_vae.ch", "4"}, {"conv_vae.hidden", "16"}});
  lower::TrainingProgram p = lower_first(*c);
  ParamStore ps(c->model(), at::kCPU, 5);
  Tensor x = at::rand({3, 1, 28, 28}, cpu_gen(1));

  StepResult plan = run_step(p, p.steps[0], ps, x, 42);

  Tensor h = at::relu(conv(ps, "q.h.conv1", at::relu(conv(ps, "q.h.conv0", x))));
  h = at::relu(linear(ps, "q.h.linear0", h.flatten(1)));
  Tensor mean = linear(ps, producer(c->model(), "q", ir::Op::Gaussian, 0), h);
  Tensor logvar = linear(ps, producer(c->model(), "q", ir::Op::Gaussian, 1), h);
  Tensor z = mean + at::exp(0.5 * logvar) * at::randn({3, latent}, cpu_gen(42), at::kFloat);
  Tensor d = at::relu(linear(ps, "p.h.linear1", at::relu(linear(ps, "p.h.linear0", z))));
  d = at::relu(upconv(ps, "p.h.upconv0", d.view({3, ch * 2, 7, 7})));
  Tensor logits = upconv(ps, "p.return.upconv0", d);
  Tensor eager = eager_negative_elbo(logits, x, mean, logvar);

  expect_close(plan.loss, eager, "loss");
  std::vector<std::string> names = names_under(ps, "");
  EXPECT_EQ(names.size(), 18u);
  expect_same_grads(plan, grads_of(eager, ps, names));
}

}  // namespace
}  // namespace genc::runtime::testing
