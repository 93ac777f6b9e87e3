// Every program of LANGUAGE.md analyses cleanly, with the shapes, node counts, parameter
// names and settings the language describes; section 10's diagnostic is reproduced exactly.
#include "compiler/ir/parser.h"
#include "compiler/ir/printer.h"
#include "compiler/ir/verifier.h"
#include "language_programs.h"
#include "sema_test_util.h"

namespace genc::test {
namespace {

using ir::Op;
using ir::ValueType;

ValueType f32(std::vector<int64_t> dims) { return ValueType::tensor(std::move(dims)); }

const ir::Setting& train_setting(const ir::Train& t, const std::string& key) {
  const ir::Setting* s = t.setting(key);
  if (!s) throw std::runtime_error("no train setting " + key);
  return *s;
}

TEST(LanguageExamples, VaeFashion) {
  auto a = analyze(kVaeFashion, {}, "vae_fashion.gen");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Program& p = *a->program;
  ASSERT_EQ(p.datasets.size(), 2u);
  EXPECT_EQ(p.datasets[0].x, f32({1, 28, 28}));
  ASSERT_TRUE(p.datasets[0].y);
  EXPECT_EQ(p.datasets[0].y->classes, 10);
  EXPECT_EQ(ir::attr_string(p.datasets[1].source.args, "split"), "test");

  const ir::Model& m = a->model("vae");
  EXPECT_EQ(ir::attr_int(m.hyperparams, "latent"), 20);
  ASSERT_EQ(m.roles.size(), 2u);
  const ir::Function& q = a->role("q");
  EXPECT_EQ(q.role, "encoder");
  EXPECT_EQ(q.result.kind, ir::ValueKind::Gaussian);
  EXPECT_EQ(q.result.dims, std::vector<int64_t>{20});
  EXPECT_EQ(count_ops(q.graph, Op::Linear), 3u);
  EXPECT_EQ(count_ops(q.graph, Op::Input), 1u);
  EXPECT_EQ(count_ops(q.graph, Op::Output), 1u);
  EXPECT_EQ(param_names(q.graph),
            (std::vector<std::string>{"q.h.linear0", "q.return.linear0", "q.return.linear1"}));

  const ir::Function& dec = a->role("p");
  EXPECT_EQ(dec.params.at(0).type, f32({20}));
  EXPECT_EQ(dec.result.kind, ir::ValueKind::Bernoulli);
  EXPECT_EQ(dec.result.dims, (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(param_names(dec.graph), (std::vector<std::string>{"p.h.linear0", "p.h.linear1"}));
  // Input, linear, relu, linear, reshape, bernoulli, output.
  EXPECT_EQ(dec.graph.size(), 7u);

  ASSERT_TRUE(m.objective);
  EXPECT_EQ(m.objective->name, "elbo");
  EXPECT_DOUBLE_EQ(ir::attr_float(m.objective->args, "beta"), 1.0);
  EXPECT_EQ(ir::attr_int(m.objective->args, "samples"), 1);

  ASSERT_EQ(p.trains.size(), 1u);
  const ir::Train& t = p.trains[0];
  EXPECT_EQ(ir::attr_int(train_setting(t, "batch").args, "value"), 128);
  EXPECT_EQ(ir::attr_int(train_setting(t, "epochs").args, "value"), 10);
  EXPECT_EQ(ir::attr_string(train_setting(t, "optimizer").args, "kind"), "adam");
  EXPECT_DOUBLE_EQ(ir::attr_float(train_setting(t, "optimizer").args, "lr"), 1e-3);
  const ir::Attrs& eval = train_setting(t, "eval").args;
  EXPECT_EQ(ir::attr_string(eval, "data"), "fashion_test");
  EXPECT_EQ(ir::attr_string(eval, "unit"), "epochs");
  EXPECT_EQ(ir::attr_int(eval, "every"), 1);
  const ir::Attrs& sample = train_setting(t, "sample").args;
  EXPECT_EQ(ir::attr_int(sample, "n"), 64);
  EXPECT_EQ(ir::attr_string(sample, "dir"), "samples/vae");
}

TEST(LanguageExamples, Dcgan) {
  auto a = analyze(kDcgan, {}, "dcgan.gen");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(a->program->datasets[0].transforms.at(0).name, "scale");
  const ir::Function& g = a->role("G");
  EXPECT_EQ(g.params.at(0).type, f32({100}));
  EXPECT_EQ(g.result, f32({1, 28, 28}));
  EXPECT_EQ(count_ops(g.graph, Op::UpConv), 2u);
  EXPECT_EQ(count_ops(g.graph, Op::BatchNorm), 2u);
  EXPECT_EQ(param_names(g.graph),
            (std::vector<std::string>{"G.h.linear0", "G.h.batchnorm0", "G.h.upconv0",
                                      "G.h.batchnorm1", "G.return.upconv0"}));
  // The first upconv doubles 7x7 to 14x14.
  ir::NodeId up = g.graph.find(Op::UpConv).front();
  EXPECT_EQ(g.graph.node(up).outputs[0], f32({64, 14, 14}));
  EXPECT_EQ(ir::attr_int(g.graph.node(g.graph.find(Op::Linear).front()).attrs, "out"), 6272);

  const ir::Function& d = a->role("D");
  EXPECT_EQ(d.result, f32({1}));
  EXPECT_EQ(count_ops(d.graph, Op::Conv), 2u);
  EXPECT_EQ(count_ops(d.graph, Op::LeakyRelu), 2u);
  const ir::Model& m = a->model();
  EXPECT_EQ(ir::attr_string(m.objective->args, "loss"), "nonsaturating");
  EXPECT_EQ(ir::attr_int(m.objective->args, "d_steps"), 1);
  const ir::Setting* opt = a->program->trains[0].setting("optimizer");
  ASSERT_TRUE(opt);
  EXPECT_EQ(std::get<std::vector<double>>(opt->args.at("betas")),
            (std::vector<double>{0.5, 0.999}));
}

TEST(LanguageExamples, RealNvp) {
  auto a = analyze(kRealNvp, {}, "realnvp.gen");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(a->program->datasets[0].x, f32({2}));
  const ir::Function& f = a->role("f");
  EXPECT_EQ(f.role, "flow");
  EXPECT_EQ(f.result, f32({2}));
  EXPECT_EQ(count_ops(f.graph, Op::AffineCoupling), 8u);
  EXPECT_EQ(count_ops(f.graph, Op::ActNorm), 8u);
  EXPECT_EQ(count_ops(f.graph, Op::MaskSelect), 8u);
  // mlp([128, 128]) is two linears; each coupling adds its zero-initialised output layer.
  EXPECT_EQ(count_ops(f.graph, Op::Linear), 24u);
  std::vector<std::string> masks;
  for (ir::NodeId id : f.graph.find(Op::AffineCoupling))
    masks.push_back(ir::attr_string(f.graph.node(id).attrs, "mask"));
  EXPECT_EQ(masks[0], "even");
  EXPECT_EQ(masks[1], "odd");
  EXPECT_EQ(masks[7], "odd");
  // The output layer: 2 x the transformed half (1 of 2 elements), zero-initialised.
  ir::NodeId first_coupling = f.graph.find(Op::AffineCoupling).front();
  const ir::Node& out_layer = f.graph.node(f.graph.node(first_coupling).inputs[1].node);
  EXPECT_EQ(out_layer.op, Op::Linear);
  EXPECT_EQ(ir::attr_int(out_layer.attrs, "out"), 2);
  EXPECT_TRUE(ir::attr_bool(out_layer.attrs, "zero_init"));
  EXPECT_EQ(out_layer.name, "f.x.affine_coupling0.linear0");
  std::vector<std::string> names = param_names(f.graph);
  EXPECT_EQ(names.front(), "f.x.affine_coupling0.mlp0.linear0");
  EXPECT_NE(std::find(names.begin(), names.end(), "f.x.actnorm7"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "f.x.affine_coupling7.mlp0.linear1"),
            names.end());
  EXPECT_EQ(a->model().objective->name, "nll");
}

TEST(LanguageExamples, Ddpm) {
  auto a = analyze(kDdpm, {}, "ddpm.gen");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Model& m = a->model("ddpm");
  ASSERT_EQ(m.schedules.size(), 1u);
  EXPECT_EQ(m.schedules[0].name, "s");
  EXPECT_EQ(ir::attr_string(m.schedules[0].args, "kind"), "cosine");
  EXPECT_EQ(ir::attr_int(m.schedules[0].args, "steps"), 1000);
  ASSERT_TRUE(m.sampler);
  EXPECT_EQ(m.sampler->name, "ddim");
  EXPECT_EQ(ir::attr_int(m.sampler->args, "steps"), 50);
  EXPECT_EQ(ir::attr_string(m.objective->args, "predict"), "eps");
  const ir::Function& eps = a->role("eps");
  ASSERT_EQ(eps.params.size(), 2u);
  EXPECT_EQ(eps.params[1].type, ValueType::tensor({}, ir::DType::I64));
  EXPECT_EQ(eps.result, f32({1, 28, 28}));
  EXPECT_EQ(count_ops(eps.graph, Op::Sinusoidal), 1u);
  EXPECT_GE(count_ops(eps.graph, Op::Conv), 10u);
  EXPECT_EQ(count_ops(eps.graph, Op::UpConv), 2u);
  EXPECT_EQ(count_ops(eps.graph, Op::Concat), 2u);
  // Parameter paths are unique.
  std::vector<std::string> names = param_names(eps.graph);
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  // Everything nests under the unet block call (the stdlib decides what is inside).
  for (const std::string& n : names) EXPECT_EQ(n.rfind("eps.return.unet0.", 0), 0u) << n;
  EXPECT_DOUBLE_EQ(ir::attr_float(a->program->trains[0].setting("ema")->args, "value"), 0.999);
}

TEST(LanguageExamples, PixelGpt) {
  auto a = analyze(kPixelGpt, {}, "pixel_gpt.gen");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Dataset& d = a->program->datasets[0];
  EXPECT_EQ(d.x.dtype, ir::DType::I64);
  EXPECT_EQ(d.x.dims, std::vector<int64_t>{784});
  EXPECT_EQ(d.x.classes, 2);
  EXPECT_EQ(d.transforms.size(), 3u);
  const ir::Function& p = a->role("p");
  EXPECT_EQ(p.params[0].type, d.x);
  EXPECT_EQ(p.result.kind, ir::ValueKind::Categorical);
  EXPECT_EQ(p.result.dims, std::vector<int64_t>{784});
  EXPECT_EQ(p.result.classes, 2);
  EXPECT_EQ(count_ops(p.graph, Op::Attention), 4u);
  for (ir::NodeId id : p.graph.find(Op::Attention))
    EXPECT_TRUE(ir::attr_bool(p.graph.node(id).attrs, "causal"));
  // Two layernorms per block plus the final one.
  EXPECT_EQ(count_ops(p.graph, Op::LayerNorm), 9u);
  std::vector<std::string> names = param_names(p.graph);
  EXPECT_EQ(names[0], "p.h.embed0");
  EXPECT_EQ(names[1], "p.h.position0");
  EXPECT_EQ(names[2], "p.h.transformer_block0.layernorm0");
  EXPECT_EQ(names.back(), "p.return.linear0");
  EXPECT_EQ(a->model().sampler->name, "sample");
}

// Sema's output passes the IR verifier and survives a print -> parse -> print round trip.
TEST(LanguageExamples, OutputVerifiesAndRoundTrips) {
  for (const char* text : {kVaeFashion, kDcgan, kRealNvp, kDdpm, kPixelGpt}) {
    auto a = analyze(text);
    ASSERT_TRUE(a->program) << a->rendered();
    EXPECT_EQ(ir::verify(*a->program), std::vector<std::string>{});
    std::string printed = ir::print(*a->program);
    SourceManager sources;
    DiagnosticEngine diags;
    std::optional<ir::Program> back = ir::parse_ir(*sources.add("p.gir", printed), sources, diags);
    ASSERT_TRUE(back) << diags.render();
    EXPECT_EQ(ir::print(*back), printed);
  }
}

TEST(LanguageExamples, Section10ShapeMismatch) {
  auto a = analyze(kShapeMismatch, {}, "vae.gen");
  EXPECT_FALSE(a->program);
  ASSERT_EQ(a->errors(), std::vector<std::string>{"9:22 ShapeMismatch"});
  EXPECT_EQ(a->rendered(),
            "vae.gen:9:22: error: shape mismatch in '+': [400] vs [20]\n"
            "    h = linear(z, 400) + mu\n"
            "                       ^\n"
            "note: 'mu' has shape [20] (vae.gen:6:5)\n");
}

}  // namespace
}  // namespace genc::test
