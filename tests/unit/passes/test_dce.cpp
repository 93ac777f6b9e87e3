// Unit tests of dead code elimination.
#include "compiler/passes/dce.h"
#include "tests/unit/passes/pass_test_util.h"

namespace genc::passes::testing {
namespace {

TEST(Dce, RemovesUnusedPureChains) {
  Builder b;
  ValueRef x = b.input(f32({8}));
  ValueRef dead = b.op(Op::Relu, {b.op(Op::Linear, {x}, linear(4), "q.l0")});
  b.op(Op::Exp, {dead});
  ValueRef live = b.op(Op::Tanh, {x});
  b.output(live);
  ASSERT_EQ(b.graph.size(), 6u);

  EXPECT_TRUE(eliminate_dead_code(b.graph));
  EXPECT_EQ(b.graph.size(), 3u);  // input, tanh, output
  EXPECT_TRUE(b.find(Op::Linear).empty());
  EXPECT_TRUE(b.find(Op::Relu).empty());
  EXPECT_TRUE(b.find(Op::Exp).empty());
  EXPECT_EQ(b.returned(), live);
  EXPECT_EQ(verify_errors(b.graph), "");
  EXPECT_FALSE(eliminate_dead_code(b.graph));
}

TEST(Dce, KeepsRootsAndEffects) {
  Builder b;
  ValueRef x = b.input(f32({8}));
  b.input(f32({3}), 1);                                       // an unused role input stays
  b.op(Op::BatchNorm, {x}, {}, "q.bn0");                      // running statistics: not pure, stays
  b.op(Op::GradInput, {x});                                   // not pure, stays
  b.op(Op::Dropout, {x}, {{"p", 0.5}});                       // random and unused: goes
  b.op(Op::Randn, {}, {{"shape", std::vector<int64_t>{4}}});  // goes
  b.output(x);

  EXPECT_TRUE(eliminate_dead_code(b.graph));
  EXPECT_EQ(b.find(Op::Input).size(), 2u);
  EXPECT_EQ(b.find(Op::BatchNorm).size(), 1u);
  EXPECT_EQ(b.find(Op::GradInput).size(), 1u);
  EXPECT_TRUE(b.find(Op::Dropout).empty());
  EXPECT_TRUE(b.find(Op::Randn).empty());
  EXPECT_EQ(b.find(Op::Output).size(), 1u);
  EXPECT_EQ(verify_errors(b.graph), "");
}

TEST(Dce, KeepsUnusedResultsOfUsedNodes) {
  Builder b;
  ValueRef x = b.input(f32({8}));
  ValueRef halves = b.op(Op::Split, {x}, {{"parts", int64_t{2}}, {"dim", int64_t{0}}});
  b.output(halves);  // result #1 of split is unused, but the node is used
  EXPECT_FALSE(eliminate_dead_code(b.graph));
  EXPECT_EQ(b.graph.size(), 3u);
}

}  // namespace
}  // namespace genc::passes::testing
