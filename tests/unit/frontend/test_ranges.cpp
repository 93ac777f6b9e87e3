// Every AST node carries a precise SourceRange: probes on the LANGUAGE.md examples.
#include <gtest/gtest.h>

#include "tests/unit/frontend/language_examples.h"
#include "tests/unit/frontend/parse_helpers.h"

namespace genc::test {
namespace {

/// "L:C-L:C" of a range.
std::string span(const SourceRange& r) {
  return std::to_string(r.begin.line) + ":" + std::to_string(r.begin.col) + "-" +
         std::to_string(r.end.line) + ":" + std::to_string(r.end.col);
}

/// The source text a single-line range covers.
std::string covered(const SourceRange& r) {
  EXPECT_EQ(r.begin.line, r.end.line);
  return std::string(
      r.file->line_text(r.begin.line).substr(r.begin.col - 1, r.end.col - r.begin.col));
}

TEST(Ranges, VaeDeclarationsRolesAndStatements) {
  auto p = parse(language_examples()[0].second, "vae.gen");
  ASSERT_TRUE(p->module);
  const ast::Module& m = *p->module;
  EXPECT_EQ(span(m.uses[0].range), "2:1-2:11");
  EXPECT_EQ(covered(m.data[0].source->range), "fashion_mnist(split: \"train\")");
  const ast::ModelDecl& vae = m.models[0];
  EXPECT_EQ(span(vae.range), "7:1-17:2");
  EXPECT_EQ(covered(vae.name_range), "vae");
  EXPECT_EQ(covered(vae.hyperparams[0].range), "latent: 20");
  const ast::RoleDecl& q = vae.roles[0];
  EXPECT_EQ(span(q.range), "8:3-11:4");
  EXPECT_EQ(covered(q.name_range), "q");
  EXPECT_EQ(covered(q.params[0].range), "x: [1,28,28]");
  EXPECT_EQ(covered(q.params[0].type->range), "[1,28,28]");
  EXPECT_EQ(covered(q.result->range), "gaussian");
  const ast::Stmt& h = *q.body[0];
  EXPECT_EQ(covered(h.range), "h = x |> flatten |> linear(hidden) |> relu");
  EXPECT_EQ(covered(h.name_range), "h");
  EXPECT_EQ(covered(q.body[1]->range),
            "return gaussian(mean: linear(h, latent), logvar: linear(h, latent))");
  EXPECT_EQ(covered(vae.settings[0].range), "objective elbo(beta: 1.0)");
}

TEST(Ranges, PipedCallsCoverTheirCalleeAndArguments) {
  auto p = parse(language_examples()[0].second, "vae.gen");
  ASSERT_TRUE(p->module);
  const ast::Expr& relu = *p->module->models[0].roles[0].body[0]->value;
  EXPECT_EQ(covered(relu.range), "relu");
  EXPECT_EQ(covered(relu.op_range), "relu");
  const ast::Expr& linear = *relu.args[0].value;
  EXPECT_EQ(covered(linear.range), "linear(hidden)");
  EXPECT_EQ(covered(linear.op_range), "linear");
  EXPECT_EQ(covered(linear.args[0].value->args[0].value->range), "x");
  EXPECT_FALSE(linear.args[0].name_range.valid());
}

TEST(Ranges, CallsArgumentsLiteralsAndTrainSettings) {
  auto p = parse(language_examples()[0].second, "vae.gen");
  ASSERT_TRUE(p->module);
  const ast::Expr& ret = *p->module->models[0].roles[0].body[1]->value;
  EXPECT_EQ(covered(ret.range), "gaussian(mean: linear(h, latent), logvar: linear(h, latent))");
  EXPECT_EQ(covered(ret.op_range), "gaussian");
  EXPECT_EQ(covered(ret.args[1].name_range), "logvar");
  EXPECT_EQ(covered(ret.args[1].value->range), "linear(h, latent)");
  EXPECT_EQ(span(ret.args[1].value->range), "10:54-10:71");
  const ast::TrainDecl& t = p->module->trains[0];
  EXPECT_EQ(covered(t.model_range), "vae");
  EXPECT_EQ(covered(t.data_range), "fashion");
  EXPECT_EQ(covered(t.settings[1].range), "optimizer adam(lr: 1e-3)");
  EXPECT_EQ(covered(t.settings[1].value->args[0].value->range), "1e-3");
  EXPECT_EQ(covered(t.settings[3].range), "eval on fashion_test every epoch");
  EXPECT_EQ(covered(t.settings[3].target_range), "fashion_test");
  EXPECT_EQ(covered(t.settings[3].period->range), "epoch");
  EXPECT_EQ(covered(t.settings[4].range), "sample 64 every epoch to \"samples/vae\"");
  EXPECT_EQ(covered(p->module->data[0].source->args[0].value->range), "\"train\"");
}

TEST(Ranges, BinaryUnaryIndexAndTernaryOperators) {
  auto p = parse(language_examples()[4].second, "gpt.gen");
  ASSERT_TRUE(p->module);
  // h = embed(x, d) + position(784, d)
  const ast::Expr& sum = *p->module->models[0].roles[0].body[0]->value;
  ASSERT_EQ(sum.kind, ast::ExprKind::Binary);
  EXPECT_EQ(covered(sum.range), "embed(x, d) + position(784, d)");
  EXPECT_EQ(covered(sum.op_range), "+");
  EXPECT_EQ(span(sum.op_range), "8:21-8:22");

  auto q = parse("block f(x) {\n  return c ? -xs[i] : not b\n}\n");
  ASSERT_TRUE(q->module);
  const ast::Expr& t = *q->module->blocks[0].body[0]->value;
  EXPECT_EQ(covered(t.range), "c ? -xs[i] : not b");
  EXPECT_EQ(covered(t.op_range), "?");
  const ast::Expr& neg = *t.elems[1];
  EXPECT_EQ(covered(neg.range), "-xs[i]");
  EXPECT_EQ(covered(neg.op_range), "-");
  EXPECT_EQ(covered(neg.elems[0]->range), "xs[i]");
  EXPECT_EQ(covered(t.elems[2]->op_range), "not");
}

TEST(Ranges, RepeatRangeAndParenthesisedExpressions) {
  auto p = parse(language_examples()[2].second, "realnvp.gen");
  ASSERT_TRUE(p->module);
  const ast::Stmt& rep = *p->module->models[0].roles[0].body[0];
  EXPECT_EQ(span(rep.range), "7:5-10:6");
  EXPECT_EQ(covered(rep.name_range), "i");
  EXPECT_EQ(covered(rep.from->range), "0");
  EXPECT_EQ(covered(rep.value->range), "layers");
  const ast::Expr& mask = *rep.body[0]->value->args[1].value;
  EXPECT_EQ(covered(mask.range), "i % 2 == 0 ? \"even\" : \"odd\"");
  EXPECT_EQ(covered(mask.elems[0]->op_range), "==");

  auto q = parse("block f(x) { return (a + b) * c }");
  ASSERT_TRUE(q->module);
  const ast::Expr& mul = *q->module->blocks[0].body[0]->value;
  EXPECT_EQ(covered(mul.range), "(a + b) * c");
  EXPECT_EQ(covered(mul.elems[0]->range), "a + b");
}

}  // namespace
}  // namespace genc::test
