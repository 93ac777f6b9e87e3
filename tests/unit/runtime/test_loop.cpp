// Loops in the plan: LoopRunner on small recurrences whose results are computed by hand
// (carried values bound by name, table columns per iteration, init and finish), the plan
// verifier's loop checks, and the loop's text form against a golden file.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "compiler/lower/graph_builder.h"
#include "compiler/lower/lower.h"
#include "compiler/lower/verify_plan.h"
#include "runtime/compat.h"
#include "runtime/loop_runner.h"
#include "tests/unit/runtime/exec_test_util.h"

namespace genc::runtime::testing {
namespace {

using ir::Op;
using lower::GraphBuilder;
using lower::IterationTable;
using lower::Loop;

const ir::ValueType kScalar = ir::ValueType::tensor({});

/// init: x = 1; step over a = [2, 3, 0.5]: x <- x * a + 1; finish: y = 2 x.
/// By hand: 1 -> 3 -> 10 -> 6, and y = 12.
Loop affine_recurrence() {
  Loop loop;
  loop.name = "affine";
  GraphBuilder init({});
  init.output("x", init.constant(1.0));
  loop.init = init.finish("init");
  GraphBuilder step({});
  ir::ValueRef x = step.input("x", kScalar);
  ir::ValueRef a = step.input("a", kScalar);
  step.output("x", lower::add(step, step.op(Op::Mul, {x, a}), step.constant(1.0)));
  loop.step = step.finish("step");
  loop.table.iterations = 3;
  loop.table.columns.push_back({"a", ir::DType::F32, {2.0, 3.0, 0.5}});
  GraphBuilder finish({});
  finish.output("y", lower::scale(finish, 2.0, finish.input("x", kScalar)));
  loop.finish = finish.finish("finish");
  return loop;
}

/// Fibonacci with two carried values whose outputs come in the other order than the
/// inputs, so only binding by name gives the right answer: (a, b) <- (b, a + b) from
/// (0, 1), ten times: a = F(10) = 55, b = F(11) = 89. No finish: the results are a, b.
Loop fibonacci() {
  Loop loop;
  loop.name = "fibonacci";
  GraphBuilder init({});
  init.output("a", init.constant(0.0));
  init.output("b", init.constant(1.0));
  loop.init = init.finish("init");
  GraphBuilder step({});
  ir::ValueRef a = step.input("a", kScalar);
  ir::ValueRef b = step.input("b", kScalar);
  step.output("b", lower::add(step, a, b));
  step.output("a", b);
  loop.step = step.finish("step");
  loop.table.iterations = 10;
  return loop;
}

lower::TrainingProgram program_with(Loop loop) {
  lower::TrainingProgram p;
  p.model = "toy";
  p.objective = "none";
  p.sample = std::move(loop);
  return p;
}

std::vector<double> run(const Loop& loop, int64_t n) {
  ir::Model model;
  ParamStore params(model, torch::kCPU, 0);
  LoopRunner runner(loop, params);
  at::Generator gen = compat::make_generator(torch::kCPU, 0);
  std::vector<double> out;
  for (const at::Tensor& t : runner.run(n, /*training=*/false, gen)) out.push_back(t.flatten()[0].item<double>());
  return out;
}

TEST(Loop, AnAffineRecurrenceReadsTheTableOncePerIteration) {
  Loop loop = affine_recurrence();
  EXPECT_TRUE(lower::verify_plan(program_with(loop)).empty());
  EXPECT_EQ(loop.results(), (std::vector<std::string>{"y"}));
  EXPECT_EQ(run(loop, 4), (std::vector<double>{12.0}));
}

TEST(Loop, CarriedValuesAreBoundByName) {
  Loop loop = fibonacci();
  EXPECT_TRUE(lower::verify_plan(program_with(loop)).empty());
  EXPECT_EQ(loop.carried(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(run(loop, 1), (std::vector<double>{55.0, 89.0}));
}

TEST(Loop, TheStepIsCompiledOnceAndRunsAgainForEachCall) {
  ir::Model model;
  ParamStore params(model, torch::kCPU, 0);
  LoopRunner runner(fibonacci(), params);
  at::Generator gen = compat::make_generator(torch::kCPU, 0);
  EXPECT_EQ(runner.iterations(), 10);
  for (int call = 0; call < 2; ++call) EXPECT_EQ(runner.run(1, false, gen)[0].item<double>(), 55.0);
}

TEST(Loop, TheVerifierRejectsBrokenLoops) {
  Loop unknown = affine_recurrence();
  unknown.table.columns[0].name = "b";  // the step reads "a", which nothing provides now
  std::vector<std::string> errs = lower::verify_plan(program_with(unknown));
  ASSERT_FALSE(errs.empty());
  EXPECT_NE(errs[0].find("input 'a' is neither carried nor in the table"), std::string::npos) << errs[0];

  Loop short_column = affine_recurrence();
  short_column.table.iterations = 4;
  errs = lower::verify_plan(program_with(short_column));
  ASSERT_FALSE(errs.empty());
  EXPECT_NE(errs[0].find("has 3 values for 4 iterations"), std::string::npos) << errs[0];

  Loop no_iterations = fibonacci();
  no_iterations.table.iterations = 0;
  errs = lower::verify_plan(program_with(no_iterations));
  ASSERT_FALSE(errs.empty());
  EXPECT_NE(errs[0].find("at least one iteration"), std::string::npos) << errs[0];
}

// The golden text of a loop plan: the step printed once, the table summarised. Rewrite
// it with GENC_UPDATE_GOLDEN=1 after a deliberate change of the plan's text form.
TEST(Loop, ThePlanPrintsTheStepOnceAndSummarisesTheTable) {
  Loop loop = affine_recurrence();
  loop.table.iterations = 8;
  loop.table.columns[0].values = {2.0, 3.0, 0.5, 1.0, 1.0, 1.0, 4.0, 0.25};
  loop.table.columns.push_back({"t", ir::DType::I64, {7, 6, 5, 4, 3, 2, 1, 0}});
  std::string text = lower::print_plan(program_with(loop));
  std::string path = std::string(GENC_GOLDEN_DIR) + "/loop_plan.expected";
  if (std::getenv("GENC_UPDATE_GOLDEN")) std::ofstream(path) << text;
  std::ifstream in(path);
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(text, want.str()) << "rewrite with GENC_UPDATE_GOLDEN=1 after a deliberate change";
}

}  // namespace
}  // namespace genc::runtime::testing

namespace genc::runtime::testing {
namespace {

/// The DDIM samples (x, one step, eta 0: no noise after init) of a conditional 2-D model
/// trained with cfg_dropout, untrained, at guidance `w`, all from seed 0.
at::Tensor guided_samples(double w) {
  std::unique_ptr<Compiled> c = compile(R"gen(model cdm() {
  schedule s = linear(steps: 10)
  denoiser eps(x: [2], t: time, y: label of 3) -> [2] {
    return concat(concat(x, sinusoidal(t, 8), 0), embed(y, 4), 0) |> linear(8) |> tanh |> linear(2)
  }
  objective denoise(cfg_dropout: 0.1)
  sampler ddim(steps: 1, guidance: 2.0)
}
)gen",
                                        {});
  ir::Model model = c->model();
  model.sampler->args["guidance"] = w;
  DiagnosticEngine diags;
  std::optional<lower::TrainingProgram> p = lower::lower(model, diags);
  EXPECT_TRUE(p.has_value()) << diags.render();
  ParamStore params(model, torch::kCPU, 0);
  LoopRunner runner(*p->sample, params);
  at::Generator gen = compat::make_generator(torch::kCPU, 0);
  return runner.run(6, /*training=*/false, gen).at(0);
}

// One step without noise and without clipping (x: [2]) is affine in the prediction, and
// the guided prediction u + w (c - u) is affine in w: so the samples at w = 0, 1, 3 lie
// on a line with x(3) - x(1) = 2 (x(1) - x(0)), which holds only if each example's
// conditional and null-label predictions of the one batched call are paired correctly.
TEST(Loop, GuidanceMixesTheConditionalAndNullLabelPredictionsOfOneBatchedCall) {
  at::Tensor x0 = guided_samples(0.0), x1 = guided_samples(1.0), x3 = guided_samples(3.0);
  ASSERT_EQ(x1.sizes(), (std::vector<int64_t>{6, 2}));
  EXPECT_GT((x1 - x0).abs().max().item<double>(), 1e-4);  // the null class predicts otherwise
  EXPECT_TRUE(at::allclose(x3 - x1, 2.0 * (x1 - x0), 1e-4, 1e-5)) << x0 << x1 << x3;
}

}  // namespace
}  // namespace genc::runtime::testing
