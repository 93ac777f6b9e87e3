// Roles and model families beyond the LANGUAGE.md programs: conditional GANs, labelled
// denoisers, classifiers, declared priors, decoders over categories, and the checks that
// a role returns what it declares and that a sampler fits the model.
#include "compiler/ir/param_shapes.h"
#include "sema_test_util.h"

namespace genc::test {
namespace {

using ir::Op;

TEST(Roles, ConditionalGan) {
  auto a = analyze(R"gen(data fashion = fashion_mnist()
model cgan(nz: 16) {
  generator G(z: [nz], y: label of 10) -> [1,28,28] {
    h = linear(z, 784) + embed(y, 784)
    return reshape(h, [1,28,28]) |> tanh
  }
  discriminator D(x: [1,28,28], y: label of 10) -> [1] {
    return linear(flatten(x), 1) + linear(embed(y, 8), 1)
  }
  objective gan(loss: "hinge", d_steps: 2)
}
train cgan on fashion { batch 8 }
)gen");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Function& g = a->role("G");
  ASSERT_EQ(g.params.size(), 2u);
  EXPECT_EQ(g.params[1].type.classes, 10);
  EXPECT_EQ(count_ops(g.graph, Op::Input), 2u);
  EXPECT_EQ(ir::attr_int(a->model().objective->args, "d_steps"), 2);
  EXPECT_DOUBLE_EQ(ir::attr_float(a->model().objective->args, "gp"), 10.0);
}

TEST(Roles, ConditionalGanLabelsMustMeet) {
  auto a = analyze(R"gen(model cgan() {
  generator G(z: [4], y: label of 10) -> [2] {
    return linear(z, 2) + linear(embed(y, 2), 2)
  }
  discriminator D(x: [2], y: label of 5) -> [1] {
    return linear(x, 1)
  }
  objective gan
}
)gen");
  EXPECT_EQ(a->first(), "5:17 RolesDontMeet");
  EXPECT_NE(a->rendered().find(
                "generator 'G' takes y: label of 10, but discriminator 'D' takes y: label of 5"),
            std::string::npos);
  EXPECT_NE(a->rendered().find("note: generator 'G' is declared here (test.gen:2:13)"),
            std::string::npos);
}

TEST(Roles, LabelledDenoiserWithSchedules) {
  auto a = analyze(R"gen(model dm(steps: 100) {
  schedule s = linear(steps: steps)
  prior pz = normal
  denoiser e(x: [2], t: time, y: label of 3) -> [2] {
    return linear(x, 2) + linear(sinusoidal(t, 8), 2) + linear(embed(y, 4), 2)
  }
  objective denoise(predict: "v", cfg_dropout: 0.1)
  sampler ancestral
}
)gen");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Model& m = a->model();
  EXPECT_EQ(ir::attr_int(m.schedules.at(0).args, "steps"), 100);
  EXPECT_DOUBLE_EQ(ir::attr_float(m.schedules.at(0).args, "beta_end"), 0.02);
  EXPECT_EQ(ir::attr_string(m.priors.at(0).args, "kind"), "normal");
  EXPECT_EQ(m.priors.at(0).name, "pz");
  EXPECT_EQ(ir::attr_string(m.objective->args, "predict"), "v");
  EXPECT_EQ(m.sampler->name, "ancestral");
}

/// The rows of the embedding of label y in denoiser `e` of `source` (via ir::param_tensors).
int64_t label_embedding_rows(const std::string& source) {
  auto a = analyze(source);
  EXPECT_TRUE(a->program) << a->rendered();
  if (!a->program) return -1;
  const ir::Function& e = a->role("e");
  std::vector<ir::NodeId> embeds = e.graph.find(Op::Embed);
  EXPECT_EQ(embeds.size(), 1u);
  const ir::Node& node = e.graph.node(embeds.at(0));
  std::optional<std::vector<ir::ParamTensor>> t = ir::param_tensors(node, ir::input_types(e.graph, embeds[0]));
  EXPECT_TRUE(t.has_value());
  EXPECT_EQ(t->at(0).dims.at(1), 4);
  return t->at(0).dims.at(0);
}

TEST(Roles, ClassifierFreeGuidanceGivesTheLabelEmbeddingANullRow) {
  const std::string model = R"gen(model dm() {
  schedule s = cosine(steps: 10)
  denoiser e(x: [2], t: time, y: label of 3) -> [2] {
    return linear(x, 2) + linear(sinusoidal(t, 8), 2) + linear(embed(y, 4), 2)
  }
  objective denoise(OPTIONS)
}
)gen";
  auto with = [&](const std::string& options) {
    std::string src = model;
    src.replace(src.find("OPTIONS"), 7, options);
    return src;
  };
  EXPECT_EQ(label_embedding_rows(with("cfg_dropout: 0.1")), 4);  // 3 classes + the null class
  EXPECT_EQ(label_embedding_rows(with("predict: \"eps\"")), 3);
  auto unlabeled = analyze(
      "model dm() {\n  schedule s = cosine\n  denoiser e(x: [2], t: time) -> [2] {\n    return "
      "linear(x, 2)\n  }\n  objective denoise(cfg_dropout: 0.2)\n}\n");
  EXPECT_EQ(unlabeled->first(), "6:34 TypeError");  // at the cfg_dropout value
  EXPECT_NE(unlabeled->rendered().find("cfg_dropout drops the label, but denoiser 'e' takes none"), std::string::npos);
}

TEST(Roles, DenoiserMustReturnItsInputType) {
  auto a = analyze(
      "model dm() {\n  schedule s = cosine\n  denoiser e(x: [2], t: time) -> [3] {\n    return "
      "linear(x, 3)\n  }\n"
      "  objective denoise\n}\n");
  EXPECT_EQ(a->first(), "3:12 RolesDontMeet");
  EXPECT_NE(
      a->rendered().find("denoiser 'e' must return the type of its x ([2]), but declares [3]"),
      std::string::npos);
}

TEST(Roles, FlowReturnsADeclaredPrior) {
  auto a = analyze(
      "model f1() {\n  prior base = normal\n  flow f(x: [2]) -> base {\n    return actnorm(x)\n  "
      "}\n"
      "  objective nll\n}\n");
  ASSERT_TRUE(a->program) << a->rendered();
  auto bad = analyze(
      "model f1() {\n  flow f(x: [2]) -> laplace {\n    return actnorm(x)\n  }\n  objective "
      "nll\n}\n");
  EXPECT_EQ(bad->first(), "2:8 RoleSignature");
}

TEST(Roles, CategoricalDecoder) {
  auto a = analyze(R"gen(model vq() {
  encoder q(x: [4]) -> gaussian {
    return gaussian(mean: linear(x, 2), logvar: linear(x, 2))
  }
  decoder p(z: [2]) -> categorical {
    return categorical(logits: reshape(linear(z, 16), [4, 4]))
  }
  objective elbo(iw: 5)
}
)gen");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(a->role("p").result.kind, ir::ValueKind::Categorical);
  EXPECT_EQ(ir::attr_int(a->model().objective->args, "iw"), 5);
}

TEST(Roles, ReturnTypeMismatches) {
  auto wrong_dist = analyze(R"gen(model vae() {
  encoder q(x: [2]) -> gaussian {
    return gaussian(mean: linear(x, 2), logvar: linear(x, 2))
  }
  decoder p(z: [2]) -> bernoulli {
    return gaussian(mean: linear(z, 2), logvar: linear(z, 2))
  }
  objective elbo
}
)gen");
  EXPECT_EQ(wrong_dist->first(), "6:12 RoleReturnType");
  EXPECT_NE(wrong_dist->rendered().find("role 'p' must return bernoulli, but returns gaussian[2]"),
            std::string::npos);
  auto ar_classes = analyze(R"gen(model gpt() {
  autoregressive p(x: tokens[8] of 2) -> categorical {
    return categorical(logits: embed(x, 3))
  }
  objective nll
}
)gen");
  EXPECT_EQ(ar_classes->first(), "3:12 RoleReturnType");
  EXPECT_NE(ar_classes->rendered().find(
                "must return categorical[8] of 2, but returns categorical[8] of 3"),
            std::string::npos);
  auto not_tensor = analyze(
      "model m() {\n  discriminator D(x: [8]) -> [2] {\n    return 3\n  }\n  objective "
      "classify\n}\n");
  EXPECT_EQ(not_tensor->first(), "3:12 RoleReturnType");
  EXPECT_NE(not_tensor->rendered().find("role 'D' must return [2], but returns an integer"),
            std::string::npos);
}

TEST(Roles, SamplerMustFitTheModel) {
  auto a = analyze(R"gen(model gpt() {
  autoregressive p(x: tokens[8] of 2) -> categorical {
    return categorical(logits: embed(x, 2))
  }
  objective nll
  sampler ddim(steps: 10)
}
)gen");
  EXPECT_EQ(a->first(), "6:11 TypeError");
  EXPECT_NE(a->rendered().find("sampler 'ddim' needs a denoiser role"), std::string::npos);
}

TEST(Roles, RoleDimensionsMustBePositiveIntegers) {
  auto a = analyze(
      "model m(d: 0) {\n  discriminator D(x: [d]) -> [2] {\n    return linear(x, 2)\n  }\n  "
      "objective classify\n}\n");
  EXPECT_EQ(a->first(), "2:23 TypeError");
  EXPECT_NE(a->rendered().find("a dimension must be a positive integer, got 0"), std::string::npos);
}

TEST(Roles, DuplicateSettingsAndNames) {
  auto a = analyze(R"gen(model m() {
  discriminator D(x: [8]) -> [2] {
    return linear(x, 2)
  }
  discriminator D(x: [8]) -> [2] {
    return linear(x, 2)
  }
  objective classify
  objective classify
}
)gen");
  EXPECT_EQ(a->errors(), (std::vector<std::string>{"9:3 Redefinition", "5:17 Redefinition"}));
}

TEST(Overrides, SetChangesHyperparameters) {
  sema::Options options;
  options.overrides = {{"vae.latent", "32"}, {"vae.beta", "2"}, {"vae.name", "big"}};
  auto a = analyze(R"gen(model vae(latent: 20, beta: 1.0, name: "small") {
  encoder q(x: [2]) -> gaussian {
    return gaussian(mean: linear(x, latent), logvar: linear(x, latent))
  }
  decoder p(z: [latent]) -> gaussian {
    return gaussian(mean: linear(z, 2), logvar: linear(z, 2))
  }
  objective elbo(beta: beta)
}
)gen",
                   options);
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Model& m = a->model();
  EXPECT_EQ(ir::attr_int(m.hyperparams, "latent"), 32);
  EXPECT_EQ(m.hyperparams.at("beta"), ir::Attr(2.0));
  EXPECT_EQ(ir::attr_string(m.hyperparams, "name"), "big");
  EXPECT_EQ(a->role("p").params[0].type.dims, std::vector<int64_t>{32});
  EXPECT_DOUBLE_EQ(ir::attr_float(m.objective->args, "beta"), 2.0);
}

}  // namespace
}  // namespace genc::test
