// Blocks expanded inline: parameters (tensors, values, fns, defaults, declared types),
// fn values, parameter naming through blocks, spectral_norm, and user invertible steps.
#include "sema_test_util.h"

namespace genc::test {
namespace {

using ir::Op;

std::unique_ptr<Analyzed> role_body(const std::string& body, const std::string& after = "") {
  return analyze("use std.nn\nmodel m() {\n  discriminator D(x: [8]) -> [2] {\n" + body +
                 "\n  }\n  objective classify\n}\n" + after);
}

TEST(Blocks, ExpandedInlineWithDefaults) {
  auto a =
      role_body("    h = two(x, 6)\n    h = two(two(h, 4))\n    return two(h, 2, m: 2)",
                "block two(x, n = 3, m = n * 2) {\n  h = linear(x, m)\n  return linear(h, n)\n}\n");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("D").graph;
  EXPECT_EQ(count_ops(g, Op::Linear), 8u);
  std::vector<int64_t> outs;
  for (ir::NodeId id : g.find(Op::Linear)) outs.push_back(ir::attr_int(g.node(id).attrs, "out"));
  EXPECT_EQ(outs, (std::vector<int64_t>{12, 6, 8, 4, 6, 3, 2, 2}));
  EXPECT_EQ(param_names(g), (std::vector<std::string>{
                                "D.h.two0.linear0", "D.h.two0.linear1",  // h = two(x, 6)
                                "D.h.two1.linear0", "D.h.two1.linear1",  // the inner two(h, 4)
                                "D.h.two2.linear0", "D.h.two2.linear1",  // the outer two
                                "D.return.two0.linear0", "D.return.two0.linear1"}));
}

TEST(Blocks, FnParametersAndValues) {
  auto a = role_body(
      "    act = tanh\n    h = mlp(x, [4, 4], act: gelu)\n    h = act(h)\n    return mlp(h, [2])");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("D").graph;
  EXPECT_EQ(count_ops(g, Op::Gelu), 2u);
  EXPECT_EQ(count_ops(g, Op::Tanh), 1u);
  EXPECT_EQ(count_ops(g, Op::Relu), 1u);  // mlp's default act
  EXPECT_EQ(param_names(g).front(), "D.h.mlp0.linear0");
}

TEST(Blocks, ParameterErrors) {
  auto fn_type = role_body("    return mlp(x, [2], act: 3)");
  EXPECT_EQ(fn_type->first(), "4:29 ArgumentType");
  EXPECT_NE(
      fn_type->rendered().find("argument 'act' of 'mlp' must be an op or block, got an integer"),
      std::string::npos);
  auto shape = role_body("    return linear(want4(x), 2)", "block want4(v: [4]) { return v }\n");
  EXPECT_EQ(shape->first(), "4:25 ArgumentType");
  EXPECT_NE(
      shape->rendered().find("argument 'v' of 'want4' must be a tensor [4], got a tensor [8]"),
      std::string::npos);
  auto missing = role_body("    return mlp(x)");
  EXPECT_EQ(missing->first(), "4:12 MissingArgument");
  auto unknown_type = role_body("    return linear(x, 2)", "block b(v: matrix) { return v }\n");
  EXPECT_EQ(unknown_type->first(), "8:12 TypeError");
}

TEST(Blocks, ShapeErrorsInImportedBlocksNameTheCalls) {
  // conv_block (std.nn) applies conv to a vector: the error is inside the stdlib.
  auto a = role_body("    return linear(flatten(wrap(x)), 2)",
                     "block wrap(v) { return conv_block(v, 4) }\n");
  ASSERT_EQ(a->errors().size(), 1u) << a->rendered();
  const Diagnostic& d = *a->first_diag();
  EXPECT_EQ(d.range.file->path(), "std/nn.gen");
  ASSERT_EQ(d.notes.size(), 3u) << a->rendered();
  EXPECT_EQ(d.notes[0].message, "'x' has shape [8]");  // conv_block's parameter
  EXPECT_EQ(d.notes[1].message, "in block 'conv_block' called here");
  EXPECT_EQ(d.notes[1].range.str(), "test.gen:8:24");
  EXPECT_EQ(d.notes[2].message, "in block 'wrap' called here");
  EXPECT_EQ(d.notes[2].range.str(), "test.gen:4:27");
}

TEST(Blocks, ShapeErrorsInSameFileBlocksHaveNoCallNotes) {
  auto a =
      role_body("    return outer(x)",
                "block inner(v) { return v + linear(v, 3) }\nblock outer(v) { return inner(v) }\n");
  EXPECT_EQ(a->rendered(),
            "test.gen:8:27: error: shape mismatch in '+': [8] vs [3]\n"
            "  block inner(v) { return v + linear(v, 3) }\n"
            "                            ^\n"
            "note: 'v' has shape [8] (test.gen:8:13)\n");
}

TEST(Blocks, ConditionalRecursionTerminates) {
  auto a =
      role_body("    return linear(deep(x, 5), 2)",
                "block deep(x, n) {\n  if n == 0 { return x }\n  return deep(relu(x), n - 1)\n}\n");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(count_ops(a->role("D").graph, Op::Relu), 5u);
}

TEST(Blocks, SpectralNorm) {
  auto a =
      role_body("    h = x |> linear(8) |> spectral_norm\n    return spectral_norm(linear(h, 2))");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("D").graph;
  for (ir::NodeId id : g.find(Op::Linear))
    EXPECT_TRUE(ir::attr_bool(g.node(id).attrs, "spectral_norm"));
  auto bad = role_body("    return linear(spectral_norm(relu(x)), 2)");
  EXPECT_EQ(bad->first(), "4:33 ArgumentType");
  EXPECT_NE(bad->rendered().find("must be a call of linear, conv or upconv, got a call of 'relu'"),
            std::string::npos);
}

const char* kUserFlow = R"gen(invertible scale2(x, f = 2) {
  forward {
    logdet = 1.3862944
    return x * f
  }
  inverse { return x / f }
}
invertible shift(x) {
  forward {
    logdet = sum(x * 0, 0)
    return x + 1
  }
  inverse { return x - 1 }
}
block step(x) {
  x = scale2(x)
  return actnorm(x)
}
model m() {
  flow f(x: [2]) -> normal {
    x = step(x)
    x = shift(x)
    return x
  }
  objective nll
}
)gen";

TEST(Invertible, UserStepsExpandForwardAndEndInAMarker) {
  auto a = analyze(kUserFlow);
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("f").graph;
  EXPECT_EQ(count_ops(g, Op::ActNorm), 1u);
  std::vector<ir::NodeId> steps = g.find(Op::InvertibleStep);
  ASSERT_EQ(steps.size(), 2u);
  // Step 0: scale2 — x * f for y, a const for the logdet; its input is the role's x.
  const ir::Node& scale = g.node(steps[0]);
  EXPECT_EQ(ir::attr_string(scale.attrs, "block"), "scale2");
  EXPECT_EQ(g.node(scale.inputs[0].node).op, Op::Input);
  EXPECT_EQ(g.node(scale.inputs[1].node).op, Op::Mul);
  EXPECT_EQ(g.node(scale.inputs[2].node).op, Op::Const);
  // Step 1: shift, after actnorm, with a tensor logdet from sum.
  const ir::Node& shift = g.node(steps[1]);
  EXPECT_EQ(ir::attr_string(shift.attrs, "block"), "shift");
  EXPECT_EQ(g.node(shift.inputs[0].node).op, Op::ActNorm);
  EXPECT_EQ(g.node(shift.inputs[1].node).op, Op::Add);
  EXPECT_EQ(g.node(shift.inputs[2].node).op, Op::Sum);
  // The flow's result is the last marker's y.
  const ir::Node& out = g.node(g.find(Op::Output).front());
  EXPECT_EQ(out.inputs[0], (ir::ValueRef{steps[1], 0}));
  EXPECT_EQ(param_names(g), std::vector<std::string>{"f.x.step0.actnorm0"});
}

TEST(Invertible, Errors) {
  auto no_logdet = analyze(
      "invertible id(x) {\n  forward { return x }\n  inverse { return x }\n}\n"
      "model m() {\n  flow f(x: [2]) -> normal {\n    return id(x)\n  }\n  objective nll\n}\n");
  EXPECT_EQ(no_logdet->first(), "1:1 TypeError");
  EXPECT_NE(no_logdet->rendered().find("must bind 'logdet'"), std::string::npos);
  auto bad_logdet = analyze(
      "invertible id(x) {\n  forward {\n    logdet = x\n    return x\n  }\n  inverse { return x "
      "}\n}\n"
      "model m() {\n  flow f(x: [2]) -> normal {\n    return id(x)\n  }\n  objective nll\n}\n");
  EXPECT_EQ(bad_logdet->first(), "3:5 ShapeError");
  auto net_bad = analyze(
      "model m() {\n  flow f(x: [2]) -> normal {\n    return affine_coupling(x, mask: \"even\", "
      "net: 3)\n  }\n"
      "  objective nll\n}\n");
  EXPECT_EQ(net_bad->first(), "3:50 ArgumentType");
}

TEST(Invertible, AdditiveCouplingOnImages) {
  auto a = analyze(
      "model m() {\n  flow f(x: [1,4,4]) -> normal {\n"
      "    x = additive_coupling(x, mask: \"checker\", net: grid(2))\n"
      "    x = permute(x, \"random\")\n    x = permute(x, \"random\")\n    return squeeze(x)\n  "
      "}\n  objective nll\n}\n"
      "block grid(x, rows) { return reshape(linear(flatten(x), 8), [rows, 8 / rows]) }\n");  // x: [1,4,4], shaped
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("f").graph;
  ir::NodeId coupling = g.find(Op::AdditiveCoupling).front();
  const ir::Node& out_layer = g.node(g.node(coupling).inputs[1].node);
  EXPECT_EQ(ir::attr_int(out_layer.attrs, "out"), 8);  // one per transformed element
  EXPECT_EQ(g.node(out_layer.inputs[0].node).op, Op::Flatten);
  std::vector<ir::NodeId> perms = g.find(Op::Permute);
  EXPECT_EQ(ir::attr_int(g.node(perms[0]).attrs, "seed"), 0);
  EXPECT_EQ(ir::attr_int(g.node(perms[1]).attrs, "seed"), 1);
  EXPECT_EQ(a->role("f").result.dims, (std::vector<int64_t>{4, 2, 2}));
}

}  // namespace
}  // namespace genc::test
