// Lowering tests: the structure of the TrainingPrograms of LANGUAGE.md's VAE and DCGAN and
// of GAN/classifier variants, the plan text, and the diagnostics of objectives that
// cannot be lowered.
#include <gtest/gtest.h>

#include <algorithm>

#include "compiler/ir/verifier.h"
#include "compiler/lower/step_handoff.h"
#include "compiler/lower/verify_plan.h"
#include "tests/unit/runtime/exec_test_util.h"

namespace genc::runtime::testing {
namespace {

using ir::Op;

size_t count(const ir::Graph& g, Op op) { return g.find(op).size(); }

bool has_param(const ir::Graph& g, const std::string& prefix) {
  for (ir::NodeId id : g.ids())
    if (g.node(id).name.rfind(prefix, 0) == 0) return true;
  return false;
}

const std::vector<std::pair<std::string, std::string>> kSmallVae = {{"vae.latent", "4"}, {"vae.hidden", "16"}};
const std::vector<std::pair<std::string, std::string>> kSmallGan = {{"dcgan.nz", "8"}, {"dcgan.ch", "4"}};

TEST(Lower, VaeHasOneElboStepEvalAndSample) {
  auto c = compile(example_text("vae_fashion.gen"), kSmallVae);
  lower::TrainingProgram p = lower_first(*c);
  ASSERT_EQ(p.steps.size(), 1u);
  const lower::Step& s = p.steps[0];
  EXPECT_EQ(s.name, "elbo");
  EXPECT_EQ(s.optimizer, "model");
  EXPECT_EQ(s.repeat, 1);
  EXPECT_EQ(s.outputs, (std::vector<std::string>{"loss", "recon", "kl"}));
  EXPECT_TRUE(s.reads("x"));
  EXPECT_FALSE(s.reads("y"));
  EXPECT_EQ(count(s.graph, Op::Randn), 1u);
  EXPECT_EQ(count(s.graph, Op::Reparam), 1u);
  EXPECT_EQ(count(s.graph, Op::BernoulliNll), 1u);
  EXPECT_EQ(count(s.graph, Op::KlStdNormal), 1u);
  EXPECT_EQ(count(s.graph, Op::Gaussian) + count(s.graph, Op::Bernoulli), 0u) << "distributions are taken apart";
  EXPECT_TRUE(ir::verify(s.graph).empty());

  ASSERT_EQ(p.optimizers.size(), 1u);
  EXPECT_EQ(p.optimizers[0].roles, (std::vector<std::string>{"q", "p"}));
  EXPECT_EQ(p.optimizers[0].params.size(), 5u);  // q: 3 linears, p: 2
  EXPECT_TRUE(std::is_sorted(p.optimizers[0].params.begin(), p.optimizers[0].params.end()));

  ASSERT_TRUE(p.eval.has_value());
  EXPECT_EQ(p.eval->outputs, (std::vector<std::string>{"loss", "elbo", "recon", "kl", "bpd"}));
  ASSERT_TRUE(p.sample.has_value());
  EXPECT_FALSE(p.sample->init.reads("x"));
  EXPECT_EQ(count(p.sample->init.graph, Op::Sigmoid), 1u);
  EXPECT_EQ(p.sample->init.graph.type(p.sample->init.graph.node(p.sample->init.graph.find(Op::Output)[0]).inputs[0]).dims,
            (std::vector<int64_t>{1, 28, 28}));
}

TEST(Lower, ElboSamplesAndImportanceWeightedEval) {
  std::string text = example_text("vae_fashion.gen");
  text.replace(text.find("elbo(beta: 1.0)"), 15, "elbo(beta: 0.5, samples: 3, iw: 8)");
  auto c = compile(text, kSmallVae);
  lower::TrainingProgram p = lower_first(*c);
  const ir::Graph& g = p.steps[0].graph;
  EXPECT_EQ(count(g, Op::RepeatBatch), 3u);  // mean, logvar and x, three times each
  ASSERT_EQ(count(g, Op::ReduceSamples), 1u);
  EXPECT_EQ(ir::attr_int(g.node(g.find(Op::ReduceSamples)[0]).attrs, "times"), 3);
  EXPECT_EQ(count(g, Op::Mul), 1u) << "beta scales the KL term";
  ASSERT_TRUE(p.eval.has_value());
  EXPECT_EQ(p.eval->outputs.back(), "iw_elbo");
  EXPECT_EQ(count(p.eval->graph, Op::NormalLogpdf), 1u);
  EXPECT_EQ(count(p.eval->graph, Op::StdNormalLogpdf), 1u);
  EXPECT_TRUE(ir::verify(p.eval->graph).empty());
}

TEST(Lower, DcganAlternatesDiscriminatorAndGeneratorSteps) {
  auto c = compile(example_text("dcgan.gen"), kSmallGan);
  lower::TrainingProgram p = lower_first(*c);
  ASSERT_EQ(p.steps.size(), 2u);
  const lower::Step& d = p.steps[0];
  const lower::Step& g = p.steps[1];
  EXPECT_EQ(d.name, "D");
  EXPECT_EQ(d.optimizer, "D");
  EXPECT_EQ(g.name, "G");
  EXPECT_EQ(g.optimizer, "G");
  EXPECT_TRUE(d.reads("x"));
  EXPECT_FALSE(g.reads("x"));
  EXPECT_EQ(count(d.graph, Op::Detach), 1u);
  EXPECT_EQ(count(d.graph, Op::GanLoss), 2u);
  EXPECT_EQ(count(g.graph, Op::GanLoss), 1u);
  EXPECT_EQ(count(g.graph, Op::Detach), 0u);
  EXPECT_TRUE(has_param(d.graph, "G.") && has_param(d.graph, "D."));
  // G runs forward once, in the D step, which hands its fakes to the G step.
  EXPECT_TRUE(!has_param(g.graph, "G.") && has_param(g.graph, "D."));
  EXPECT_EQ(d.outputs, (std::vector<std::string>{"loss", "real", "fake", "generated"}));
  EXPECT_EQ(g.inputs, (std::vector<std::string>{"D.generated"}));
  EXPECT_TRUE(lower::handed_on(p, 0, "generated"));
  EXPECT_FALSE(lower::handed_on(p, 0, "fake"));
  EXPECT_EQ(lower::recorded_params(p, 0).size(), p.optimizers[0].params.size() + p.optimizers[1].params.size());
  EXPECT_EQ(lower::recorded_params(p, 1).size(), p.optimizers[1].params.size());
  ASSERT_EQ(p.optimizers.size(), 2u);
  for (const lower::OptimizerGroup& group : p.optimizers) {
    ASSERT_EQ(group.roles.size(), 1u);
    for (const std::string& param : group.params) EXPECT_EQ(param.substr(0, 2), group.roles[0] + ".");
  }
  EXPECT_FALSE(p.eval.has_value());
  ASSERT_TRUE(p.sample.has_value());
  EXPECT_EQ(count(p.sample->init.graph, Op::Randn), 1u);
  EXPECT_TRUE(ir::verify(d.graph).empty());
  EXPECT_TRUE(ir::verify(g.graph).empty());
}

TEST(Lower, WganGpAddsAGradientPenaltyAndRepeatsTheCritic) {
  std::string text = example_text("dcgan.gen");
  text.replace(text.find("gan(loss: \"nonsaturating\")"), 26, "gan(loss: \"wgan-gp\", d_steps: 5, gp: 10.0)");
  auto c = compile(text, kSmallGan);
  lower::TrainingProgram p = lower_first(*c);
  const lower::Step& d = p.steps[0];
  EXPECT_EQ(d.repeat, 5);
  EXPECT_EQ(count(d.graph, Op::GradInput), 1u);
  EXPECT_EQ(count(d.graph, Op::GradPenalty), 1u);
  EXPECT_EQ(count(d.graph, Op::RandUniform), 1u);
  EXPECT_EQ(d.outputs, (std::vector<std::string>{"loss", "real", "fake", "gp", "generated"}));
  for (ir::NodeId id : d.graph.find(Op::GanLoss)) EXPECT_EQ(ir::attr_string(d.graph.node(id).attrs, "loss"), "wgan-gp");
}

// Every loss: the G step draws no noise (nor labels) of its own.
TEST(Lower, TheGeneratorStepDrawsNothing) {
  for (const char* loss : {"nonsaturating", "hinge", "wgan-gp", "lsgan"}) {
    auto c = compile(conditional_gan(loss));
    lower::TrainingProgram p = lower_first(*c);
    const lower::Step& g = p.steps.at(1);
    for (Op op : {Op::Randn, Op::RandUniform, Op::RandLabel, Op::Dropout}) EXPECT_EQ(count(g.graph, op), 0u) << loss;
    EXPECT_TRUE(g.reads("D.generated")) << loss;
  }
}

TEST(Lower, TheVerifierChecksWhatAStepIsHanded) {
  auto c = compile(example_text("dcgan.gen"), kSmallGan);
  lower::TrainingProgram p = lower_first(*c);
  EXPECT_TRUE(lower::verify_plan(p).empty());
  auto rename = [](lower::TrainingProgram q, const std::string& name) {
    lower::Step& g = q.steps.at(1);
    g.inputs[0] = name;
    ir::Node& n = g.graph.node(g.graph.find(Op::Input).at(0));
    n.attrs["name"] = ir::Attr(name);
    return lower::verify_plan(q);
  };
  for (const char* bad : {"D.nothing", "G.generated", "E.generated"}) {
    std::vector<std::string> errs = rename(p, bad);
    ASSERT_EQ(errs.size(), 2u) << bad;  // the input, and D's generated, now no metric of f32[]
    EXPECT_NE(errs[0].find("output 'generated' is f32[1,28,28], not one f32[] per example"), std::string::npos)
        << errs[0];
    EXPECT_NE(errs[1].find("G: input '" + std::string(bad) + "' names no output of an earlier step"),
              std::string::npos) << errs[1];
  }
  std::vector<std::string> errs = rename(p, "D.loss");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_NE(errs[1].find("G: input 'D.loss' is the loss of step D"), std::string::npos) << errs[1];
  errs = rename(p, "D.real");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_NE(errs[1].find("G: input 'D.real' is f32[1,28,28], but step D makes f32[]"), std::string::npos) << errs[1];
}

TEST(Lower, ConditionalGanFeedsDataLabelsAndSamplesLabels) {
  auto c = compile(conditional_gan("hinge"));
  lower::TrainingProgram p = lower_first(*c);
  EXPECT_TRUE(p.steps[0].reads("y"));
  EXPECT_TRUE(p.steps[1].reads("y"));
  EXPECT_FALSE(p.steps[1].reads("x"));
  ASSERT_TRUE(p.sample.has_value());
  EXPECT_EQ(p.sample->init.outputs, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(count(p.sample->init.graph, Op::RandLabel), 1u);
}

const char* kClassifier = R"gen(
data fashion = fashion_mnist(split: "train")
model net(hidden: 16) {
  discriminator C(x: [1,28,28]) -> [10] {
    return x |> flatten |> linear(hidden) |> relu |> linear(10)
  }
  objective classify
}
train net on fashion { batch 16  optimizer sgd(lr: 0.1) }
)gen";

TEST(Lower, ClassifyReportsLossAndAccuracy) {
  auto c = compile(kClassifier);
  lower::TrainingProgram p = lower_first(*c);
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].outputs, (std::vector<std::string>{"loss", "accuracy"}));
  EXPECT_TRUE(p.steps[0].reads("y"));
  EXPECT_EQ(count(p.steps[0].graph, Op::CategoricalNll), 1u);
  ASSERT_TRUE(p.eval.has_value());
  EXPECT_FALSE(p.sample.has_value());
}

TEST(Lower, PlanTextIsDeterministicAndNamesEveryPart) {
  auto c = compile(example_text("dcgan.gen"), kSmallGan);
  std::string a = lower::print_plan(lower_first(*c));
  std::string b = lower::print_plan(lower_first(*c));
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("plan dcgan objective gan\n"), std::string::npos) << a;
  EXPECT_NE(a.find("optimizer D roles [D] params [\"D."), std::string::npos) << a;
  EXPECT_NE(a.find("step D optimizer D repeat 1 inputs [x] outputs [loss, real, fake, generated] {"), std::string::npos) << a;
  EXPECT_NE(a.find("step G optimizer G repeat 1 inputs [D.generated] outputs [loss] {"), std::string::npos) << a;
  EXPECT_NE(a.find("sampler sample results [x] {\n  init inputs [] outputs [x] {"), std::string::npos) << a;
  EXPECT_NE(a.find(" = detach %"), std::string::npos) << a;
  EXPECT_NE(a.find("gan_loss %"), std::string::npos) << a;
}

TEST(Lower, ObjectivesWithoutATrainingLoopAreDiagnosed) {
  auto c = compile(example_text("vae_fashion.gen"), kSmallVae);
  ir::Model model = c->model();
  model.objective->name = "nll";
  model.objective->args.clear();
  DiagnosticEngine diags;
  EXPECT_FALSE(lower::lower(model, diags).has_value());
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].kind, DiagKind::NoTrainingLoop);
  EXPECT_EQ(diags.diagnostics()[0].message, "objective 'nll' has no generated training loop for the roles of this model");
  EXPECT_TRUE(diags.diagnostics()[0].range.valid());
}

}  // namespace
}  // namespace genc::runtime::testing
