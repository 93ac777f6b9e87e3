// Finite-difference gradient checks, in double precision, of the executor's kernels: each
// test compiles a small graph, and compares autograd's gradients of sum(out * w) with
// respect to the inputs and every parameter with central differences.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>

#include <set>

#include "runtime/compiled_graph.h"
#include "tests/unit/runtime/exec_test_util.h"

namespace genc::runtime::testing {
namespace {

using ir::Op;

struct Options {
  bool training = true;
  /// Inputs that are not differentiated (labels, class ids).
  std::set<size_t> constant_inputs;
};

/// Checks d sum(out * w) / d (inputs, parameters) of `m.graph` at `inputs`.
void check_gradients(const GraphMaker& m, std::vector<at::Tensor> inputs, Options opt = {}) {
  ir::Model model;
  model.name = "check";
  ir::Function role;
  role.role = "encoder";
  role.name = "r";
  role.graph = m.graph;
  model.roles.push_back(role);
  ParamStore store(model, at::kCPU, 7);
  store.root().to(at::kDouble);

  lower::Routine routine{"check", m.graph, m.input_names(), {"out0"}};
  std::set<std::string> trainable;
  for (ir::NodeId id : m.graph.ids())
    if (ir::has_flag(m.graph.node(id).op, ir::kParams)) trainable.insert(m.graph.node(id).name);
  CompiledGraph graph(routine, store, &trainable, std::set<std::string>(routine.inputs.begin(), routine.inputs.end()));
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);

  std::vector<at::Tensor> leaves;
  std::vector<std::string> names;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (opt.constant_inputs.count(i)) continue;
    inputs[i] = inputs[i].to(at::kDouble).detach().requires_grad_(true);
    leaves.push_back(inputs[i]);
    names.push_back("input " + std::to_string(i));
  }
  for (auto& [name, p] : store.named_parameters()) {
    leaves.push_back(p);
    names.push_back(name);
  }
  int64_t batch = inputs.empty() ? 3 : inputs[0].size(0);
  at::Tensor w;
  auto f = [&]() {
    graph.run(inputs, batch, opt.training, gen);
    at::Tensor out = graph.output(0);
    if (!w.defined()) w = at::randn(out.sizes(), at::make_generator<at::CPUGeneratorImpl>(11), at::kDouble);
    return (out * w).sum();
  };
  std::vector<at::Tensor> analytic = torch::autograd::grad({f()}, leaves, {}, false, false, /*allow_unused=*/true);
  const double eps = 1e-6;
  for (size_t l = 0; l < leaves.size(); ++l) {
    at::Tensor flat = leaves[l].detach().view(-1);
    at::Tensor a = analytic[l].defined() ? analytic[l].reshape(-1) : at::zeros_like(flat);
    int64_t n = std::min<int64_t>(flat.numel(), 24);
    for (int64_t i = 0; i < n; ++i) {
      int64_t k = i * flat.numel() / n;  // spread the checked entries
      double orig = flat[k].item<double>();
      flat[k].fill_(orig + eps);
      double plus = f().item<double>();
      flat[k].fill_(orig - eps);
      double minus = f().item<double>();
      flat[k].fill_(orig);
      double numeric = (plus - minus) / (2 * eps);
      EXPECT_NEAR(a[k].item<double>(), numeric, 1e-5 * std::max(1.0, std::abs(numeric)))
          << names[l] << " entry " << k;
    }
  }
}

at::Tensor randn(std::vector<int64_t> shape, uint64_t seed = 1) {
  return at::randn(shape, at::make_generator<at::CPUGeneratorImpl>(seed), at::kDouble);
}

TEST(KernelGradients, LinearWithEveryFusedActivation) {
  for (const char* act : {"", "relu", "leaky_relu", "gelu", "silu", "tanh", "sigmoid", "softplus"}) {
    SCOPED_TRACE(act);
    GraphMaker m;
    ir::Attrs attrs{{"out", int64_t{4}}};
    if (*act) attrs["act"] = std::string(act);
    if (std::string(act) == "leaky_relu") attrs["slope"] = 0.1;
    m.output(m.op(Op::Linear, {m.input(f32({5}), 0)}, attrs, "r.h.linear0"));
    check_gradients(m, {randn({3, 5})});
  }
}

TEST(KernelGradients, LinearOnSequencesAndWithoutBias) {
  GraphMaker m;
  m.output(m.op(Op::Linear, {m.input(f32({2, 5}), 0)}, {{"out", int64_t{3}}, {"bias", false}, {"act", std::string("relu")}},
                "r.h.linear0"));
  check_gradients(m, {randn({3, 2, 5})});
}

TEST(KernelGradients, SpectralNormLinearAndConv) {
  GraphMaker m;
  ir::ValueRef h = m.op(Op::Conv, {m.input(f32({2, 5, 5}), 0)},
                        {{"out", int64_t{3}}, {"k", int64_t{3}}, {"spectral_norm", true}}, "r.h.conv0");
  m.output(m.op(Op::Linear, {m.op(Op::Flatten, {h})}, {{"out", int64_t{2}}, {"spectral_norm", true}}, "r.h.linear0"));
  check_gradients(m, {randn({2, 2, 5, 5})}, {/*training=*/false, {}});
}

TEST(KernelGradients, ConvUpconvOneAndTwoDimensional) {
  GraphMaker m;
  ir::ValueRef h = m.op(Op::Conv, {m.input(f32({2, 6, 6}), 0)},
                        {{"out", int64_t{3}}, {"k", int64_t{4}}, {"s", int64_t{2}}, {"p", int64_t{1}},
                         {"act", std::string("leaky_relu")}, {"slope", 0.2}},
                        "r.h.conv0");
  h = m.op(Op::UpConv, {h}, {{"out", int64_t{2}}, {"k", int64_t{4}}, {"s", int64_t{2}}, {"p", int64_t{1}}}, "r.h.upconv0");
  ir::ValueRef seq = m.op(Op::Reshape, {h}, {{"shape", std::vector<int64_t>{2, 36}}});
  seq = m.op(Op::Conv, {seq}, {{"out", int64_t{2}}, {"k", int64_t{3}}, {"p", int64_t{1}}}, "r.h.conv1");
  m.output(m.op(Op::UpConv, {seq}, {{"out", int64_t{1}}, {"k", int64_t{2}}, {"s", int64_t{2}}}, "r.h.upconv1"));
  check_gradients(m, {randn({2, 2, 6, 6})});
}

TEST(KernelGradients, Normalisations) {
  GraphMaker m;
  ir::ValueRef x = m.input(f32({4, 3, 3}), 0);
  ir::ValueRef h = m.op(Op::BatchNorm, {x}, {}, "r.h.batchnorm0");
  h = m.op(Op::GroupNorm, {h}, {{"groups", int64_t{2}}}, "r.h.groupnorm0");
  h = m.op(Op::LayerNorm, {h}, {}, "r.h.layernorm0");
  ir::ValueRef v = m.op(Op::BatchNorm, {m.op(Op::Flatten, {h})}, {}, "r.h.batchnorm1");
  m.output(v);
  check_gradients(m, {randn({4, 4, 3, 3})});
}

TEST(KernelGradients, BatchNormInEvalModeUsesRunningStatistics) {
  GraphMaker m;
  m.output(m.op(Op::BatchNorm, {m.input(f32({3}), 0)}, {}, "r.h.batchnorm0"));
  check_gradients(m, {randn({4, 3})}, {/*training=*/false, {}});
}

TEST(KernelGradients, EmbedPositionAttention) {
  ir::ValueType tokens = ir::ValueType::tensor({4}, ir::DType::I64);
  tokens.classes = 5;
  for (bool causal : {false, true}) {
    SCOPED_TRACE(causal);
    GraphMaker m;
    ir::ValueRef h = m.op(Op::Add, {m.op(Op::Embed, {m.input(tokens, 0)}, {{"dim", int64_t{6}}}, "r.h.embed0"),
                                    m.op(Op::Position, {}, {{"len", int64_t{4}}, {"dim", int64_t{6}}}, "r.h.position0")});
    m.output(m.op(Op::Attention, {h}, {{"heads", int64_t{2}}, {"causal", causal}}, "r.h.attention0"));
    check_gradients(m, {at::tensor({0, 1, 4, 2, 3, 3, 1, 0}, at::kLong).view({2, 4})}, {true, {0}});
  }
}

TEST(KernelGradients, AttentionDropoutDropsProbabilitiesOnlyInTraining) {
  auto run = [](double p, bool training, uint64_t seed) {
    GraphMaker m;
    m.output(m.op(Op::Attention, {m.input(f32({5, 4}), 0)}, {{"heads", int64_t{2}}, {"causal", true}, {"dropout", p}},
                  "r.h.attention0"));
    ir::Model model;
    ir::Function role;
    role.role = "encoder";
    role.name = "r";
    role.graph = m.graph;
    model.roles.push_back(role);
    ParamStore store(model, at::kCPU, 7);
    CompiledGraph graph(lower::Routine{"check", m.graph, m.input_names(), {"out0"}}, store, nullptr);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    graph.run({randn({3, 5, 4}).to(at::kFloat)}, 3, training, gen);
    return graph.output(0).clone();
  };
  at::Tensor plain = run(0.0, true, 1);
  EXPECT_TRUE(at::allclose(run(0.5, false, 1), plain)) << "eval: no dropout";
  at::Tensor a = run(0.5, true, 1), b = run(0.5, true, 2);
  EXPECT_FALSE(at::allclose(a, plain, 1e-3, 1e-3)) << "training: dropped probabilities change the output";
  EXPECT_FALSE(at::allclose(a, b, 1e-3, 1e-3)) << "another seed drops others";
  EXPECT_TRUE(at::allclose(run(0.5, true, 1), a)) << "the frame's generator decides";
}

TEST(KernelGradients, CrossAttentionWithAContextOfAnotherWidth) {
  GraphMaker m;
  m.output(m.op(Op::Attention, {m.input(f32({3, 4}), 0), m.input(f32({5, 6}), 1)}, {{"heads", int64_t{2}}},
                "r.h.attention0"));
  check_gradients(m, {randn({2, 3, 4}), randn({2, 5, 6}, 2)});
}

TEST(KernelGradients, ElementwiseAndBroadcasting) {
  GraphMaker m;
  ir::ValueRef x = m.input(f32({2, 3}), 0);
  ir::ValueRef y = m.input(f32({3}), 1);  // broadcast against [2,3] per example
  ir::ValueRef pos = m.op(Op::Add, {m.op(Op::Exp, {x}), m.op(Op::Sqrt, {m.op(Op::Exp, {y})})});
  ir::ValueRef h = m.op(Op::Mul, {m.op(Op::Log, {pos}), m.op(Op::Sin, {y})});
  h = m.op(Op::Sub, {h, m.op(Op::Cos, {m.op(Op::Neg, {x})})});
  h = m.op(Op::Div, {h, pos});
  for (Op act : {Op::Relu, Op::LeakyRelu, Op::Gelu, Op::Silu, Op::Tanh, Op::Sigmoid, Op::Softplus})
    h = m.op(Op::Add, {h, m.op(act, {x}, act == Op::LeakyRelu ? ir::Attrs{{"slope", 0.3}} : ir::Attrs{})});
  m.output(h);
  check_gradients(m, {randn({3, 2, 3}), randn({3, 3}, 2)});
}

TEST(KernelGradients, MatMulOfVectorsMatricesAndStacks) {
  GraphMaker m;
  ir::ValueRef v = m.input(f32({4}), 0);
  ir::ValueRef a = m.input(f32({2, 4, 3}), 1);
  ir::ValueRef va = m.op(Op::MatMul, {v, a});                      // [2,3]
  ir::ValueRef av = m.op(Op::MatMul, {m.op(Op::Reshape, {va}, {{"shape", std::vector<int64_t>{3, 2}}}),
                                      m.op(Op::Sum, {a}, {{"dims", std::vector<int64_t>{1}}})});  // [3,3]
  m.output(m.op(Op::MatMul, {av, m.op(Op::Mean, {a}, {{"dims", std::vector<int64_t>{0, 1}}})}));  // [3]
  check_gradients(m, {randn({2, 4}), randn({2, 2, 4, 3}, 2)});
}

TEST(KernelGradients, ShapeOps) {
  GraphMaker m;
  ir::ValueRef x = m.input(f32({2, 4, 4}), 0);
  ir::ValueRef up = m.op(Op::Upsample, {x}, {{"factor", int64_t{2}}});
  ir::ValueRef down = m.op(Op::AvgPool, {up}, {{"factor", int64_t{2}}});
  ir::ValueRef cat = m.op(Op::Concat, {down, x}, {{"dim", int64_t{0}}});
  ir::ValueRef split = m.op(Op::Split, {cat}, {{"parts", int64_t{2}}, {"dim", int64_t{-1}}});
  ir::ValueRef second{split.node, 1};
  ir::ValueRef h = m.op(Op::Mul, {split, second});
  m.output(m.op(Op::Sum, {m.op(Op::Flatten, {h})}));
  check_gradients(m, {randn({2, 2, 4, 4})});
}

TEST(KernelGradients, VaeLosses) {
  GraphMaker m;
  ir::ValueRef mean = m.input(f32({3}), 0);
  ir::ValueRef logvar = m.input(f32({3}), 1);
  ir::ValueRef eps = m.op(Op::Mul, {mean, logvar});  // any smooth third operand
  ir::ValueRef z = m.op(Op::Reparam, {mean, logvar, eps});
  ir::ValueRef sum = m.op(Op::Add, {m.op(Op::KlStdNormal, {mean, logvar}), m.op(Op::NormalLogpdf, {z, mean, logvar})});
  sum = m.op(Op::Add, {sum, m.op(Op::StdNormalLogpdf, {z})});
  sum = m.op(Op::Add, {sum, m.op(Op::BernoulliNll, {z, m.op(Op::Sigmoid, {mean})})});
  sum = m.op(Op::Add, {sum, m.op(Op::GaussianNll, {mean, logvar, z})});
  m.output(sum);
  check_gradients(m, {randn({4, 3}), randn({4, 3}, 2)});
}

TEST(KernelGradients, CategoricalLossAndMean) {
  GraphMaker m;
  ir::ValueRef logits = m.input(f32({2, 4}), 0);
  ir::ValueRef target = m.input(f32({2}), 1);  // values in [0,1], quantised to 4 levels
  m.output(m.op(Op::Add, {m.op(Op::CategoricalNll, {logits, target}),
                          m.op(Op::Sum, {m.op(Op::CategoricalMean, {logits})})}));
  check_gradients(m, {randn({3, 2, 4}), at::rand({3, 2}, at::kDouble)}, {true, {1}});
}

TEST(KernelGradients, GanLossesOfEveryKind) {
  for (const char* loss : {"nonsaturating", "hinge", "wgan-gp", "lsgan"}) {
    for (const char* target : {"real", "fake", "gen"}) {
      SCOPED_TRACE(std::string(loss) + " " + target);
      GraphMaker m;
      m.output(m.op(Op::GanLoss, {m.input(f32({1}), 0)}, {{"loss", std::string(loss)}, {"target", std::string(target)}}));
      check_gradients(m, {randn({5, 1}) * 2});
    }
  }
}

TEST(KernelGradients, GradientPenaltyIsDifferentiable) {
  GraphMaker m;
  ir::ValueRef at = m.op(Op::GradInput, {m.input(f32({3}), 0)});
  ir::ValueRef score = m.op(Op::Linear, {m.op(Op::Linear, {at}, {{"out", int64_t{4}}, {"act", std::string("tanh")}}, "r.h.linear0")},
                            {{"out", int64_t{1}}}, "r.h.linear1");
  m.output(m.op(Op::GradPenalty, {score, at}));
  // grad_input cuts the path to its operand (as in WGAN-GP, where x_hat is a fresh leaf).
  check_gradients(m, {randn({3, 3})}, {true, {0}});
}

TEST(KernelGradients, RepeatAndReduceSamples) {
  for (const char* how : {"mean", "logmeanexp"}) {
    SCOPED_TRACE(how);
    GraphMaker m;
    ir::ValueRef r = m.op(Op::RepeatBatch, {m.input(f32({2}), 0)}, {{"times", int64_t{3}}});
    ir::ValueRef per = m.op(Op::Sum, {m.op(Op::Mul, {r, m.op(Op::Sin, {r})})});
    m.output(m.op(Op::ReduceSamples, {per}, {{"times", int64_t{3}}, {"how", std::string(how)}}));
    check_gradients(m, {randn({2, 2})});
  }
}

/// y + logdet of an invertible step's (y, logdet) results, as one f32[] per example.
ir::ValueRef y_plus_logdet(GraphMaker& m, ir::ValueRef step) {
  return m.op(Op::Add, {m.op(Op::Sum, {step}), ir::ValueRef{step.node, 1}});
}

TEST(KernelGradients, Couplings) {
  for (const char* mask : {"even", "odd", "checker", "channel"}) {
    for (Op coupling : {Op::AffineCoupling, Op::AdditiveCoupling}) {
      SCOPED_TRACE(std::string(mask) + " " + std::string(ir::op_name(coupling)));
      GraphMaker m;
      ir::ValueRef x = m.input(f32({2, 2, 3}), 0);
      ir::Attrs mk{{"mask", std::string(mask)}};
      ir::Attrs cond = mk;
      cond["part"] = std::string("cond");
      ir::ValueRef c = m.op(Op::Flatten, {m.op(Op::MaskSelect, {x}, cond)});
      int64_t rest = 12 - 12 / 2;  // every mask splits [2,2,3] into 6 + 6
      ir::ValueRef o = m.op(Op::Linear, {c}, {{"out", coupling == Op::AffineCoupling ? 2 * rest : rest}}, "r.f.linear0");
      m.output(y_plus_logdet(m, m.op(coupling, {x, o}, mk)));
      check_gradients(m, {randn({3, 2, 2, 3})});
    }
  }
}

TEST(KernelGradients, ImageCouplingsWithConvNetsAndBothScales) {
  // The shaped conditioning half into a 3x3 conv; "checker" reads a full-size net output.
  for (const char* mask : {"checker", "channel"}) {
    for (const char* scale : {"exp", "sigmoid"}) {
      SCOPED_TRACE(std::string(mask) + " " + scale);
      GraphMaker m;
      ir::ValueRef x = m.input(f32({2, 2, 3}), 0);
      ir::ValueRef c = m.op(Op::MaskSelect, {x}, {{"mask", std::string(mask)}, {"part", std::string("cond")}});
      int64_t out = std::string(mask) == "checker" ? 4 : 2;  // 2 x the channels transformed
      ir::ValueRef o = m.op(Op::Conv, {c}, {{"out", out}, {"k", int64_t{3}}, {"p", int64_t{1}}}, "r.f.conv0");
      m.output(y_plus_logdet(m, m.op(Op::AffineCoupling, {x, o}, {{"mask", std::string(mask)}, {"scale", std::string(scale)}})));
      check_gradients(m, {randn({3, 2, 2, 3})});
    }
  }
}

TEST(KernelGradients, FactorOut) {
  GraphMaker m;
  ir::ValueRef x = m.input(f32({4, 2, 2}), 0);
  ir::ValueRef f = m.op(Op::FactorOut, {x});
  ir::ValueRef z{f.node, 2};
  m.output(m.op(Op::Add, {y_plus_logdet(m, f), m.op(Op::Sum, {m.op(Op::Mul, {z, z})})}));
  check_gradients(m, {randn({3, 4, 2, 2})});
}

TEST(KernelGradients, InvertibleSteps) {
  GraphMaker m;
  ir::ValueRef x = m.input(f32({2, 4, 4}), 0);
  ir::ValueRef h = m.op(Op::ActNorm, {x}, {}, "r.f.actnorm0");
  ir::ValueRef total = ir::ValueRef{h.node, 1};
  h = m.op(Op::InvConv1x1, {h}, {}, "r.f.invconv1x10");
  total = m.op(Op::Add, {total, ir::ValueRef{h.node, 1}});
  h = m.op(Op::Permute, {h}, {{"order", std::string("random")}, {"seed", int64_t{4}}});
  h = m.op(Op::Squeeze, {h});
  h = m.op(Op::Logit, {m.op(Op::Sigmoid, {h})}, {{"alpha", 0.05}});
  total = m.op(Op::Add, {total, ir::ValueRef{h.node, 1}});
  h = m.op(Op::InvertibleStep, {x, m.op(Op::Reshape, {h}, {{"shape", std::vector<int64_t>{2, 4, 4}}}), total},
           {{"block", std::string("user")}});
  m.output(y_plus_logdet(m, h));
  check_gradients(m, {randn({3, 2, 4, 4})});
}

}  // namespace
}  // namespace genc::runtime::testing
