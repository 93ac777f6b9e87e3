// Compile-time evaluation (numbers, strings, lists, comparisons, logic, ?:, len, blocks
// that compute values) and operators on tensors becoming graph nodes.
#include "sema_test_util.h"

namespace genc::test {
namespace {

using ir::Attr;
using ir::Op;

// `model m(v: EXPR)` with a trivial role; `after` may declare blocks.
std::string with_hyper(const std::string& expr, const std::string& after = "") {
  return "model m(v: " + expr +
         ") {\n  discriminator D(x: [8]) -> [2] {\n    return linear(x, 2)\n  }\n  objective "
         "classify\n}\n" +
         after;
}

// The value of hyperparameter `v`; fails the test when analysis fails.
Attr hyper(const std::string& expr, const std::string& after = "") {
  auto a = analyze(with_hyper(expr, after));
  if (!a->program) {
    ADD_FAILURE() << expr << ":\n" << a->rendered();
    return Attr(false);
  }
  const ir::Attrs& h = a->model().hyperparams;
  auto it = h.find("v");
  if (it == h.end()) {
    ADD_FAILURE() << expr << ": no attribute";
    return Attr(false);
  }
  return it->second;
}

// A discriminator D(x: [8]) -> [2] with `body` (which must return).
std::unique_ptr<Analyzed> role_body(const std::string& body, const std::string& after = "",
                                    const std::string& hypers = "") {
  return analyze("model m(" + hypers + ") {\n  discriminator D(x: [8]) -> [2] {\n" + body +
                 "\n  }\n  objective classify\n}\n" + after);
}

TEST(CompileTime, Arithmetic) {
  EXPECT_EQ(hyper("2 + 3 * 4"), Attr(int64_t{14}));
  EXPECT_EQ(hyper("(2 + 3) * 4"), Attr(int64_t{20}));
  EXPECT_EQ(hyper("8 / 2"), Attr(int64_t{4}));  // exact integer division stays an integer
  EXPECT_EQ(hyper("7 / 2"), Attr(3.5));
  EXPECT_EQ(hyper("-7 % 3"), Attr(int64_t{2}));  // the sign of the divisor, as in Python
  EXPECT_EQ(hyper("7.5 % 2"), Attr(1.5));
  EXPECT_EQ(hyper("2 * 3.0"), Attr(6.0));
  EXPECT_EQ(hyper("1e-3"), Attr(0.001));
  EXPECT_EQ(hyper("-(3 - 5)"), Attr(int64_t{2}));
  EXPECT_EQ(hyper("\"a\" + \"b\""), Attr(std::string("ab")));
}

TEST(CompileTime, ComparisonsAndLogic) {
  EXPECT_EQ(hyper("1 < 2 and not (3 == 4)"), Attr(true));
  EXPECT_EQ(hyper("1 == 1.0"), Attr(true));
  EXPECT_EQ(hyper("\"a\" < \"b\""), Attr(true));
  EXPECT_EQ(hyper("[1, 2] == [1, 2]"), Attr(true));
  EXPECT_EQ(hyper("[1, 2] != [1, 3]"), Attr(true));
  EXPECT_EQ(hyper("2 >= 3 or 2 <= 3"), Attr(true));
  // Short-circuit: the right operand is not evaluated.
  EXPECT_EQ(hyper("false and 1 / 0 == 0"), Attr(false));
  EXPECT_EQ(hyper("true or 1 / 0 == 0"), Attr(true));
}

TEST(CompileTime, ListsAndTernary) {
  EXPECT_EQ(hyper("[64, 128][1]"), Attr(int64_t{128}));
  EXPECT_EQ(hyper("[1, 2, 3][-1]"), Attr(int64_t{3}));
  EXPECT_EQ(hyper("len([1, 2, 3])"), Attr(int64_t{3}));
  EXPECT_EQ(hyper("len(\"abc\")"), Attr(int64_t{3}));
  EXPECT_EQ(hyper("[1] + [2]"), Attr(std::vector<int64_t>{1, 2}));
  EXPECT_EQ(hyper("[64] * 3"), Attr(std::vector<int64_t>{64, 64, 64}));
  EXPECT_EQ(hyper("[0.5, 1]"), Attr(std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(hyper("3 > 2 ? \"even\" : \"odd\""), Attr(std::string("even")));
  EXPECT_EQ(hyper("true ? 1 : 1 / 0"), Attr(int64_t{1}));  // only the taken branch is evaluated
}

TEST(CompileTime, BlocksComputeValues) {
  EXPECT_EQ(hyper("double(21)", "block double(n) { return n * 2 }\n"), Attr(int64_t{42}));
  EXPECT_EQ(hyper("total([1, 2, 3])",
                  "block total(xs) {\n  s = 0\n  repeat i in 0..len(xs) { s = s + xs[i] }\n  "
                  "return s\n}\n"),
            Attr(int64_t{6}));
  EXPECT_EQ(
      hyper("pick(5)",
            "block pick(n) {\n  if n > 2 { r = \"big\" } else { r = \"small\" }\n  return r\n}\n"),
      Attr(std::string("big")));
  EXPECT_EQ(hyper("fact(5)", "block fact(n) { return n <= 1 ? 1 : n * fact(n - 1) }\n"),
            Attr(int64_t{120}));
  EXPECT_EQ(hyper("early(1)",
                  "block early(n) {\n  if n == 1 { return \"one\" }\n  return \"other\"\n}\n"),
            Attr(std::string("one")));
}

TEST(CompileTime, HyperparametersSeeEarlierOnes) {
  auto a = analyze(
      "model m(a: 2, v: a * 3) {\n  discriminator D(x: [8]) -> [2] {\n    return linear(x, 2)\n  "
      "}\n"
      "  objective classify\n}\n");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(a->model().hyperparams.at("v"), Attr(int64_t{6}));
}

TEST(CompileTime, Errors) {
  auto overflow = analyze(with_hyper("9223372036854775807 + 1"));
  EXPECT_EQ(overflow->first(), "1:32 TypeError");
  EXPECT_NE(overflow->rendered().find("integer overflow in '+'"), std::string::npos);
  auto bad_index = analyze(with_hyper("[1, 2][\"a\"]"));
  EXPECT_EQ(bad_index->first(), "1:19 TypeError");
  auto float_div = analyze(with_hyper("1.0 / 0.0"));
  EXPECT_EQ(float_div->first(), "1:16 DivisionByZero");
  auto not_bool = analyze(with_hyper("not 3"));
  EXPECT_EQ(not_bool->first(), "1:12 TypeError");
  // One error per mistake: a poisoned value does not cascade.
  auto cascade = analyze(with_hyper("(1 / 0) + 2 * 3"));
  EXPECT_EQ(cascade->errors(), std::vector<std::string>{"1:15 DivisionByZero"});
}

TEST(TensorOperators, NumbersBecomeConstNodes) {
  auto a = role_body("    h = x * 2\n    h = 1 - h\n    h = -h\n    return linear(h / 4, 2)");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("D").graph;
  EXPECT_EQ(count_ops(g, Op::Const), 3u);
  EXPECT_EQ(count_ops(g, Op::Mul), 1u);
  EXPECT_EQ(count_ops(g, Op::Sub), 1u);
  EXPECT_EQ(count_ops(g, Op::Neg), 1u);
  EXPECT_EQ(count_ops(g, Op::Div), 1u);
  const ir::Node& mul = g.node(g.find(Op::Mul).front());
  EXPECT_EQ(ir::attr_string(mul.attrs, "symbol"), "*");
  const ir::Node& two = g.node(mul.inputs[1].node);
  EXPECT_EQ(two.op, Op::Const);
  EXPECT_DOUBLE_EQ(ir::attr_float(two.attrs, "value"), 2.0);
  // `1 - h`: the constant is the left operand.
  const ir::Node& sub = g.node(g.find(Op::Sub).front());
  EXPECT_EQ(g.node(sub.inputs[0].node).op, Op::Const);
}

TEST(TensorOperators, MatmulSplitConcatSize) {
  auto a = role_body(
      "    w = reshape(linear(x, 32), [8, 4])\n    y = x @ w\n    parts = split(x, 2)\n"
      "    n = len(parts)\n    c = concat([parts[0], parts[1], y])\n    return linear(c, size(x, "
      "-1) / 4)");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("D").graph;
  ir::NodeId mm = g.find(Op::MatMul).front();
  EXPECT_EQ(g.node(mm).outputs[0].dims, std::vector<int64_t>{4});
  ir::NodeId split = g.find(Op::Split).front();
  EXPECT_EQ(g.node(split).outputs.size(), 2u);
  ir::NodeId concat = g.find(Op::Concat).front();
  EXPECT_EQ(g.node(concat).inputs.size(), 3u);
  EXPECT_EQ(g.node(concat).inputs[1], (ir::ValueRef{split, 1}));
  EXPECT_EQ(g.node(concat).outputs[0].dims, std::vector<int64_t>{12});
  ir::NodeId last = g.find(Op::Linear).back();
  EXPECT_EQ(ir::attr_int(g.node(last).attrs, "out"), 2);
}

TEST(TensorOperators, NegativeDimsCountFromTheEnd) {
  auto a = role_body(
      "    h = reshape(x, [2, 4])\n    s = sum(h, -1)\n    return linear(concat(s, s, dim: -1), "
      "2)");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("D").graph;
  EXPECT_EQ(ir::attr_ints(g.node(g.find(Op::Sum).front()).attrs, "dims"), std::vector<int64_t>{1});
  EXPECT_EQ(ir::attr_int(g.node(g.find(Op::Concat).front()).attrs, "dim"), 0);
}

TEST(Statements, RepeatIfAndRebinding) {
  auto a = role_body(
      "    i = 5\n    repeat 3 { x = relu(x) }\n    repeat i in 0..2 { x = tanh(x) }\n"
      "    if len([1, 2]) > 1 { x = gelu(x) } else { x = silu(x) }\n"
      "    if false { x = silu(x) } else if true { x = sigmoid(x) }\n"
      "    h = linear(x, i)\n    return linear(h, 2)");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Graph& g = a->role("D").graph;
  EXPECT_EQ(count_ops(g, Op::Relu), 3u);
  EXPECT_EQ(count_ops(g, Op::Tanh), 2u);
  EXPECT_EQ(count_ops(g, Op::Gelu), 1u);
  EXPECT_EQ(count_ops(g, Op::Silu), 0u);
  EXPECT_EQ(count_ops(g, Op::Sigmoid), 1u);
  // The loop variable does not leak: `i` is 5 again after the loop.
  EXPECT_EQ(ir::attr_int(g.node(g.find(Op::Linear).front()).attrs, "out"), 5);
  // Rebinding chains: each relu consumes the previous one.
  std::vector<ir::NodeId> relus = g.find(Op::Relu);
  EXPECT_EQ(g.node(relus[1]).inputs[0].node, relus[0]);
}

TEST(Statements, ErrorLimitStopsAnalysis) {
  std::string body;
  for (int k = 0; k < 40; ++k) body += "    h" + std::to_string(k) + " = linear(x, 2.5)\n";
  body += "    return linear(x, 2)";
  SourceManager sources;
  DiagnosticEngine diags;
  diags.set_error_limit(5);
  const SourceFile* f = sources.add("t.gen", "model m() {\n  discriminator D(x: [8]) -> [2] {\n" +
                                                 body + "\n  }\n  objective classify\n}\n");
  auto unit = frontend::parse_program(*f, sources, diags);
  ASSERT_TRUE(unit);
  EXPECT_FALSE(sema::analyze(*unit, {}, diags));
  EXPECT_EQ(diags.error_count(), 5);
}

}  // namespace
}  // namespace genc::test
