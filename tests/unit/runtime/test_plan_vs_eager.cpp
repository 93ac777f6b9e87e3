// Plan vs eager: the compiled steps of LANGUAGE.md's VAE and DCGAN give the same loss and
// parameter gradients as plain LibTorch code written by hand on the same weights and
// the same random draws; and an executor iteration applies exactly those gradients.
#include "runtime/executor.h"
#include "tests/unit/runtime/plan_vs_eager_util.h"

namespace genc::runtime::testing {
namespace {

using at::Tensor;

const std::vector<std::pair<std::string, std::string>> kSmallVae = {{"vae.latent", "4"}, {"vae.hidden", "32"}};
const std::vector<std::pair<std::string, std::string>> kSmallGan = {{"dcgan.nz", "8"}, {"dcgan.ch", "4"}};

/// The VAE of LANGUAGE.md section 1, written directly in LibTorch.
Tensor eager_vae_loss(ParamStore& ps, const ir::Model& m, const Tensor& x, at::Generator gen, int64_t latent) {
  std::string mean_node = producer(m, "q", ir::Op::Gaussian, 0);
  std::string logvar_node = producer(m, "q", ir::Op::Gaussian, 1);
  int64_t b = x.size(0);
  Tensor h = at::relu(linear(ps, "q.h.linear0", x.flatten(1)));
  Tensor mean = linear(ps, mean_node, h), logvar = linear(ps, logvar_node, h);
  Tensor eps = at::randn({b, latent}, gen, at::kFloat);
  Tensor z = mean + at::exp(0.5 * logvar) * eps;
  Tensor logits = linear(ps, "p.h.linear1", at::relu(linear(ps, "p.h.linear0", z))).view({b, 1, 28, 28});
  return eager_negative_elbo(logits, x, mean, logvar);
}

TEST(PlanVsEager, VaeLossAndGradients) {
  auto c = compile(example_text("vae_fashion.gen"), kSmallVae);
  lower::TrainingProgram p = lower_first(*c);
  ParamStore ps(c->model(), at::kCPU, 5);
  Tensor x = at::rand({6, 1, 28, 28}, cpu_gen(1));

  StepResult plan = run_step(p, p.steps[0], ps, x, 42);
  Tensor eager = eager_vae_loss(ps, c->model(), x, cpu_gen(42), 4);
  expect_close(plan.loss, eager, "loss");
  std::vector<std::string> names;
  for (auto& [name, t] : ps.named_parameters()) names.push_back(name);
  EXPECT_EQ(names.size(), 10u);
  expect_same_grads(plan, grads_of(eager, ps, names));
}

TEST(PlanVsEager, VaeExecutorIterationAppliesTheEagerGradient) {
  auto c = compile(example_text("vae_fashion.gen"), kSmallVae);
  lower::TrainingProgram p = lower_first(*c);
  TrainConfig config;
  config.seed = 9;
  config.optimizer.kind = "sgd";
  config.optimizer.lr = 0.1;
  Executor exec(p, c->model(), config, at::kCPU);
  Tensor x = at::rand({6, 1, 28, 28}, cpu_gen(1));

  std::map<std::string, Tensor> before;
  std::vector<std::string> names;
  for (auto& [name, t] : exec.params().named_parameters()) {
    before[name] = t.detach().clone();
    names.push_back(name);
  }
  Tensor eager = eager_vae_loss(exec.params(), c->model(), x, cpu_gen(Executor::train_seed(9)), 4);
  std::map<std::string, Tensor> g = grads_of(eager, exec.params(), names);

  std::vector<StepMetrics> m = exec.train_iteration([&] { return Data{x, std::nullopt}; });
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].names, (std::vector<std::string>{"loss", "recon", "kl"}));
  std::vector<double> values = m[0].host();
  EXPECT_NEAR(values[0], eager.item<double>(), kTol * std::abs(eager.item<double>()));
  EXPECT_NEAR(values[0], values[1] + values[2], 1e-3);
  for (auto& [name, t] : exec.params().named_parameters())
    expect_close(t.detach(), before[name] - 0.1 * g[name], name);
  EXPECT_EQ(exec.iteration(), 1);
}

/// DCGAN's generator and discriminator of LANGUAGE.md section 11, in LibTorch.
Tensor eager_g(ParamStore& ps, const Tensor& z, int64_t ch) {
  Tensor h = linear(ps, "G.h.linear0", z).view({z.size(0), ch * 2, 7, 7});
  h = at::relu(bn(ps, "G.h.batchnorm0", h));
  h = at::relu(bn(ps, "G.h.batchnorm1", upconv(ps, "G.h.upconv0", h)));
  return at::tanh(upconv(ps, "G.return.upconv0", h));
}
Tensor eager_d(ParamStore& ps, const Tensor& x) {
  Tensor h = at::leaky_relu(conv(ps, "D.h.conv0", x), 0.2);
  h = at::leaky_relu(bn(ps, "D.h.batchnorm0", conv(ps, "D.h.conv1", h)), 0.2);
  return linear(ps, "D.return.linear0", h.flatten(1));
}

TEST(PlanVsEager, DcganDiscriminatorStep) {
  auto c = compile(example_text("dcgan.gen"), kSmallGan);
  lower::TrainingProgram p = lower_first(*c);
  ParamStore ps(c->model(), at::kCPU, 5);
  Tensor x = at::rand({5, 1, 28, 28}, cpu_gen(1)) * 2 - 1;

  StepResult plan = run_step(p, p.steps[0], ps, x, 42);
  Tensor z = at::randn({5, 8}, cpu_gen(42), at::kFloat);
  Tensor fake = eager_g(ps, z, 4).detach();
  Tensor eager = (at::softplus(-eager_d(ps, x)) + at::softplus(eager_d(ps, fake))).sum(1).mean();
  expect_close(plan.loss, eager, "D loss");
  std::vector<std::string> d_names = names_under(ps, "D.");
  EXPECT_EQ(d_names.size(), 8u);
  expect_same_grads(plan, grads_of(eager, ps, d_names));
}

// The G step scores the D step's fakes (its noise, seed 42; the G step's own stream, 43,
// is not drawn from) and back-propagates through the D step's generator forward.
TEST(PlanVsEager, DcganGeneratorStepOnTheDiscriminatorStepsFakes) {
  auto c = compile(example_text("dcgan.gen"), kSmallGan);
  lower::TrainingProgram p = lower_first(*c);
  ParamStore ps(c->model(), at::kCPU, 5);
  Tensor x = at::rand({5, 1, 28, 28}, cpu_gen(1)) * 2 - 1;

  StepResult d = run_step(p, p.steps[0], ps, x, 42);
  StepResult plan = run_step(p, p.steps[1], ps, x, 43, Tensor(), &d);
  Tensor z = at::randn({5, 8}, cpu_gen(42), at::kFloat);
  Tensor eager = at::softplus(-eager_d(ps, eager_g(ps, z, 4))).sum(1).mean();
  expect_close(plan.loss, eager, "G loss");
  std::vector<std::string> g_names = names_under(ps, "G.");
  EXPECT_EQ(g_names.size(), 10u);
  expect_same_grads(plan, grads_of(eager, ps, g_names));
}

}  // namespace
}  // namespace genc::runtime::testing
