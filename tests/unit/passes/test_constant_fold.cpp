// Unit tests of constant folding and algebraic simplification.
#include <cmath>

#include "compiler/passes/constant_fold.h"
#include "tests/unit/passes/pass_test_util.h"

namespace genc::passes::testing {
namespace {

double value_of(const Builder& b, ValueRef v) {
  EXPECT_EQ(b.node(v).op, Op::Const);
  return ir::attr_float(b.node(v).attrs, "value");
}

TEST(ConstantFold, FoldsArithmeticChains) {
  Builder b;
  ValueRef two = b.constant(2.0);
  ValueRef three = b.constant(3.0, f32({4}));
  ValueRef six = b.op(Op::Mul, {two, three});                               // f32[4] of 6
  ValueRef root = b.op(Op::Sqrt, {b.op(Op::Sub, {six, b.constant(2.0)})});  // sqrt(4) = 2
  ValueRef x = b.input(f32({4}));
  b.output(b.op(Op::Add, {x, root}));

  EXPECT_TRUE(fold_constants(b.graph));
  ValueRef folded = b.node(b.returned()).inputs[1];
  EXPECT_DOUBLE_EQ(value_of(b, folded), 2.0);
  EXPECT_EQ(b.graph.type(folded), f32({4}));  // the broadcast result type is kept
  EXPECT_TRUE(b.find(Op::Mul).empty());
  EXPECT_TRUE(b.find(Op::Sqrt).empty());
  EXPECT_EQ(verify_errors(b.graph), "");
}

TEST(ConstantFold, LeavesNonFiniteResultsAlone) {
  Builder b;
  ValueRef l = b.op(Op::Log, {b.constant(0.0)});
  ValueRef d = b.op(Op::Div, {b.constant(1.0), b.constant(0.0)});
  b.output(b.op(Op::Add, {l, d}));
  EXPECT_FALSE(fold_constants(b.graph));
  EXPECT_EQ(b.find(Op::Log).size(), 1u);
  EXPECT_EQ(b.find(Op::Div).size(), 1u);
}

TEST(ConstantFold, RemovesNeutralArithmetic) {
  Builder b;
  ValueRef x = b.input(f32({3}));
  ValueRef h = b.op(Op::Mul, {x, b.constant(1.0)});
  h = b.op(Op::Mul, {b.constant(1.0), h});
  h = b.op(Op::Add, {h, b.constant(0.0)});
  h = b.op(Op::Add, {b.constant(0.0), h});
  h = b.op(Op::Sub, {h, b.constant(0.0)});
  h = b.op(Op::Div, {h, b.constant(1.0, f32({3}))});
  b.output(h);

  EXPECT_TRUE(fold_constants(b.graph));
  EXPECT_EQ(b.returned(), x);
  for (Op op : {Op::Mul, Op::Add, Op::Sub, Op::Div})
    EXPECT_TRUE(b.find(op).empty()) << ir::op_name(op);
  EXPECT_EQ(verify_errors(b.graph), "");
}

TEST(ConstantFold, KeepsArithmeticThatChangesTheValueOrType) {
  Builder b;
  ValueRef x = b.input(f32({}));
  ValueRef widen = b.op(Op::Mul, {x, b.constant(1.0, f32({5}))});  // broadcasts x to [5]
  ValueRef flip = b.op(Op::Sub, {b.constant(0.0), x});             // 0 - x is -x
  ValueRef scale = b.op(Op::Mul, {x, b.constant(2.0)});
  ValueRef t = b.input(ValueType::tensor({}, ir::DType::I64), 1);
  ValueRef cast = b.op(Op::Mul, {t, b.constant(1.0)});  // i64 * f32 -> f32
  b.output(b.op(Op::Concat,
                {widen, b.op(Op::Flatten, {b.op(Op::Add, {b.op(Op::Add, {flip, scale}), cast})})},
                {{"dim", int64_t{0}}}));

  EXPECT_FALSE(fold_constants(b.graph));
  EXPECT_EQ(b.find(Op::Mul).size(), 3u);
  EXPECT_EQ(b.find(Op::Sub).size(), 1u);
}

TEST(ConstantFold, DropsReshapesToTheSameType) {
  Builder b;
  ValueRef x = b.input(f32({1, 28, 28}));
  ValueRef same = b.op(Op::Reshape, {x}, {{"shape", std::vector<int64_t>{1, 28, 28}}});
  ValueRef flat = b.op(Op::Flatten, {same});
  ValueRef flat_again = b.op(Op::Flatten, {flat});
  ValueRef back = b.op(Op::Reshape, {flat_again}, {{"shape", std::vector<int64_t>{1, 28, -1}}});
  b.output(back);

  EXPECT_TRUE(fold_constants(b.graph));
  EXPECT_EQ(b.find(Op::Flatten), std::vector<NodeId>{flat.node});
  EXPECT_EQ(b.find(Op::Reshape), std::vector<NodeId>{back.node});
  EXPECT_EQ(b.node(flat).inputs[0], x);
  EXPECT_EQ(b.node(back).inputs[0], flat);
  EXPECT_EQ(verify_errors(b.graph), "");
}

}  // namespace
}  // namespace genc::passes::testing
