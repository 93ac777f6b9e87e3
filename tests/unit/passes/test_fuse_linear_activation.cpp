// Unit tests of layer + activation fusion.
#include "compiler/passes/fuse_linear_activation.h"
#include "compiler/support/source.h"
#include "tests/unit/passes/pass_test_util.h"

namespace genc::passes::testing {
namespace {

SourceRange at(const SourceFile* file, int line, int col) {
  return SourceRange{file, {line, col}, {line, col + 4}};
}

TEST(FuseLinearActivation, AbsorbsTheOnlyUse) {
  SourceManager sources;
  const SourceFile* file = sources.add("m.gen", "h = x |> linear(8) |> relu\n");
  Builder b;
  ValueRef x = b.input(f32({16}));
  ValueRef l = b.op(Op::Linear, {x}, linear(8), "q.h.linear0");
  ValueRef r = b.op(Op::Relu, {l});
  b.graph.node(r.node).loc = at(file, 1, 23);
  b.output(b.op(Op::Tanh, {r}));

  EXPECT_TRUE(fuse_linear_activation(b.graph));
  const ir::Node& layer = b.node(l);
  EXPECT_EQ(ir::attr_string(layer.attrs, "act"), "relu");
  ASSERT_EQ(layer.fused.size(), 1u);
  EXPECT_EQ(layer.fused[0].str(), "m.gen:1:23");
  EXPECT_TRUE(b.find(Op::Relu).empty());
  EXPECT_EQ(b.node(b.returned()).inputs[0], l);
  EXPECT_EQ(verify_errors(b.graph), "");
  EXPECT_FALSE(fuse_linear_activation(b.graph));
}

TEST(FuseLinearActivation, ConvsAndLeakyReluSlope) {
  Builder b;
  ValueRef x = b.input(f32({1, 28, 28}));
  Attrs conv{{"out", int64_t{8}}, {"k", int64_t{4}}, {"s", int64_t{2}}, {"p", int64_t{1}}};
  ValueRef c = b.op(Op::Conv, {x}, conv, "d.conv0");
  ValueRef a = b.op(Op::LeakyRelu, {c}, {{"slope", 0.1}});
  ValueRef u = b.op(Op::UpConv, {a}, conv, "d.upconv0");
  b.output(b.op(Op::Gelu, {u}));

  EXPECT_TRUE(fuse_linear_activation(b.graph));
  EXPECT_EQ(ir::attr_string(b.node(c).attrs, "act"), "leaky_relu");
  EXPECT_DOUBLE_EQ(ir::attr_float(b.node(c).attrs, "slope"), 0.1);
  EXPECT_EQ(ir::attr_string(b.node(u).attrs, "act"), "gelu");
  EXPECT_FALSE(b.node(u).attrs.count("slope"));
  EXPECT_EQ(b.returned(), u);
  EXPECT_EQ(b.node(u).inputs[0], c);
  EXPECT_EQ(verify_errors(b.graph), "");
}

TEST(FuseLinearActivation, LeavesSharedOrNonActivationUses) {
  Builder b;
  ValueRef x = b.input(f32({16}));
  ValueRef shared = b.op(Op::Linear, {x}, linear(8), "q.l0");
  ValueRef r = b.op(Op::Relu, {shared});
  ValueRef s = b.op(Op::Add, {r, shared});                                 // second use of `shared`
  ValueRef e = b.op(Op::Exp, {b.op(Op::Linear, {s}, linear(8), "q.l1")});  // exp is no activation
  ValueRef already =
      b.op(Op::Linear, {e}, {{"out", int64_t{8}}, {"act", std::string("tanh")}}, "q.l2");
  b.output(b.op(Op::Sigmoid, {already}));  // a layer fuses one activation at most

  EXPECT_FALSE(fuse_linear_activation(b.graph));
  EXPECT_EQ(b.find(Op::Relu).size(), 1u);
  EXPECT_EQ(b.find(Op::Exp).size(), 1u);
  EXPECT_EQ(b.find(Op::Sigmoid).size(), 1u);
  EXPECT_FALSE(b.node(shared).attrs.count("act"));
}

TEST(FuseLinearActivation, LayerFeedingTheOutputStays) {
  Builder b;
  ValueRef l = b.op(Op::Linear, {b.input(f32({4}))}, linear(2), "g.l0");
  b.output(l);
  EXPECT_FALSE(fuse_linear_activation(b.graph));
  EXPECT_EQ(b.returned(), l);
}

}  // namespace
}  // namespace genc::passes::testing
