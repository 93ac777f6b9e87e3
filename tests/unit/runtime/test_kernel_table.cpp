// The op table reaches the kernels. ops.def's Kernel column drives make_kernel's switch, so
// an op without that column does not compile; these tests check what the build cannot:
//   - every op whose Kernel column names a family has an example node below (a minimal
//     node with valid operand types and attributes, checked by the IR verifier), and
//     make_kernel builds a kernel for it (with its parameters, for kParams ops) that runs
//     once on random operands and gives results of the node's types (batch rows aside);
//   - every op marked `slot` or `none` has no kernel: make_kernel is an internal error.
// Numerics are not checked here (test_kernel_gradients and test_plan_vs_eager do that).
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <map>
#include <string_view>

#include "compiler/ir/shape_fns.h"
#include "compiler/ir/verifier.h"
#include "compiler/support/diagnostics.h"
#include "runtime/kernels/kernel.h"
#include "runtime/param_init.h"

namespace genc::runtime {
namespace {

using ir::Op;

struct Row {
  Op op;
  std::string_view kernel;
};

const Row kTable[] = {
#define OP(id, spelling, inputs, outputs, flags, shape_fn, kernel) {Op::id, #kernel},
#include "compiler/ir/ops.def"
};

bool has_kernel(std::string_view kernel) { return kernel != "slot" && kernel != "none"; }

/// A minimal valid node of one op: its operands' types and its attributes.
struct Example {
  std::vector<ir::ValueType> inputs;
  ir::Attrs attrs;
};

ir::ValueType f32(std::vector<int64_t> dims) { return ir::ValueType::tensor(std::move(dims)); }

ir::ValueType i64(std::vector<int64_t> dims, int64_t classes) {
  ir::ValueType t = ir::ValueType::tensor(std::move(dims), ir::DType::I64);
  t.classes = classes;
  return t;
}

ir::Attrs text(const char* key, const char* value) { return {{key, std::string(value)}}; }

const std::map<Op, Example>& examples() {
  static const std::map<Op, Example> all = [] {
    ir::ValueType v = f32({3});
    std::map<Op, Example> e{
        {Op::Const, {{}, {{"value", 1.5}}}},
        {Op::Linear, {{v}, {{"out", int64_t{2}}}}},
        {Op::Conv, {{f32({2, 5, 5})}, {{"out", int64_t{3}}, {"k", int64_t{3}}}}},
        {Op::UpConv, {{f32({2, 4, 4})}, {{"out", int64_t{2}}, {"k", int64_t{2}}, {"s", int64_t{2}}}}},
        {Op::BatchNorm, {{v}, {}}},
        {Op::LayerNorm, {{f32({2, 3})}, {}}},
        {Op::GroupNorm, {{f32({4, 2, 2})}, {{"groups", int64_t{2}}}}},
        {Op::Embed, {{i64({3}, 5)}, {{"dim", int64_t{4}}}}},
        {Op::Position, {{}, {{"len", int64_t{3}}, {"dim", int64_t{4}}}}},
        {Op::Attention, {{f32({3, 4})}, {{"heads", int64_t{2}}}}},
        {Op::LeakyRelu, {{v}, {{"slope", 0.1}}}},
        {Op::Dropout, {{v}, {{"p", 0.5}}}},
        {Op::MatMul, {{f32({2, 3}), f32({3, 4})}, {}}},
        {Op::Flatten, {{f32({2, 3})}, {}}},
        {Op::Reshape, {{f32({2, 3})}, {{"shape", std::vector<int64_t>{3, 2}}}}},
        {Op::Concat, {{f32({2}), v}, {{"dim", int64_t{0}}}}},
        {Op::Split, {{f32({4})}, {{"parts", int64_t{2}}}}},
        {Op::Sum, {{f32({2, 3})}, {{"dims", std::vector<int64_t>{1}}}}},
        {Op::Mean, {{f32({2, 3})}, {}}},
        {Op::Upsample, {{f32({1, 2, 2})}, {}}},
        {Op::AvgPool, {{f32({1, 4, 4})}, {}}},
        {Op::Sinusoidal, {{i64({}, 0)}, {{"dim", int64_t{4}}}}},
        {Op::MaskSelect, {{f32({4})}, {{"mask", std::string("even")}, {"part", std::string("cond")}}}},
        {Op::AffineCoupling, {{f32({4}), f32({4})}, text("mask", "even")}},
        {Op::AdditiveCoupling, {{f32({4}), f32({2})}, text("mask", "odd")}},
        {Op::ActNorm, {{f32({2, 3})}, {}}},
        {Op::InvConv1x1, {{f32({2, 3})}, {}}},
        {Op::Permute, {{v}, {{"order", std::string("random")}, {"seed", int64_t{1}}}}},
        {Op::Squeeze, {{f32({1, 2, 2})}, {}}},
        {Op::Logit, {{v}, {}}},
        {Op::Dequantize, {{v}, {}}},
        {Op::AffineCouplingInv, {{f32({4}), f32({4})}, text("mask", "even")}},
        {Op::AdditiveCouplingInv, {{f32({4}), f32({2})}, text("mask", "odd")}},
        {Op::ActNormInv, {{f32({2, 3})}, {}}},
        {Op::InvConv1x1Inv, {{f32({2, 3})}, {}}},
        {Op::PermuteInv, {{v}, {{"order", std::string("random")}, {"seed", int64_t{1}}}}},
        {Op::Unsqueeze, {{f32({4, 1, 1})}, {}}},
        {Op::LogitInv, {{v}, {}}},
        {Op::DequantizeInv, {{v}, {}}},
        {Op::InvertibleStep, {{v, v, f32({})}, text("block", "step")}},
        {Op::FactorOut, {{f32({2, 2, 2})}, {}}},
        {Op::FactorOutInv, {{f32({1, 2, 2}), f32({1, 2, 2})}, {}}},
        {Op::Randn, {{}, {{"shape", std::vector<int64_t>{2}}}}},
        {Op::RandUniform, {{}, {{"shape", std::vector<int64_t>{2}}}}},
        {Op::RandLabel, {{}, {{"classes", int64_t{3}}}}},
        {Op::Detach, {{v}, {}}},
        {Op::GradInput, {{v}, {}}},
        {Op::RepeatBatch, {{v}, {{"times", int64_t{2}}}}},
        {Op::ReduceSamples, {{f32({})}, {{"times", int64_t{2}}, {"how", std::string("logmeanexp")}}}},
        {Op::Reparam, {{v, v, v}, {}}},
        {Op::KlStdNormal, {{v, v}, {}}},
        {Op::NormalLogpdf, {{v, v, v}, {}}},
        {Op::StdNormalLogpdf, {{v}, {}}},
        {Op::BernoulliNll, {{v, v}, {}}},
        {Op::GaussianNll, {{v, v, v}, {}}},
        {Op::CategoricalNll, {{f32({2, 4}), i64({2}, 4)}, {}}},
        {Op::ShiftRight, {{i64({3}, 4)}, {}}},
        {Op::StartTokens, {{}, {{"len", int64_t{3}}, {"classes", int64_t{4}}}}},
        {Op::SamplePosition, {{i64({3}, 4), f32({3, 4}), i64({}, 3)}, {{"top_k", int64_t{2}}, {"top_p", 0.9}}}},
        {Op::AtPosition, {{f32({3, 4}), i64({}, 3)}, {}}},
        {Op::KvCache, {{}, {{"heads", int64_t{2}}, {"len", int64_t{3}}, {"dim", int64_t{4}}}}},
        {Op::AttentionStep, {{f32({1, 4}), f32({2, 2, 3, 2}), i64({}, 3)}, {{"heads", int64_t{2}}}}},
        {Op::CategoricalMean, {{f32({2, 4})}, {}}},
        {Op::Correct, {{f32({4}), i64({}, 4)}, {}}},
        {Op::GanLoss, {{f32({1})}, {{"loss", std::string("hinge")}, {"target", std::string("real")}}}},
        {Op::GradPenalty, {{f32({1}), v}, {}}},
        {Op::ScheduleCoef, {{i64({}, 10)}, {{"schedule", std::string("cosine")}, {"steps", int64_t{10}},
                                            {"coef", std::string("min_snr_v")}}}},
        {Op::Clamp, {{v}, {{"lo", -1.0}, {"hi", 1.0}}}},
        {Op::ExpandBatch, {{v, v}, {}}},
        {Op::DropLabel, {{i64({}, 3)}, {{"p", 0.5}}}},
        {Op::GuidanceLabels, {{i64({}, 3)}, {}}},
        {Op::GuidanceMix, {{v}, {{"w", 3.0}}}},
    };
    for (Op op : {Op::Relu, Op::Gelu, Op::Silu, Op::Tanh, Op::Sigmoid, Op::Softplus, Op::Exp, Op::Log,
                  Op::Sqrt, Op::Sin, Op::Cos, Op::Neg})
      e[op] = {{v}, {}};
    for (Op op : {Op::Add, Op::Sub, Op::Mul, Op::Div}) e[op] = {{f32({2, 3}), v}, {{"symbol", std::string("+")}}};
    return e;
  }();
  return all;
}

/// Random operand rows of `t`: N(0,1) for f32, classes (or 0..9) for i64.
at::Tensor operand(const ir::ValueType& t, int64_t batch, at::Generator& gen) {
  std::vector<int64_t> shape{batch};
  shape.insert(shape.end(), t.dims.begin(), t.dims.end());
  if (t.dtype == ir::DType::I64) return at::randint(t.classes > 0 ? t.classes : 10, shape, gen, at::kLong);
  return at::randn(shape, gen, at::kFloat);
}

/// Builds the example's node in a graph of its own (operands are Input nodes), checks the
/// graph with the verifier, then builds and runs the node's kernel.
void build_and_run(Op op, const Example& example) {
  ir::Graph g;
  std::vector<ir::ValueRef> operands;
  for (size_t i = 0; i < example.inputs.size(); ++i) {
    ir::Node in;
    in.op = Op::Input;
    in.attrs = {{"index", static_cast<int64_t>(i)}};
    in.outputs = {example.inputs[i]};
    operands.push_back({g.add(std::move(in)), 0});
  }
  ir::ShapeResult r = ir::infer_shape(op, example.inputs, example.attrs);
  ASSERT_TRUE(r.ok) << "the example is ill-typed";
  ir::Node n;
  n.op = op;
  n.inputs = operands;
  n.outputs = r.outputs;
  n.attrs = example.attrs;
  if (ir::has_flag(op, ir::kParams)) n.name = "r." + std::string(ir::op_name(op));
  const ir::Node& node = g.node(g.add(std::move(n)));
  ASSERT_EQ(ir::verify(g), std::vector<std::string>{});

  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  ParamModule params;
  if (ir::has_flag(op, ir::kParams)) init_node_params(params, node, example.inputs, gen);
  KernelSpec spec{node, example.inputs, {}, {}, ir::has_flag(op, ir::kParams) ? &params : nullptr,
                  at::kCPU, 1, 1};
  int slots = 0;
  for (size_t i = 0; i < example.inputs.size(); ++i) spec.in.push_back(slots++);
  for (size_t i = 0; i < node.outputs.size(); ++i) spec.out.push_back(slots++);
  std::unique_ptr<Kernel> kernel = make_kernel(spec);
  ASSERT_NE(kernel, nullptr);

  const int64_t batch = 2;
  Frame frame;
  frame.slots.resize(static_cast<size_t>(slots));
  frame.batch = batch;
  frame.generator = &gen;
  for (size_t i = 0; i < example.inputs.size(); ++i) frame.slots[i] = operand(example.inputs[i], batch, gen);
  kernel->run(frame);
  for (size_t port = 0; port < node.outputs.size(); ++port) {
    const at::Tensor& t = frame.slots[static_cast<size_t>(spec.out[port])];
    ASSERT_TRUE(t.defined()) << "result " << port << " is not set";
    const ir::ValueType& want = node.outputs[port];
    EXPECT_EQ(t.sizes().slice(1).vec(), want.dims) << "result " << port << " is " << want.str();
    EXPECT_EQ(t.scalar_type(), want.dtype == ir::DType::I64 ? at::kLong : at::kFloat) << "result " << port;
  }
}

TEST(KernelTable, EveryOpWithAKernelBuildsOneThatRuns) {
  int checked = 0;
  for (const Row& row : kTable) {
    if (!has_kernel(row.kernel)) continue;
    SCOPED_TRACE(std::string(ir::op_name(row.op)) + " (kernel family " + std::string(row.kernel) + ")");
    auto it = examples().find(row.op);
    if (it == examples().end()) {
      ADD_FAILURE() << "no example node: add one to examples() in this file";
      continue;
    }
    try {
      build_and_run(row.op, it->second);
    } catch (const InternalError& e) {
      ADD_FAILURE() << e.message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(examples().size())) << "an example of an op without a kernel";
}

TEST(KernelTable, OpsWithoutAKernelAreInternalErrors) {
  for (const Row& row : kTable) {
    if (has_kernel(row.kernel)) continue;
    SCOPED_TRACE(ir::op_name(row.op));
    ir::Node n;
    n.op = row.op;
    EXPECT_THROW(make_kernel({n, {}, {}, {}, nullptr, at::kCPU, 1, 1}), InternalError);
  }
}

}  // namespace
}  // namespace genc::runtime
