// Unit tests of common subexpression elimination.
#include "compiler/passes/cse.h"
#include "tests/unit/passes/pass_test_util.h"

namespace genc::passes::testing {
namespace {

TEST(Cse, MergesEqualPureNodesTransitively) {
  Builder b;
  ValueRef x = b.input(f32({8}));
  ValueRef r1 = b.op(Op::Relu, {x});
  ValueRef r2 = b.op(Op::Relu, {x});
  ValueRef e1 = b.op(Op::Exp, {r1});
  ValueRef e2 = b.op(Op::Exp, {r2});
  b.output(b.op(Op::Sub, {e1, e2}));

  EXPECT_TRUE(eliminate_common_subexpressions(b.graph));
  EXPECT_EQ(b.find(Op::Relu), std::vector<NodeId>{r1.node});
  EXPECT_EQ(b.find(Op::Exp), std::vector<NodeId>{e1.node});
  const ir::Node& sub = b.node(b.returned());
  EXPECT_EQ(sub.inputs, (std::vector<ValueRef>{e1, e1}));
  EXPECT_EQ(verify_errors(b.graph), "");
  EXPECT_FALSE(eliminate_common_subexpressions(b.graph));
}

TEST(Cse, CommutativeOperandsMeet) {
  Builder b;
  ValueRef x = b.input(f32({8}));
  ValueRef y = b.input(f32({8}), 1);
  ValueRef s1 = b.op(Op::Add, {x, y});
  ValueRef s2 = b.op(Op::Add, {y, x});
  ValueRef d1 = b.op(Op::Sub, {x, y});
  ValueRef d2 = b.op(Op::Sub, {y, x});  // not commutative: stays
  b.output(b.op(Op::Concat, {s1, s2, d1, d2}, {{"dim", int64_t{0}}}));

  EXPECT_TRUE(eliminate_common_subexpressions(b.graph));
  EXPECT_EQ(b.find(Op::Add).size(), 1u);
  EXPECT_EQ(b.find(Op::Sub).size(), 2u);
  EXPECT_EQ(verify_errors(b.graph), "");
}

TEST(Cse, NeverMergesParamsRandomOrDifferentAttrs) {
  Builder b;
  ValueRef x = b.input(f32({4, 6}));
  ValueRef l1 = b.op(Op::Linear, {x}, linear(3), "q.l0");
  ValueRef l2 = b.op(Op::Linear, {x}, linear(3), "q.l1");
  ValueRef d1 = b.op(Op::Dropout, {x}, {{"p", 0.1}});
  ValueRef d2 = b.op(Op::Dropout, {x}, {{"p", 0.1}});
  ValueRef m1 = b.op(Op::Sum, {x}, {{"dims", std::vector<int64_t>{0}}});
  ValueRef m2 = b.op(Op::Sum, {x}, {{"dims", std::vector<int64_t>{1}}});
  ValueRef c = b.op(Op::Concat, {l1, l2}, {{"dim", int64_t{1}}});
  ValueRef c2 = b.op(Op::Concat, {d1, d2}, {{"dim", int64_t{1}}});
  b.output(b.op(Op::Concat, {b.op(Op::Flatten, {c}), b.op(Op::Flatten, {c2}), m1, m2},
                {{"dim", int64_t{0}}}));

  EXPECT_FALSE(eliminate_common_subexpressions(b.graph));
  EXPECT_EQ(b.find(Op::Linear).size(), 2u);
  EXPECT_EQ(b.find(Op::Dropout).size(), 2u);
  EXPECT_EQ(b.find(Op::Sum).size(), 2u);
}

TEST(Cse, MergesConstantsOnlyOfTheSameType) {
  Builder b;
  ValueRef x = b.input(f32({3}));
  ValueRef c1 = b.constant(2.0);
  ValueRef c2 = b.constant(2.0);
  ValueRef c3 = b.constant(2.0, f32({3}));
  b.output(b.op(Op::Add, {b.op(Op::Mul, {x, c1}), b.op(Op::Mul, {c2, c3})}));

  EXPECT_TRUE(eliminate_common_subexpressions(b.graph));
  EXPECT_EQ(b.find(Op::Const), (std::vector<NodeId>{c1.node, c3.node}));
  EXPECT_EQ(verify_errors(b.graph), "");
}

}  // namespace
}  // namespace genc::passes::testing
