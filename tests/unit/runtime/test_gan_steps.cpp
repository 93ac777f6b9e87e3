// GAN steps through the Executor: the D step changes only the discriminator's parameters,
// the G step only the generator's; d_steps takes a fresh batch per critic step; the G step
// differentiates the D step's fakes (no noise of its own) as D's update left D, checked
// against the same iteration written by hand in LibTorch.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <map>

#include "runtime/executor.h"
#include "tests/unit/runtime/exec_test_util.h"
#include "tests/unit/runtime/plan_vs_eager_util.h"

namespace genc::runtime::testing {
namespace {

const std::vector<std::pair<std::string, std::string>> kSmallGan = {{"dcgan.nz", "8"}, {"dcgan.ch", "4"}};

std::map<std::string, at::Tensor> snapshot(Executor& e) {
  std::map<std::string, at::Tensor> out;
  for (auto& [name, t] : e.params().named_parameters()) out[name] = t.detach().clone();
  return out;
}

/// Names of the parameters that differ from `before`, split by role prefix.
std::pair<int, int> changed(Executor& e, const std::map<std::string, at::Tensor>& before) {
  int g = 0, d = 0;
  for (auto& [name, t] : e.params().named_parameters()) {
    if (at::equal(t.detach(), before.at(name))) continue;
    (name[0] == 'G' ? g : d) += 1;
  }
  return {g, d};
}

Data batch(int64_t seed) {
  return {at::rand({4, 1, 28, 28}, at::make_generator<at::CPUGeneratorImpl>(seed)) * 2 - 1, std::nullopt};
}

class GanSteps : public ::testing::Test {
 protected:
  void SetUp() override {
    compiled = compile(example_text("dcgan.gen"), kSmallGan);
    program = lower_first(*compiled);
    config.seed = 3;
  }
  /// The program with only step `index`.
  lower::TrainingProgram only(size_t index) {
    lower::TrainingProgram p = program;
    p.steps = {program.steps[index]};
    return p;
  }

  std::unique_ptr<Compiled> compiled;
  lower::TrainingProgram program;
  TrainConfig config;
};

TEST_F(GanSteps, DiscriminatorStepUpdatesOnlyDiscriminatorParameters) {
  Executor e(only(0), compiled->model(), config, at::kCPU);
  auto before = snapshot(e);
  e.train_iteration([] { return batch(1); });
  auto [g, d] = changed(e, before);
  EXPECT_EQ(g, 0);
  EXPECT_EQ(d, 8);
}

// (The G step reads the D step's fakes, so it runs after one: the D parameters after both
// steps are those after the D step alone, from the same seed and batch.)
TEST_F(GanSteps, GeneratorStepUpdatesOnlyGeneratorParameters) {
  Executor both(program, compiled->model(), config, at::kCPU), d_only(only(0), compiled->model(), config, at::kCPU);
  auto before = snapshot(both);
  both.train_iteration([] { return batch(1); });
  d_only.train_iteration([] { return batch(1); });
  auto [g, d] = changed(both, before);
  EXPECT_EQ(g, 10);
  EXPECT_EQ(d, 8);
  auto after_d = snapshot(d_only);
  int differ = 0;
  for (auto& [name, t] : both.params().named_parameters())
    if (name[0] == 'D' && !at::equal(t.detach(), after_d.at(name))) ++differ;
  EXPECT_EQ(differ, 0);
}

TEST_F(GanSteps, AnIterationRunsBothStepsAndEachCriticStepTakesABatch) {
  program.steps[0].repeat = 3;
  Executor e(program, compiled->model(), config, at::kCPU);
  auto before = snapshot(e);
  int batches = 0;
  std::vector<StepMetrics> m = e.train_iteration([&] { return batch(++batches); });
  EXPECT_EQ(batches, 3);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].step, "D");
  EXPECT_EQ(m[1].step, "G");
  EXPECT_EQ(m[0].names, (std::vector<std::string>{"loss", "real", "fake"}));
  for (const StepMetrics& s : m)
    for (double v : s.host()) EXPECT_TRUE(std::isfinite(v));
  auto [g, d] = changed(e, before);
  EXPECT_EQ(g, 10);
  EXPECT_EQ(d, 8);
}

TEST_F(GanSteps, SamplesHaveTheDataShapeAndDependOnlyOnTheSeed) {
  Executor e(program, compiled->model(), config, at::kCPU);
  Data a = e.sample(6, 17), b = e.sample(6, 17), c = e.sample(6, 18);
  EXPECT_EQ(a.x.sizes(), (at::IntArrayRef{6, 1, 28, 28}));
  EXPECT_TRUE(at::equal(a.x, b.x));
  EXPECT_FALSE(at::equal(a.x, c.x));
  EXPECT_LE(a.x.abs().max().item<double>(), 1.0);  // tanh output
}

/// A GAN small enough to train by hand: G(z) = W z + b; D(x) = v . tanh(A x + c) + d.
std::string tiny_gan(const std::string& loss) {
  return R"gen(
data d = moons(n: 64, noise: 0.1)
model gan(nz: 3) {
  generator G(z: [nz]) -> [2] {
    return linear(z, 2)
  }
  discriminator D(x: [2]) -> [1] {
    return x |> linear(4) |> tanh |> linear(1)
  }
  objective gan(loss: ")gen" + loss + R"gen(")
}
train gan on d { batch 8 }
)gen";
}

/// The batch mean of the per-example gan loss of scores `s` [B,1] for `target`, by hand.
at::Tensor hand_gan_loss(const std::string& loss, const at::Tensor& s, const std::string& target) {
  bool real = target != "fake";
  at::Tensor l;
  if (loss == "nonsaturating") l = at::softplus(real ? -s : s);
  if (loss == "hinge") l = target == "gen" ? -s : at::relu(real ? 1 - s : 1 + s);
  if (loss == "lsgan") l = 0.5 * (real ? (s - 1).pow(2) : s.pow(2));
  return l.sum(1).mean();
}

class GanIterationByHand : public ::testing::TestWithParam<std::string> {};

// One iteration with sgd(lr: 0.5) against the same iteration in LibTorch: D's update from
// the real batch and the fakes of the training stream's first draw, then G's update from
// D's score of those same fakes, D as its update left it, back-propagated into G. A G step
// that drew noise of its own, or scored with D before its update, gives other weights.
TEST_P(GanIterationByHand, TheGeneratorStepDifferentiatesTheDiscriminatorStepsFakes) {
  const std::string loss = GetParam();
  auto c = compile(tiny_gan(loss));
  lower::TrainingProgram p = lower_first(*c);
  TrainConfig config;
  config.seed = 11;
  config.optimizer.kind = "sgd";
  config.optimizer.lr = 0.5;
  config.optimizer.weight_decay = 0.0;
  Executor e(p, c->model(), config, at::kCPU);
  ParamStore& ps = e.params();
  const std::vector<std::pair<std::string, const char*>> names = {
      {"G.return.linear0", "weight"}, {"G.return.linear0", "bias"}, {"D.return.linear0", "weight"},
      {"D.return.linear0", "bias"},   {"D.return.linear1", "weight"}, {"D.return.linear1", "bias"}};
  std::vector<at::Tensor> w;  // leaves of the weights before the iteration, in `names` order
  for (const auto& [node, t] : names) w.push_back(P(ps, node, t).detach().clone().requires_grad_());
  at::Tensor x = at::randn({8, 2}, cpu_gen(1));
  e.train_iteration([&] { return Data{x, std::nullopt}; });

  auto d = [](const at::Tensor& in, const std::vector<at::Tensor>& v) {
    return at::linear(at::tanh(at::linear(in, v[0], v[1])), v[2], v[3]);
  };
  at::Tensor z = at::randn({8, 3}, cpu_gen(Executor::train_seed(config.seed)), at::kFloat);
  at::Tensor fake = at::linear(z, w[0], w[1]);
  std::vector<at::Tensor> dw(w.begin() + 2, w.end());
  at::Tensor d_loss = hand_gan_loss(loss, d(x, dw), "real") + hand_gan_loss(loss, d(fake.detach(), dw), "fake");
  std::vector<at::Tensor> d_grads = torch::autograd::grad({d_loss}, dw);
  std::vector<at::Tensor> d_after;
  for (size_t i = 0; i < dw.size(); ++i) d_after.push_back((dw[i] - 0.5 * d_grads[i]).detach());
  at::Tensor g_loss = hand_gan_loss(loss, d(fake, d_after), "gen");
  std::vector<at::Tensor> g_grads = torch::autograd::grad({g_loss}, {w[0], w[1]});

  for (size_t i = 0; i < 2; ++i)
    expect_close(P(ps, names[i].first, names[i].second).detach(), w[i].detach() - 0.5 * g_grads[i],
                 names[i].first + "." + names[i].second);
  for (size_t i = 2; i < names.size(); ++i)
    expect_close(P(ps, names[i].first, names[i].second).detach(), d_after[i - 2],
                 names[i].first + "." + names[i].second);
}

INSTANTIATE_TEST_SUITE_P(Losses, GanIterationByHand, ::testing::Values("nonsaturating", "hinge", "lsgan"));

// (With hinge, the critic's output bias can get an exactly zero gradient: -1 + 1.)
TEST(ConditionalGan, StepsReadTheLabelsAndTheSamplerDrawsThem) {
  auto c = compile(conditional_gan("lsgan"));
  lower::TrainingProgram p = lower_first(*c);
  TrainConfig config;
  Executor e(p, c->model(), config, at::kCPU);
  auto before = snapshot(e);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  Data batch{at::rand({8, 1, 28, 28}, gen) * 2 - 1, at::randint(10, {8}, gen, at::kLong)};
  std::vector<StepMetrics> m = e.train_iteration([&] { return batch; });
  ASSERT_EQ(m.size(), 2u);
  for (const StepMetrics& s : m) EXPECT_TRUE(std::isfinite(s.host()[0]));
  auto [g, d] = changed(e, before);
  EXPECT_EQ(g, 3);  // embed, linear (weight, bias)
  EXPECT_EQ(d, 5);  // embed, two linears
  Data s = e.sample(12, 1);
  ASSERT_TRUE(s.y.has_value());
  EXPECT_EQ(s.y->sizes(), (at::IntArrayRef{12}));
  EXPECT_GE(s.y->min().item<int64_t>(), 0);
  EXPECT_LT(s.y->max().item<int64_t>(), 10);
}

}  // namespace
}  // namespace genc::runtime::testing
