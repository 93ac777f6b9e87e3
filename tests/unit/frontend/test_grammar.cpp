// Grammar coverage beyond the LANGUAGE.md examples: every construct, precedence, contextual
// keywords used as names, literals and separators.
#include <gtest/gtest.h>

#include "tests/unit/frontend/parse_helpers.h"

namespace genc::test {
namespace {

const ast::Expr& only_value(const Parsed& p) {
  const ast::Body& body = p.module->blocks.at(0).body;
  EXPECT_EQ(body.size(), 1u);
  return *body.at(0)->value;
}

/// Parses `return EXPR` inside a block and dumps the expression.
std::string expr_dump(const std::string& expr) {
  auto p = parse("block f(x) { return " + expr + " }");
  if (!p->module) return "error: " + p->rendered();
  std::string d = ast::dump(*p->module);
  size_t at = d.find("return ");
  return d.substr(at + 7, d.rfind(" @") - at - 7);
}

TEST(Grammar, OperatorPrecedenceAndAssociativity) {
  EXPECT_EQ(expr_dump("1 + 2 * 3 - 4"), "((1 + (2 * 3)) - 4)");
  EXPECT_EQ(expr_dump("a @ b % c / d"), "(((a @ b) % c) / d)");
  EXPECT_EQ(expr_dump("-a * b"), "(-a * b)");
  EXPECT_EQ(expr_dump("a + b |> relu"), "relu((a + b))");
  EXPECT_EQ(expr_dump("a |> f(1) == b"), "(f(a, 1) == b)");
  EXPECT_EQ(expr_dump("not a == b and c or d"), "((not (a == b) and c) or d)");
  EXPECT_EQ(expr_dump("a ? b : c ? d : e"), "(a ? b : (c ? d : e))");
  EXPECT_EQ(expr_dump("a ? b ? c : d : e"), "(a ? (b ? c : d) : e)");
  EXPECT_EQ(expr_dump("(a + b) * c"), "((a + b) * c)");
  EXPECT_EQ(expr_dump("xs[i + 1][0]"), "xs[(i + 1)][0]");
}

TEST(Grammar, ComparisonsDoNotChain) {
  auto p = parse("block f(x) { return a < b < c }");
  EXPECT_EQ(p->first(), "1:27 SyntaxError");
}

TEST(Grammar, Literals) {
  auto p =
      parse("block f(x) { return [128, 1e-3, 0.5, 2E+2, \"a\\\"b\\\\c\", true, false, none] }");
  ASSERT_TRUE(p->module) << p->rendered();
  const ast::Expr& list = only_value(*p);
  ASSERT_EQ(list.elems.size(), 8u);
  EXPECT_TRUE(list.elems[0]->is_int);
  EXPECT_EQ(list.elems[0]->int_value, 128);
  EXPECT_FALSE(list.elems[1]->is_int);
  EXPECT_DOUBLE_EQ(list.elems[1]->number, 1e-3);
  EXPECT_DOUBLE_EQ(list.elems[2]->number, 0.5);
  EXPECT_DOUBLE_EQ(list.elems[3]->number, 200.0);
  EXPECT_EQ(list.elems[4]->kind, ast::ExprKind::String);
  EXPECT_EQ(list.elems[4]->text, "a\"b\\c");
  EXPECT_TRUE(list.elems[5]->boolean);
  EXPECT_EQ(list.elems[6]->kind, ast::ExprKind::Bool);
  EXPECT_FALSE(list.elems[6]->boolean);
  EXPECT_EQ(list.elems[7]->kind, ast::ExprKind::Name);
  EXPECT_EQ(list.elems[7]->text, "none");
}

TEST(Grammar, ContextualKeywordsAreNamesElsewhere) {
  auto p = parse(
      "block steps(batch, epochs: time, label = 3, tokens: fn = relu) {\n"
      "  time = cosine(steps: 1000) + tokens(levels: 2) + label\n"
      "  of = every + to + on + log + eval + sample + epoch + data + model + train\n"
      "  return of\n"
      "}\n"
      "model m(epochs: 3) { denoiser eps(x: [2], t: time) -> [2] { return x } }\n"
      "train m on data { eval on model every epoch }\n");
  ASSERT_TRUE(p->module) << p->rendered();
  const ast::BlockDecl& b = p->module->blocks[0];
  EXPECT_EQ(b.name, "steps");
  ASSERT_EQ(b.params.size(), 4u);
  EXPECT_EQ(b.params[1].type->kind, ast::TypeKind::Time);
  EXPECT_EQ(b.body[0]->name, "time");
  EXPECT_EQ(b.body[1]->name, "of");
  EXPECT_EQ(p->module->trains[0].data, "data");
  EXPECT_EQ(p->module->trains[0].settings[0].target, "model");
}

TEST(Grammar, StatementsNeedNoSeparatorsButAcceptSemicolons) {
  auto p = parse("block f(x) { a = 1 b = a; c = b;; return c; }; block g(y) { return y }");
  ASSERT_TRUE(p->module) << p->rendered();
  EXPECT_EQ(p->module->blocks[0].body.size(), 4u);
  EXPECT_EQ(p->module->blocks.size(), 2u);
}

TEST(Grammar, IfElseIfChainsNest) {
  auto p = parse("block f(x) { if a { h = 1 } else if b { h = 2 } else { h = 3 }\n return h }");
  ASSERT_TRUE(p->module) << p->rendered();
  const ast::Stmt& s = *p->module->blocks[0].body[0];
  EXPECT_EQ(s.kind, ast::StmtKind::If);
  EXPECT_TRUE(s.has_else);
  ASSERT_EQ(s.else_body.size(), 1u);
  const ast::Stmt& inner = *s.else_body[0];
  EXPECT_EQ(inner.kind, ast::StmtKind::If);
  EXPECT_EQ(inner.value->text, "b");
  EXPECT_TRUE(inner.has_else);
  EXPECT_EQ(inner.else_body[0]->value->int_value, 3);

  auto q = parse("block f(x) { if a { h = 1 }\n return h }");
  ASSERT_TRUE(q->module);
  EXPECT_FALSE(q->module->blocks[0].body[0]->has_else);
}

TEST(Grammar, BlockParamsInAllFourForms) {
  auto p = parse("block f(x, n: [4, d], k = 3, act: fn = relu,) { return x }");
  ASSERT_TRUE(p->module) << p->rendered();
  const auto& ps = p->module->blocks[0].params;
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_FALSE(ps[0].type || ps[0].default_value);
  EXPECT_TRUE(ps[1].type && !ps[1].default_value);
  EXPECT_EQ(ps[1].type->dims.size(), 2u);
  EXPECT_TRUE(!ps[2].type && ps[2].default_value);
  EXPECT_TRUE(ps[3].type && ps[3].default_value);
  EXPECT_EQ(ps[3].type->kind, ast::TypeKind::Fn);
}

TEST(Grammar, InvertibleWithForwardAndInverse) {
  auto p = parse(
      "invertible scale(x, s = 2.0) {\n"
      "  forward { logdet = log(s) * 2; return x * s }\n"
      "  inverse { return x / s }\n"
      "}\n");
  ASSERT_TRUE(p->module) << p->rendered();
  ASSERT_EQ(p->module->invertibles.size(), 1u);
  const ast::InvertibleDecl& inv = p->module->invertibles[0];
  EXPECT_EQ(inv.name, "scale");
  EXPECT_EQ(inv.params.size(), 2u);
  EXPECT_EQ(inv.forward.size(), 2u);
  EXPECT_EQ(inv.forward[0]->name, "logdet");
  EXPECT_EQ(inv.inverse.size(), 1u);
}

TEST(Grammar, ModelItemsAndTypes) {
  auto p = parse(
      "model gan(nz: 64, classes: 10) {\n"
      "  generator G(z: [nz], y: label of classes) -> [1, 28, 28] { return z }\n"
      "  discriminator D(x: [1, 28, 28], y: label of classes) -> [1] { return x }\n"
      "  prior z = normal\n"
      "  objective gan(loss: \"hinge\", gp: 10.0)\n"
      "  sampler ancestral\n"
      "}\n");
  ASSERT_TRUE(p->module) << p->rendered();
  const ast::ModelDecl& m = p->module->models[0];
  ASSERT_EQ(m.roles.size(), 2u);
  EXPECT_EQ(m.roles[0].kind, ast::RoleKind::Generator);
  EXPECT_EQ(m.roles[0].params[1].type->kind, ast::TypeKind::Label);
  EXPECT_EQ(m.roles[0].params[1].type->classes->text, "classes");
  EXPECT_EQ(m.roles[1].result->dims.size(), 1u);
  ASSERT_EQ(m.settings.size(), 3u);
  EXPECT_EQ(m.settings[0].keyword, "prior");
  EXPECT_EQ(m.settings[0].name, "z");
  EXPECT_EQ(m.settings[0].value->text, "normal");
  EXPECT_EQ(m.settings[1].value->args.size(), 2u);
  EXPECT_EQ(m.settings[2].value->kind, ast::ExprKind::Name);
}

TEST(Grammar, EveryTrainSettingAndPeriodForm) {
  auto p = parse(
      "train m on d {\n"
      "  batch 64 epochs 5 steps 10 seed 1 clip_grad 1.0 ema 0.999\n"
      "  optimizer adamw(lr: 3e-4) lr_schedule warmup(steps: 100) device cuda precision bf16\n"
      "  checkpoint every 2 epochs to \"ck\"  log every 100 steps  log every 50\n"
      "  steps 3000\n"
      "  eval on test every 1 epoch  eval on test  sample 16 to \"s\"  sample 8 every epoch\n"
      "}\n");
  ASSERT_TRUE(p->module) << p->rendered();
  const auto& s = p->module->trains[0].settings;
  std::vector<std::string> keywords;
  for (const auto& x : s) keywords.push_back(x.keyword);
  EXPECT_EQ(keywords, (std::vector<std::string>{"batch", "epochs", "steps", "seed", "clip_grad",
                                                "ema", "optimizer", "lr_schedule", "device",
                                                "precision", "checkpoint", "log", "log", "steps",
                                                "eval", "eval", "sample", "sample"}));
  EXPECT_EQ(s[6].value->kind, ast::ExprKind::Call);
  EXPECT_EQ(s[8].value->text, "cuda");
  EXPECT_TRUE(s[10].period->per_epoch);
  EXPECT_EQ(s[10].period->count->int_value, 2);
  EXPECT_EQ(s[10].path, "ck");
  EXPECT_FALSE(s[11].period->per_epoch);
  EXPECT_EQ(s[12].period->count->int_value, 50);  // `log every 50` then `steps 3000`
  EXPECT_FALSE(s[12].period->per_epoch);
  EXPECT_EQ(s[13].value->int_value, 3000);
  EXPECT_TRUE(s[14].period->per_epoch);
  EXPECT_FALSE(s[15].period.has_value());
  EXPECT_TRUE(s[16].has_path);
  EXPECT_FALSE(s[16].period.has_value());
  EXPECT_TRUE(s[17].period->per_epoch);
  EXPECT_EQ(s[17].period->count, nullptr);
  EXPECT_FALSE(s[17].has_path);
}

TEST(Grammar, FileAndStdlibUses) {
  auto p = parse("use std.nn\nuse \"lib/blocks.gen\"\n");
  ASSERT_TRUE(p->module);
  ASSERT_EQ(p->module->uses.size(), 2u);
  EXPECT_EQ(p->module->uses[0].module, "std.nn");
  EXPECT_TRUE(p->module->uses[1].is_file);
  EXPECT_EQ(p->module->uses[1].module, "lib/blocks.gen");
}

TEST(Grammar, CommentsAndEmptyFiles) {
  for (const char* text : {"", "   \n\n", "// only a comment", "/* block */",
                           "/* a\n * b */ // c\n", "\xEF\xBB\xBF"}) {
    auto p = parse(text);
    ASSERT_TRUE(p->module) << text << "\n" << p->rendered();
    EXPECT_TRUE(p->diags.diagnostics().empty());
  }
}

}  // namespace
}  // namespace genc::test
