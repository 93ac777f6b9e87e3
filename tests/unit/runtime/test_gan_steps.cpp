// GAN steps through the Executor: the D step changes only the discriminator's parameters,
// the G step only the generator's; d_steps takes a fresh batch per critic step.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <map>

#include "runtime/executor.h"
#include "tests/unit/runtime/exec_test_util.h"

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

TEST_F(GanSteps, GeneratorStepUpdatesOnlyGeneratorParameters) {
  Executor e(only(1), compiled->model(), config, at::kCPU);
  auto before = snapshot(e);
  e.train_iteration([] { return batch(1); });
  auto [g, d] = changed(e, before);
  EXPECT_EQ(g, 10);
  EXPECT_EQ(d, 0);
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
