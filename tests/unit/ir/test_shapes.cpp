// Unit tests of the shape functions (infer_shape) and the value types' text forms:
// results of every op family, and each error path with its kind, message and culprit.
#include <fmt/args.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "compiler/ir/op.h"
#include "compiler/ir/shape_fns.h"

namespace genc::ir {
namespace {

ValueType f32(std::vector<int64_t> dims) { return ValueType::tensor(std::move(dims)); }
ValueType i64(std::vector<int64_t> dims, int64_t classes = 0) {
  ValueType t = ValueType::tensor(std::move(dims), DType::I64);
  t.classes = classes;
  return t;
}

// The diagnostic message a failed result renders to.
std::string message(const ShapeResult& r) {
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const std::string& a : r.error_args) args.push_back(a);
  return fmt::vformat(diag_info(r.error).format, args);
}

// Infers a single-result op and returns the result's text form, or "error: <message>".
std::string infer1(Op op, std::vector<ValueType> inputs, Attrs attrs = {}) {
  ShapeResult r = infer_shape(op, inputs, attrs);
  if (!r.ok) return "error: " + message(r);
  EXPECT_EQ(r.outputs.size(), 1u);
  return r.outputs.empty() ? "" : r.outputs[0].str();
}

ShapeResult fail(Op op, std::vector<ValueType> inputs, Attrs attrs = {}) {
  ShapeResult r = infer_shape(op, inputs, attrs);
  EXPECT_FALSE(r.ok) << "expected an error from " << op_name(op);
  return r;
}

// --- types and the op table

TEST(ValueTypeText, FormsMatchTheIrText) {
  EXPECT_EQ(f32({1, 28, 28}).str(), "f32[1,28,28]");
  EXPECT_EQ(f32({}).str(), "f32[]");
  EXPECT_EQ(i64({784}, 2).str(), "i64[784] of 2");
  EXPECT_EQ(i64({}, 10).str(), "i64[] of 10");
  EXPECT_EQ(i64({}).str(), "i64[]");
  ValueType g = f32({20});
  g.kind = ValueKind::Gaussian;
  EXPECT_EQ(g.str(), "gaussian[20]");
  ValueType c = f32({784});
  c.kind = ValueKind::Categorical;
  c.classes = 2;
  EXPECT_EQ(c.str(), "categorical[784] of 2");
  EXPECT_EQ(f32({1, 28, 28}).numel(), 784);
  EXPECT_EQ(f32({}).numel(), 1);
  EXPECT_EQ(shape_str({400}), "[400]");
  EXPECT_EQ(shape_str({}), "[]");
}

TEST(AttrText, EveryAlternative) {
  EXPECT_EQ(attr_str(true), "true");
  EXPECT_EQ(attr_str(int64_t{12}), "12");
  EXPECT_EQ(attr_str(1.5), "1.5");
  EXPECT_EQ(attr_str(1.0), "1.0");
  EXPECT_EQ(attr_str(1e-7), "1e-07");
  EXPECT_EQ(attr_str(std::string("a\"b\\")), "\"a\\\"b\\\\\"");
  EXPECT_EQ(attr_str(std::vector<int64_t>{1, 2}), "[1,2]");
  EXPECT_EQ(attr_str(std::vector<double>{0.5, 1.0}), "[0.5,1.0]");
  EXPECT_EQ(attr_str(std::vector<std::string>{"a", "b"}), "[\"a\",\"b\"]");
}

TEST(AttrGetters, TypedAccessAndDefaults) {
  Attrs a{{"n", int64_t{3}},
          {"x", 0.5},
          {"b", true},
          {"s", std::string("hi")},
          {"v", std::vector<int64_t>{1, 2}},
          {"e", std::vector<double>{}}};
  EXPECT_EQ(attr_int(a, "n"), 3);
  EXPECT_DOUBLE_EQ(attr_float(a, "x"), 0.5);
  EXPECT_DOUBLE_EQ(attr_float(a, "n"), 3.0);
  EXPECT_TRUE(attr_bool(a, "b"));
  EXPECT_EQ(attr_string(a, "s"), "hi");
  EXPECT_EQ(attr_ints(a, "v"), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(attr_ints(a, "e").empty());
  EXPECT_EQ(attr_int_or(a, "missing", 7), 7);
  EXPECT_DOUBLE_EQ(attr_float_or(a, "missing", 0.25), 0.25);
  EXPECT_FALSE(attr_bool_or(a, "missing", false));
  EXPECT_EQ(attr_string_or(a, "missing", "d"), "d");
  EXPECT_THROW(attr_int(a, "missing"), InternalError);
  EXPECT_THROW(attr_int(a, "s"), InternalError);
  EXPECT_THROW(attr_ints(a, "n"), InternalError);
}

TEST(OpTable, NamesRoundTripAndFlags) {
  EXPECT_GT(op_count(), 40);
  for (int i = 0; i < op_count(); ++i) {
    Op op = static_cast<Op>(i);
    EXPECT_EQ(op_info(op).op, op);
    EXPECT_EQ(op_from_name(op_name(op)), op);
  }
  EXPECT_EQ(op_from_name("leaky_relu"), Op::LeakyRelu);
  EXPECT_FALSE(op_from_name("nope").has_value());
  EXPECT_TRUE(has_flag(Op::Linear, kParams));
  EXPECT_TRUE(has_flag(Op::Relu, kActivation));
  EXPECT_FALSE(has_flag(Op::Exp, kActivation));
  EXPECT_EQ(op_info(Op::Split).outputs, -1);
}

// --- generic checks of the dispatcher

TEST(ShapeDispatch, OperandCountAndKind) {
  ShapeResult r = fail(Op::Add, {f32({3})});
  EXPECT_EQ(r.error, DiagKind::WrongArity);
  EXPECT_EQ(message(r), "'add' takes 2 operands but 1 were given");
  ValueType g = f32({3});
  g.kind = ValueKind::Gaussian;
  r = fail(Op::Relu, {g});
  EXPECT_EQ(r.error, DiagKind::DTypeMismatch);
  EXPECT_EQ(message(r), "'relu' expects a tensor, got gaussian[3]");
  EXPECT_EQ(r.culprit, 0);
}

TEST(ShapeStructure, InputOutputConst) {
  ValueType x = i64({784}, 2);
  ShapeResult r =
      infer_shape(Op::Input, {}, {{"name", std::string("x")}, {"index", int64_t{0}}}, &x);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.outputs, std::vector<ValueType>{x});
  ValueType g = f32({20});
  g.kind = ValueKind::Gaussian;
  r = infer_shape(Op::Output, {g}, {});
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.outputs.empty());
  EXPECT_EQ(infer1(Op::Const, {}, {{"value", 1.5}}), "f32[]");
  ValueType shaped = f32({3});
  r = infer_shape(Op::Const, {}, {{"value", int64_t{2}}}, &shaped);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.outputs[0], shaped);
  EXPECT_EQ(infer1(Op::Const, {}, {}), "error: missing argument 'value' in call to 'const'");
}

// --- layers

TEST(ShapeLayers, Linear) {
  EXPECT_EQ(infer1(Op::Linear, {f32({784})}, {{"out", int64_t{400}}}), "f32[400]");
  EXPECT_EQ(infer1(Op::Linear, {f32({784, 128})}, {{"out", int64_t{2}}, {"bias", false}}),
            "f32[784,2]");
  // The fusion pass adds `act` (and `slope` for leaky_relu).
  EXPECT_EQ(infer1(Op::Linear, {f32({8})},
                   {{"out", int64_t{4}}, {"act", std::string("leaky_relu")}, {"slope", 0.2}}),
            "f32[4]");
  EXPECT_EQ(infer1(Op::Linear, {f32({8})}, {{"out", int64_t{4}}, {"act", std::string("exp")}}),
            "error: invalid value \"exp\" for 'act': expected an activation "
            "(relu, leaky_relu, gelu, silu, tanh, sigmoid, softplus)");
  EXPECT_EQ(infer1(Op::Linear, {f32({8})}, {}),
            "error: missing argument 'out' in call to 'linear'");
  EXPECT_EQ(infer1(Op::Linear, {f32({8})}, {{"out", 2.5}}),
            "error: argument 'out' of 'linear' must be an integer, got 2.5");
  EXPECT_EQ(infer1(Op::Linear, {f32({8})}, {{"out", int64_t{0}}}),
            "error: invalid value 0 for 'out': expected a positive integer");
  ShapeResult r = fail(Op::Linear, {i64({8}, 2)}, {{"out", int64_t{4}}});
  EXPECT_EQ(message(r), "'linear' expects an f32 tensor, got i64[8] of 2");
  EXPECT_EQ(r.culprit, 0);
  EXPECT_EQ(infer1(Op::Linear, {f32({})}, {{"out", int64_t{4}}}),
            "error: 'linear' expects [...,features], got []");
}

TEST(ShapeLayers, ConvAndUpConv) {
  Attrs down{{"out", int64_t{64}}, {"k", int64_t{4}}, {"s", int64_t{2}}, {"p", int64_t{1}}};
  EXPECT_EQ(infer1(Op::Conv, {f32({1, 28, 28})}, down), "f32[64,14,14]");
  EXPECT_EQ(infer1(Op::Conv, {f32({64, 14, 14})}, down), "f32[64,7,7]");
  EXPECT_EQ(infer1(Op::Conv, {f32({3, 100})}, {{"out", int64_t{8}}, {"k", int64_t{3}}}),
            "f32[8,98]");
  EXPECT_EQ(infer1(Op::Conv, {f32({3, 5, 5})},
                   {{"out", int64_t{8}}, {"k", int64_t{3}}, {"act", std::string("relu")}}),
            "f32[8,3,3]");
  EXPECT_EQ(infer1(Op::UpConv, {f32({128, 7, 7})}, down), "f32[64,14,14]");
  EXPECT_EQ(infer1(Op::UpConv, {f32({64, 14, 14})}, down), "f32[64,28,28]");
  EXPECT_EQ(infer1(Op::UpConv, {f32({4, 3})},
                   {{"out", int64_t{2}}, {"k", int64_t{3}}, {"s", int64_t{2}}}),
            "f32[2,7]");
  ShapeResult r = fail(Op::Conv, {f32({784})}, down);
  EXPECT_EQ(message(r), "'conv' expects [C,L] or [C,H,W], got [784]");
  EXPECT_EQ(r.culprit, 0);
  EXPECT_EQ(infer1(Op::Conv, {f32({1, 4, 4})}, {{"out", int64_t{1}}, {"k", int64_t{5}}}),
            "error: 'conv' with k 5, s 1, p 0 leaves no output for input [1,4,4]");
  EXPECT_EQ(infer1(Op::UpConv, {f32({1, 1})},
                   {{"out", int64_t{1}}, {"k", int64_t{1}}, {"p", int64_t{1}}}),
            "error: 'upconv' with k 1, s 1, p 1 leaves no output for input [1,1]");
  EXPECT_EQ(infer1(Op::Conv, {f32({1, 4, 4})},
                   {{"out", int64_t{1}}, {"k", int64_t{1}}, {"p", int64_t{-1}}}),
            "error: invalid value -1 for 'p': expected a non-negative integer");
  EXPECT_EQ(infer1(Op::Conv, {f32({1, 4, 4})}, {{"out", int64_t{1}}}),
            "error: missing argument 'k' in call to 'conv'");
}

TEST(ShapeLayers, Normalisations) {
  EXPECT_EQ(infer1(Op::BatchNorm, {f32({128, 7, 7})}), "f32[128,7,7]");
  EXPECT_EQ(infer1(Op::BatchNorm, {f32({400})}), "f32[400]");
  EXPECT_EQ(infer1(Op::BatchNorm, {f32({})}), "error: 'batchnorm' expects [F] or [C,...], got []");
  EXPECT_EQ(infer1(Op::LayerNorm, {f32({784, 128})}), "f32[784,128]");
  EXPECT_EQ(infer1(Op::LayerNorm, {f32({})}), "error: 'layernorm' expects [...,D], got []");
  EXPECT_EQ(infer1(Op::GroupNorm, {f32({32, 8, 8})}, {{"groups", int64_t{8}}}), "f32[32,8,8]");
  ShapeResult r = fail(Op::GroupNorm, {f32({6, 8, 8})}, {{"groups", int64_t{4}}});
  EXPECT_EQ(r.error, DiagKind::ShapeError);
  EXPECT_EQ(message(r), "'groupnorm' needs channels divisible by groups: 6 channels, 4 groups");
  EXPECT_EQ(r.culprit, 0);
}

TEST(ShapeLayers, EmbedPositionAttention) {
  EXPECT_EQ(infer1(Op::Embed, {i64({784}, 2)}, {{"dim", int64_t{128}}}), "f32[784,128]");
  EXPECT_EQ(infer1(Op::Embed, {i64({}, 10)}, {{"dim", int64_t{16}}}), "f32[16]");
  ShapeResult r = fail(Op::Embed, {f32({784})}, {{"dim", int64_t{8}}});
  EXPECT_EQ(r.error, DiagKind::DTypeMismatch);
  EXPECT_EQ(message(r), "'embed' expects tokens or a label with a class count, got f32[784]");
  EXPECT_EQ(fail(Op::Embed, {i64({})}, {{"dim", int64_t{8}}}).error, DiagKind::DTypeMismatch);

  EXPECT_EQ(infer1(Op::Position, {}, {{"len", int64_t{784}}, {"dim", int64_t{128}}}),
            "f32[784,128]");
  EXPECT_EQ(infer1(Op::Position, {}, {{"len", int64_t{784}}}),
            "error: missing argument 'dim' in call to 'position'");

  Attrs heads{{"heads", int64_t{4}}, {"causal", true}};
  EXPECT_EQ(infer1(Op::Attention, {f32({784, 128})}, heads), "f32[784,128]");
  EXPECT_EQ(infer1(Op::Attention, {f32({16, 128}), f32({77, 512})}, heads), "f32[16,128]");
  EXPECT_EQ(infer1(Op::Attention, {f32({16, 130})}, heads),
            "error: 'attention' needs the width divisible by heads: width 130, 4 heads");
  r = fail(Op::Attention, {f32({16, 128}), f32({512})}, heads);
  EXPECT_EQ(message(r), "'attention' expects a context [Lc,dc], got [512]");
  EXPECT_EQ(r.culprit, 1);
  EXPECT_EQ(infer1(Op::Attention, {f32({128})}, heads),
            "error: 'attention' expects [L,d], got [128]");
  r = fail(Op::Attention, {f32({4, 8}), f32({4, 8}), f32({4, 8})}, heads);
  EXPECT_EQ(message(r), "'attention' takes 1 or 2 operands but 3 were given");
  EXPECT_EQ(infer1(Op::Attention, {f32({4, 8})}, {{"heads", int64_t{2}}, {"causal", int64_t{1}}}),
            "error: argument 'causal' of 'attention' must be true or false, got 1");
}

// --- elementwise and arithmetic

TEST(ShapeElementwise, KeepShapeOnF32Only) {
  for (Op op : {Op::Relu, Op::LeakyRelu, Op::Gelu, Op::Silu, Op::Tanh, Op::Sigmoid, Op::Softplus,
                Op::Exp, Op::Log, Op::Sqrt, Op::Sin, Op::Cos, Op::Neg}) {
    EXPECT_EQ(infer1(op, {f32({2, 3})}), "f32[2,3]") << op_name(op);
    ShapeResult r = fail(op, {i64({3}, 5)});
    EXPECT_EQ(r.error, DiagKind::DTypeMismatch) << op_name(op);
    EXPECT_EQ(message(r), fmt::format("'{}' expects an f32 tensor, got i64[3] of 5", op_name(op)));
  }
  EXPECT_EQ(infer1(Op::Dropout, {f32({400})}, {{"p", 0.1}}), "f32[400]");
  EXPECT_EQ(infer1(Op::Dropout, {f32({400})}, {{"p", 1.0}}),
            "error: invalid value 1.0 for 'p': expected a probability in [0, 1)");
}

TEST(ShapeArithmetic, BroadcastLikePyTorch) {
  EXPECT_EQ(infer1(Op::Add, {f32({400}), f32({400})}), "f32[400]");
  EXPECT_EQ(infer1(Op::Mul, {f32({3, 1, 5}), f32({4, 1})}), "f32[3,4,5]");
  EXPECT_EQ(infer1(Op::Sub, {f32({}), f32({2, 2})}), "f32[2,2]");
  EXPECT_EQ(infer1(Op::Add, {f32({784, 128}), f32({784, 128})}), "f32[784,128]");
  EXPECT_EQ(infer1(Op::Add, {i64({}), i64({})}), "i64[]");
  EXPECT_EQ(infer1(Op::Div, {i64({}), i64({})}), "f32[]");
  EXPECT_EQ(infer1(Op::Mul, {i64({}), f32({})}), "f32[]");

  ShapeResult r = fail(Op::Add, {f32({400}), f32({20})}, {{"symbol", std::string("+")}});
  EXPECT_EQ(r.error, DiagKind::ShapeMismatch);
  EXPECT_EQ(message(r), "shape mismatch in '+': [400] vs [20]");
  EXPECT_EQ(r.culprit, 1);
  r = fail(Op::Div, {f32({2, 3}), f32({2})});
  EXPECT_EQ(message(r), "shape mismatch in 'div': [2,3] vs [2]");
}

TEST(ShapeArithmetic, MatMulLikeTorch) {
  Attrs at{{"symbol", std::string("@")}};
  EXPECT_EQ(infer1(Op::MatMul, {f32({3}), f32({3})}, at), "f32[]");
  EXPECT_EQ(infer1(Op::MatMul, {f32({2, 3}), f32({3, 4})}, at), "f32[2,4]");
  EXPECT_EQ(infer1(Op::MatMul, {f32({3}), f32({3, 4})}, at), "f32[4]");
  EXPECT_EQ(infer1(Op::MatMul, {f32({2, 3}), f32({3})}, at), "f32[2]");
  EXPECT_EQ(infer1(Op::MatMul, {f32({5, 1, 2, 3}), f32({4, 3, 7})}, at), "f32[5,4,2,7]");
  ShapeResult r = fail(Op::MatMul, {f32({2, 3}), f32({4, 5})}, at);
  EXPECT_EQ(message(r), "shape mismatch in '@': [2,3] vs [4,5]");
  EXPECT_EQ(r.culprit, 1);
  EXPECT_EQ(message(fail(Op::MatMul, {f32({2, 2, 3}), f32({3, 3, 4})}, at)),
            "shape mismatch in '@': [2,2,3] vs [3,3,4]");
  EXPECT_EQ(infer1(Op::MatMul, {f32({}), f32({3})}),
            "error: 'matmul' expects at least one dimension, got []");
}

// --- shape manipulation and reductions

TEST(ShapeManipulation, FlattenAndReshape) {
  EXPECT_EQ(infer1(Op::Flatten, {f32({1, 28, 28})}), "f32[784]");
  EXPECT_EQ(infer1(Op::Flatten, {i64({28, 28}, 2)}), "i64[784] of 2");
  Attrs shape{{"shape", std::vector<int64_t>{1, 28, 28}}};
  EXPECT_EQ(infer1(Op::Reshape, {f32({784})}, shape), "f32[1,28,28]");
  EXPECT_EQ(infer1(Op::Reshape, {f32({784})}, {{"shape", std::vector<int64_t>{-1, 28}}}),
            "f32[28,28]");

  ShapeResult r =
      fail(Op::Reshape, {f32({1, 28, 28})}, {{"shape", std::vector<int64_t>{1, 27, 28}}});
  EXPECT_EQ(r.error, DiagKind::ReshapeCount);
  EXPECT_EQ(message(r), "cannot reshape [1,28,28] (784 elements) to [1,27,28] (756 elements)");
  EXPECT_EQ(r.culprit, 0);
  EXPECT_EQ(infer1(Op::Reshape, {f32({784})}, {{"shape", std::vector<int64_t>{-1, 5}}}),
            "error: cannot reshape [784] (784 elements) to [-1,5]: 784 is not a multiple of 5");
  EXPECT_EQ(
      infer1(Op::Reshape, {f32({784})}, {{"shape", std::vector<int64_t>{-1, -1}}}),
      "error: invalid value [-1,-1] for 'shape': expected positive sizes with at most one -1");
  EXPECT_EQ(
      infer1(Op::Reshape, {f32({784})}, {{"shape", std::vector<int64_t>{0, 784}}}),
      "error: invalid value [0,784] for 'shape': expected positive sizes with at most one -1");
}

TEST(ShapeManipulation, ConcatAndSplit) {
  EXPECT_EQ(infer1(Op::Concat, {f32({32, 8, 8}), f32({16, 8, 8})}, {{"dim", int64_t{0}}}),
            "f32[48,8,8]");
  EXPECT_EQ(infer1(Op::Concat, {f32({2, 3}), f32({2, 4}), f32({2, 1})}, {{"dim", int64_t{-1}}}),
            "f32[2,8]");
  ShapeResult r = fail(Op::Concat, {f32({32, 8, 8}), f32({16, 4, 4})}, {{"dim", int64_t{0}}});
  EXPECT_EQ(message(r), "shape mismatch in 'concat': [32,8,8] vs [16,4,4]");
  EXPECT_EQ(r.culprit, 1);
  r = fail(Op::Concat, {f32({2}), f32({2})}, {{"dim", int64_t{1}}});
  EXPECT_EQ(r.error, DiagKind::BadDimension);
  EXPECT_EQ(message(r), "dimension 1 out of range for a tensor of rank 1");
  EXPECT_EQ(message(fail(Op::Concat, {f32({2})}, {})),
            "'concat' takes at least 2 operands but 1 were given");
  EXPECT_EQ(message(fail(Op::Concat, {f32({2}), i64({2})}, {})),
            "'concat' expects f32 tensors, got i64[2]");

  ShapeResult s =
      infer_shape(Op::Split, {f32({8, 4})}, {{"parts", int64_t{2}}, {"dim", int64_t{0}}});
  ASSERT_TRUE(s.ok);
  EXPECT_EQ(s.outputs, (std::vector<ValueType>{f32({4, 4}), f32({4, 4})}));
  s = infer_shape(Op::Split, {f32({8, 6})}, {{"parts", int64_t{3}}, {"dim", int64_t{-1}}});
  ASSERT_TRUE(s.ok);
  EXPECT_EQ(s.outputs.size(), 3u);
  EXPECT_EQ(s.outputs[2], f32({8, 2}));
  EXPECT_EQ(message(fail(Op::Split, {f32({5})}, {{"parts", int64_t{2}}, {"dim", int64_t{0}}})),
            "'split' cannot divide dimension 0 of size 5 into 2 equal parts");
  EXPECT_EQ(fail(Op::Split, {f32({5})}, {{"parts", int64_t{2}}, {"dim", int64_t{-2}}}).error,
            DiagKind::BadDimension);
}

TEST(ShapeManipulation, Reductions) {
  EXPECT_EQ(infer1(Op::Sum, {f32({1, 28, 28})}, {{"dims", std::vector<int64_t>{1, 2}}}), "f32[1]");
  EXPECT_EQ(infer1(Op::Mean, {f32({4, 5, 6})}, {{"dims", std::vector<int64_t>{-1}}}), "f32[4,5]");
  EXPECT_EQ(infer1(Op::Mean, {f32({4, 5})}, {{"dims", int64_t{0}}}), "f32[5]");
  EXPECT_EQ(infer1(Op::Sum, {f32({4, 5})}), "f32[]");
  ShapeResult r = fail(Op::Sum, {f32({4, 5})}, {{"dims", std::vector<int64_t>{2}}});
  EXPECT_EQ(message(r), "dimension 2 out of range for a tensor of rank 2");
  EXPECT_EQ(infer1(Op::Sum, {f32({4, 5})}, {{"dims", std::vector<int64_t>{0, -2}}}),
            "error: invalid value [0,-2] for 'dims': expected distinct dimensions");
}

TEST(ShapeManipulation, ResamplingAndTime) {
  EXPECT_EQ(infer1(Op::Upsample, {f32({64, 7, 7})}, {{"factor", int64_t{2}}}), "f32[64,14,14]");
  EXPECT_EQ(infer1(Op::AvgPool, {f32({64, 7, 7})}, {{"factor", int64_t{2}}}), "f32[64,3,3]");
  EXPECT_EQ(infer1(Op::Upsample, {f32({64})}, {{"factor", int64_t{2}}}),
            "error: 'upsample' expects [C,H,W], got [64]");
  EXPECT_EQ(infer1(Op::AvgPool, {f32({1, 2, 2})}, {{"factor", int64_t{4}}}),
            "error: 'avgpool' with factor 4 leaves no output for input [1,2,2]");
  EXPECT_EQ(infer1(Op::Sinusoidal, {i64({})}, {{"dim", int64_t{32}}}), "f32[32]");
  EXPECT_EQ(infer1(Op::Sinusoidal, {f32({})}, {{"dim", int64_t{32}}}), "f32[32]");
  EXPECT_EQ(infer1(Op::Sinusoidal, {f32({3})}, {{"dim", int64_t{32}}}),
            "error: 'sinusoidal' expects a time value [], got [3]");
  EXPECT_EQ(infer1(Op::Sinusoidal, {i64({})}, {{"dim", int64_t{5}}}),
            "error: invalid value 5 for 'dim': expected an even number");
}

// --- distributions

TEST(ShapeDistributions, Constructors) {
  EXPECT_EQ(infer1(Op::Gaussian, {f32({20}), f32({20})}), "gaussian[20]");
  ShapeResult r = fail(Op::Gaussian, {f32({20}), f32({10})});
  EXPECT_EQ(message(r), "shape mismatch in 'gaussian': [20] vs [10]");
  EXPECT_EQ(r.culprit, 1);
  EXPECT_EQ(infer1(Op::Bernoulli, {f32({1, 28, 28})}), "bernoulli[1,28,28]");
  EXPECT_EQ(infer1(Op::Categorical, {f32({784, 2})}), "categorical[784] of 2");
  EXPECT_EQ(infer1(Op::Categorical, {f32({})}),
            "error: 'categorical' expects logits [...,classes], got []");
  EXPECT_EQ(fail(Op::Bernoulli, {i64({3})}).error, DiagKind::DTypeMismatch);
}

// --- flows

TEST(ShapeFlow, MaskSelect) {
  auto select = [](std::vector<int64_t> dims, const char* mask, const char* part) {
    return infer1(Op::MaskSelect, {f32(std::move(dims))},
                  {{"mask", std::string(mask)}, {"part", std::string(part)}});
  };
  EXPECT_EQ(select({2}, "even", "cond"), "f32[1]");
  EXPECT_EQ(select({5}, "even", "cond"), "f32[3]");
  EXPECT_EQ(select({5}, "even", "rest"), "f32[2]");
  EXPECT_EQ(select({5}, "odd", "cond"), "f32[2]");
  EXPECT_EQ(select({5}, "odd", "rest"), "f32[3]");
  EXPECT_EQ(select({2, 3, 3}, "checker", "cond"), "f32[2,3,3]");  // the spatial shape kept
  EXPECT_EQ(select({2, 3, 3}, "checker", "rest"), "f32[8]");
  EXPECT_EQ(select({4, 2, 2}, "channel", "cond"), "f32[2,2,2]");
  EXPECT_EQ(select({3, 2, 2}, "channel", "cond"), "f32[2,2,2]");
  EXPECT_EQ(select({3, 2, 2}, "channel", "rest"), "f32[4]");
  EXPECT_EQ(select({1}, "even", "cond"), "error: mask \"even\" leaves one half of [1] empty");
  EXPECT_EQ(select({4}, "checker", "cond"),
            "error: 'mask_select' expects [C,H,W] for mask \"checker\", got [4]");
  EXPECT_EQ(select({4}, "diag", "cond"),
            "error: invalid value \"diag\" for 'mask': expected \"even\", \"odd\", \"checker\" or "
            "\"channel\"");
  EXPECT_EQ(select({4}, "even", "all"),
            "error: invalid value \"all\" for 'part': expected \"cond\" or \"rest\"");
}

TEST(ShapeFlow, Couplings) {
  Attrs even{{"mask", std::string("even")}};
  ShapeResult r = infer_shape(Op::AffineCoupling, {f32({2}), f32({2})}, even);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.outputs, (std::vector<ValueType>{f32({2}), f32({})}));
  r = infer_shape(Op::AdditiveCoupling, {f32({6}), f32({3})}, even);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.outputs[0], f32({6}));
  r = infer_shape(Op::AffineCoupling, {f32({4, 4, 4}), f32({64})},
                  {{"mask", std::string("channel")}});
  ASSERT_TRUE(r.ok);

  r = fail(Op::AffineCoupling, {f32({6}), f32({3})}, even);
  EXPECT_EQ(r.error, DiagKind::ShapeError);
  EXPECT_EQ(message(r),
            "'affine_coupling' needs a net output of 6 elements (2 x 3 transformed), got [3] (3 "
            "elements)");
  EXPECT_EQ(r.culprit, 1);
  r = fail(Op::AdditiveCoupling, {f32({6}), f32({6})}, even);
  EXPECT_EQ(message(r),
            "'additive_coupling' needs a net output of 3 elements (one per transformed), got [6] "
            "(6 elements)");
  EXPECT_EQ(message(fail(Op::AffineCoupling, {f32({6}), f32({6})}, {})),
            "missing argument 'mask' in call to 'affine_coupling'");
}

TEST(ShapeFlow, InvertibleSteps) {
  for (Op op : {Op::ActNorm, Op::Permute, Op::Logit, Op::Dequantize, Op::InvConv1x1}) {
    ShapeResult r = infer_shape(op, {f32({1, 28, 28})}, {});
    ASSERT_TRUE(r.ok) << op_name(op);
    EXPECT_EQ(r.outputs, (std::vector<ValueType>{f32({1, 28, 28}), f32({})})) << op_name(op);
    EXPECT_FALSE(infer_shape(op, {f32({})}, {}).ok) << op_name(op);
    EXPECT_EQ(infer_shape(op, {i64({2})}, {}).error, DiagKind::DTypeMismatch) << op_name(op);
  }
  EXPECT_EQ(message(fail(Op::InvConv1x1, {f32({1, 2, 3, 4})})),
            "'invconv1x1' expects [C], [C,L] or [C,H,W], got [1,2,3,4]");
  ShapeResult r = infer_shape(Op::Squeeze, {f32({1, 28, 28})}, {});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.outputs, (std::vector<ValueType>{f32({4, 14, 14}), f32({})}));
  EXPECT_EQ(message(fail(Op::Squeeze, {f32({1, 7, 7})})),
            "'squeeze' expects [C,H,W] with even H and W, got [1,7,7]");
}

TEST(ShapeFlow, ImageCouplingsAndFactorOut) {
  Attrs checker{{"mask", std::string("checker")}};
  // A full-size net output on a feature map ([2C,H,W]: a checkerboard's conv head) or packed.
  EXPECT_TRUE(infer_shape(Op::AffineCoupling, {f32({4, 14, 14}), f32({8, 14, 14})}, checker).ok);
  EXPECT_TRUE(infer_shape(Op::AffineCoupling, {f32({4, 14, 14}), f32({784})}, checker).ok);
  EXPECT_TRUE(infer_shape(Op::AdditiveCouplingInv, {f32({4, 14, 14}), f32({4, 14, 14})}, checker).ok);
  EXPECT_FALSE(infer_shape(Op::AffineCoupling, {f32({4, 14, 14}), f32({6, 14, 14})}, checker).ok);
  Attrs bad{{"mask", std::string("channel")}, {"scale", std::string("softplus")}};
  EXPECT_EQ(message(fail(Op::AffineCoupling, {f32({4, 2, 2}), f32({4, 2, 2})}, bad)),
            "invalid value \"softplus\" for 'scale': expected \"exp\" or \"sigmoid\"");

  ShapeResult r = infer_shape(Op::FactorOut, {f32({4, 14, 14})}, {});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.outputs, (std::vector<ValueType>{f32({2, 14, 14}), f32({}), f32({2, 14, 14})}));
  EXPECT_EQ(message(fail(Op::FactorOut, {f32({3, 14, 14})})),
            "'factor_out' expects [C,H,W] with an even C, got [3,14,14]");
  EXPECT_EQ(message(fail(Op::FactorOut, {f32({8})})), "'factor_out' expects [C,H,W] with an even C, got [8]");
  r = infer_shape(Op::FactorOutInv, {f32({2, 7, 7}), f32({2, 7, 7})}, {});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.outputs[0], f32({4, 7, 7}));
  EXPECT_FALSE(infer_shape(Op::FactorOutInv, {f32({2, 7, 7}), f32({1, 7, 7})}, {}).ok);
}

}  // namespace
}  // namespace genc::ir
