// Every LANGUAGE.md example and every stdlib module parses cleanly, into the expected AST.
#include <gtest/gtest.h>

#include "tests/unit/frontend/language_examples.h"
#include "tests/unit/frontend/parse_helpers.h"

namespace genc::test {
namespace {

TEST(Examples, EveryLanguageExampleParsesWithoutDiagnostics) {
  ASSERT_EQ(language_examples().size(), 5u);
  for (const auto& [name, text] : language_examples()) {
    auto p = parse(text, name);
    EXPECT_TRUE(p->module != nullptr) << name;
    EXPECT_TRUE(p->diags.diagnostics().empty()) << name << "\n" << p->rendered();
  }
}

TEST(Examples, EveryLanguageExampleResolvesItsStdlibImports) {
  for (const auto& [name, text] : language_examples()) {
    SourceManager sources;
    DiagnosticEngine diags;
    auto unit = frontend::parse_program(*sources.add(name, text), sources, diags);
    ASSERT_TRUE(unit.has_value()) << name << "\n" << diags.render();
    EXPECT_EQ(unit->main().file->path(), name);
    EXPECT_GE(unit->modules.size(), 2u) << name;
  }
}

TEST(Examples, EveryStdlibModuleParsesWithoutDiagnostics) {
  std::vector<std::string> modules = frontend::stdlib_modules();
  EXPECT_EQ(modules, (std::vector<std::string>{"nn", "unet", "transformer"}));
  for (const std::string& m : modules) {
    auto text = frontend::stdlib_source(m);
    ASSERT_TRUE(text.has_value()) << m;
    auto p = parse(std::string(*text), "std/" + m + ".gen");
    EXPECT_TRUE(p->module != nullptr) << m << "\n" << p->rendered();
    EXPECT_FALSE(p->module == nullptr || p->module->blocks.empty()) << m;
  }
  EXPECT_FALSE(frontend::stdlib_source("nope").has_value());
}

TEST(Examples, VaeHasTheExpectedShape) {
  auto p = parse(language_examples()[0].second, "vae.gen");
  ASSERT_TRUE(p->module);
  const ast::Module& m = *p->module;
  ASSERT_EQ(m.uses.size(), 1u);
  EXPECT_EQ(m.uses[0].module, "std.nn");
  EXPECT_FALSE(m.uses[0].is_file);
  ASSERT_EQ(m.data.size(), 2u);
  EXPECT_EQ(m.data[1].name, "fashion_test");
  EXPECT_EQ(m.data[1].source->text, "fashion_mnist");
  ASSERT_EQ(m.models.size(), 1u);
  const ast::ModelDecl& vae = m.models[0];
  EXPECT_EQ(vae.name, "vae");
  ASSERT_EQ(vae.hyperparams.size(), 2u);
  EXPECT_EQ(vae.hyperparams[1].name, "hidden");
  EXPECT_EQ(vae.hyperparams[1].default_value->int_value, 400);
  ASSERT_EQ(vae.roles.size(), 2u);
  EXPECT_EQ(vae.roles[0].kind, ast::RoleKind::Encoder);
  EXPECT_EQ(vae.roles[0].result->kind, ast::TypeKind::Named);
  EXPECT_EQ(vae.roles[0].result->name, "gaussian");
  ASSERT_EQ(vae.roles[0].params.size(), 1u);
  EXPECT_EQ(vae.roles[0].params[0].type->dims.size(), 3u);
  ASSERT_EQ(vae.settings.size(), 1u);
  EXPECT_EQ(vae.settings[0].keyword, "objective");
  EXPECT_EQ(vae.settings[0].value->text, "elbo");

  ASSERT_EQ(m.trains.size(), 1u);
  const auto& settings = m.trains[0].settings;
  ASSERT_EQ(settings.size(), 5u);
  EXPECT_EQ(settings[3].keyword, "eval");
  EXPECT_EQ(settings[3].target, "fashion_test");
  ASSERT_TRUE(settings[3].period.has_value());
  EXPECT_TRUE(settings[3].period->per_epoch);
  EXPECT_EQ(settings[4].keyword, "sample");
  EXPECT_EQ(settings[4].value->int_value, 64);
  EXPECT_TRUE(settings[4].has_path);
  EXPECT_EQ(settings[4].path, "samples/vae");
}

TEST(Examples, PipesAreDesugaredIntoNestedCalls) {
  auto p = parse(language_examples()[0].second, "vae.gen");
  ASSERT_TRUE(p->module);
  // h = x |> flatten |> linear(hidden) |> relu
  const ast::Expr& relu = *p->module->models[0].roles[0].body[0]->value;
  ASSERT_EQ(relu.kind, ast::ExprKind::Call);
  EXPECT_EQ(relu.text, "relu");
  ASSERT_EQ(relu.args.size(), 1u);
  const ast::Expr& linear = *relu.args[0].value;
  EXPECT_EQ(linear.text, "linear");
  ASSERT_EQ(linear.args.size(), 2u);
  EXPECT_EQ(linear.args[1].value->text, "hidden");
  const ast::Expr& flatten = *linear.args[0].value;
  EXPECT_EQ(flatten.text, "flatten");
  ASSERT_EQ(flatten.args.size(), 1u);
  EXPECT_EQ(flatten.args[0].value->kind, ast::ExprKind::Name);
  EXPECT_EQ(flatten.args[0].value->text, "x");
}

TEST(Examples, OneLineTrainBlockSplitsIntoSettings) {
  auto p = parse(language_examples()[1].second, "dcgan.gen");
  ASSERT_TRUE(p->module);
  const auto& s = p->module->trains[0].settings;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].keyword, "batch");
  EXPECT_EQ(s[1].keyword, "optimizer");
  EXPECT_EQ(s[1].value->text, "adam");
  ASSERT_EQ(s[1].value->args.size(), 2u);
  EXPECT_EQ(s[1].value->args[1].name, "betas");
  EXPECT_EQ(s[1].value->args[1].value->kind, ast::ExprKind::List);
  EXPECT_DOUBLE_EQ(s[1].value->args[0].value->number, 2e-4);
  EXPECT_FALSE(s[1].value->args[0].value->is_int);
  EXPECT_EQ(s[2].keyword, "epochs");
}

TEST(Examples, RealNvpRepeatAndTernary) {
  auto p = parse(language_examples()[2].second, "realnvp.gen");
  ASSERT_TRUE(p->module);
  const ast::RoleDecl& f = p->module->models[0].roles[0];
  EXPECT_EQ(f.kind, ast::RoleKind::Flow);
  ASSERT_EQ(f.body.size(), 2u);
  const ast::Stmt& rep = *f.body[0];
  EXPECT_EQ(rep.kind, ast::StmtKind::Repeat);
  EXPECT_EQ(rep.name, "i");
  EXPECT_EQ(rep.from->int_value, 0);
  EXPECT_EQ(rep.value->text, "layers");
  ASSERT_EQ(rep.body.size(), 2u);
  const ast::Expr& call = *rep.body[0]->value;
  ASSERT_EQ(call.args.size(), 3u);
  const ast::Expr& mask = *call.args[1].value;
  EXPECT_EQ(call.args[1].name, "mask");
  ASSERT_EQ(mask.kind, ast::ExprKind::Ternary);
  EXPECT_EQ(mask.elems[0]->kind, ast::ExprKind::Binary);
  EXPECT_EQ(mask.elems[0]->op, ast::OpKind::Eq);
  EXPECT_EQ(mask.elems[0]->elems[0]->op, ast::OpKind::Mod);
  EXPECT_EQ(mask.elems[1]->text, "even");
  EXPECT_EQ(mask.elems[2]->text, "odd");
}

TEST(Examples, DdpmScheduleSamplerAndTimeParam) {
  auto p = parse(language_examples()[3].second, "ddpm.gen");
  ASSERT_TRUE(p->module);
  const ast::ModelDecl& m = p->module->models[0];
  ASSERT_EQ(m.roles.size(), 1u);
  EXPECT_EQ(m.roles[0].kind, ast::RoleKind::Denoiser);
  EXPECT_EQ(m.roles[0].params[1].name, "t");
  EXPECT_EQ(m.roles[0].params[1].type->kind, ast::TypeKind::Time);
  ASSERT_EQ(m.settings.size(), 3u);
  EXPECT_EQ(m.settings[0].keyword, "schedule");
  EXPECT_EQ(m.settings[0].name, "s");
  EXPECT_EQ(m.settings[0].value->args[0].name, "steps");
  EXPECT_EQ(m.settings[2].keyword, "sampler");
  EXPECT_EQ(m.settings[2].value->text, "ddim");
  const auto& train = p->module->trains[0].settings;
  ASSERT_EQ(train.size(), 4u);
  EXPECT_EQ(train[2].keyword, "ema");
  EXPECT_DOUBLE_EQ(train[2].value->number, 0.999);
}

TEST(Examples, PixelGptTokensTypeAndTokensTransform) {
  auto p = parse(language_examples()[4].second, "gpt.gen");
  ASSERT_TRUE(p->module);
  const ast::DataDecl& d = p->module->data[0];
  ASSERT_EQ(d.transforms.size(), 3u);
  EXPECT_EQ(d.transforms[0]->kind, ast::ExprKind::Name);
  EXPECT_EQ(d.transforms[0]->text, "binarize");
  EXPECT_EQ(d.transforms[2]->kind, ast::ExprKind::Call);
  EXPECT_EQ(d.transforms[2]->text, "tokens");
  EXPECT_EQ(d.transforms[2]->args[0].name, "levels");
  const ast::RoleDecl& r = p->module->models[0].roles[0];
  EXPECT_EQ(r.kind, ast::RoleKind::Autoregressive);
  const ast::Type& t = *r.params[0].type;
  EXPECT_EQ(t.kind, ast::TypeKind::Tokens);
  EXPECT_EQ(t.length->int_value, 784);
  EXPECT_EQ(t.vocab->int_value, 2);
  const ast::Stmt& rep = *r.body[1];
  EXPECT_EQ(rep.kind, ast::StmtKind::Repeat);
  EXPECT_TRUE(rep.name.empty());
  EXPECT_EQ(rep.from, nullptr);
  EXPECT_EQ(rep.body.size(), 1u);
}

}  // namespace
}  // namespace genc::test
