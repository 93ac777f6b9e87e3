// ast::dump: the deterministic text of `genc compile --emit ast`, and the operator and role names.
#include <gtest/gtest.h>

#include "tests/unit/frontend/language_examples.h"
#include "tests/unit/frontend/parse_helpers.h"

namespace genc::test {
namespace {

TEST(Dump, RealNvpExample) {
  auto p = parse(language_examples()[2].second, "realnvp.gen");
  ASSERT_TRUE(p->module);
  EXPECT_EQ(ast::dump(*p->module),
            "module realnvp.gen\n"
            "use std.nn @2:1\n"
            "data moons @3:1\n"
            "  source moons(n: 20000, noise: 0.05) @3:14\n"
            "model realnvp @5:1\n"
            "  hyper layers: 8 @5:15\n"
            "  hyper hidden: 128 @5:26\n"
            "  flow f -> normal @6:3\n"
            "    param x: [2] @6:10\n"
            "    repeat i in 0..layers @7:5\n"
            "      x = affine_coupling(x, mask: (((i % 2) == 0) ? \"even\" : \"odd\"), "
            "net: mlp([hidden, hidden])) @8:7\n"
            "      x = actnorm(x) @9:7\n"
            "    return x @11:5\n"
            "  objective nll @13:3\n"
            "train realnvp on moons @15:1\n"
            "  batch 256 @15:26\n"
            "  optimizer adam(lr: 0.001) @15:37\n"
            "  steps 3000 @15:63\n");
}

TEST(Dump, StatementsTypesAndSettings) {
  auto p = parse(
      "data d = fashion_mnist(split: \"train\") |> scale(-1, 1) |> binarize\n"
      "block b(x, act: fn = relu) {\n"
      "  if a { h = -x } else { h = not x }\n"
      "  repeat 2 { h = h[0] }\n"
      "  return h\n"
      "}\n"
      "invertible inv(x) { forward { logdet = 0; return x } inverse { return x } }\n"
      "model m(k: 10) {\n"
      "  autoregressive p(x: tokens[4] of 2, y: label of k, t: time) -> categorical { return x }\n"
      "  schedule s = cosine(steps: 1000)\n"
      "  prior z = normal\n"
      "  sampler ddim(steps: 50, eta: 0.0)\n"
      "}\n"
      "train m on d { checkpoint every 2 epochs to \"ck\"  log every 100  eval on d  sample 8 "
      "every epoch }\n");
  ASSERT_TRUE(p->module) << p->rendered();
  EXPECT_EQ(ast::dump(*p->module),
            "module test.gen\n"
            "data d @1:1\n"
            "  source fashion_mnist(split: \"train\") @1:10\n"
            "  transform scale(-1, 1) @1:43\n"
            "  transform binarize @1:59\n"
            "block b @2:1\n"
            "  param x @2:9\n"
            "  param act: fn = relu @2:12\n"
            "  if a @3:3\n"
            "    h = -x @3:10\n"
            "  else\n"
            "    h = not x @3:26\n"
            "  repeat 2 @4:3\n"
            "    h = h[0] @4:14\n"
            "  return h @5:3\n"
            "invertible inv @7:1\n"
            "  param x @7:16\n"
            "  forward\n"
            "    logdet = 0 @7:31\n"
            "    return x @7:43\n"
            "  inverse\n"
            "    return x @7:64\n"
            "model m @8:1\n"
            "  hyper k: 10 @8:9\n"
            "  autoregressive p -> categorical @9:3\n"
            "    param x: tokens[4] of 2 @9:20\n"
            "    param y: label of k @9:39\n"
            "    param t: time @9:54\n"
            "    return x @9:80\n"
            "  schedule s = cosine(steps: 1000) @10:3\n"
            "  prior z = normal @11:3\n"
            "  sampler ddim(steps: 50, eta: 0.0) @12:3\n"
            "train m on d @14:1\n"
            "  checkpoint every 2 epochs to \"ck\" @14:16\n"
            "  log every 100 steps @14:51\n"
            "  eval on d @14:66\n"
            "  sample 8 every epoch @14:77\n");
}

TEST(Dump, IsDeterministic) {
  for (const auto& [name, text] : language_examples()) {
    auto a = parse(text, name);
    auto b = parse(text, name);
    ASSERT_TRUE(a->module && b->module);
    EXPECT_EQ(ast::dump(*a->module), ast::dump(*b->module));
  }
}

TEST(Dump, OperatorAndRoleNames) {
  EXPECT_STREQ(ast::op_spelling(ast::OpKind::MatMul), "@");
  EXPECT_STREQ(ast::op_spelling(ast::OpKind::Le), "<=");
  EXPECT_STREQ(ast::op_spelling(ast::OpKind::And), "and");
  EXPECT_STREQ(ast::op_spelling(ast::OpKind::Neg), "-");
  EXPECT_STREQ(ast::op_spelling(ast::OpKind::Not), "not");
  EXPECT_STREQ(ast::role_kind_name(ast::RoleKind::Autoregressive), "autoregressive");
  EXPECT_STREQ(ast::role_kind_name(ast::RoleKind::Discriminator), "discriminator");
}

}  // namespace
}  // namespace genc::test
