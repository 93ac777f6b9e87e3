// Unit tests of the IR verifier: a well-formed program passes, and each broken invariant
// is reported with a message naming the node and the problem.
#include <gtest/gtest.h>

#include "compiler/ir/parser.h"
#include "compiler/ir/printer.h"
#include "compiler/ir/verifier.h"
#include "tests/unit/ir/ir_test_util.h"

namespace genc::ir {
namespace {

using testing::dist;
using testing::f32;
using testing::make_node;
using testing::v;

/// The single message of `errs`, failing the test if there is not exactly one.
std::string only(const std::vector<std::string>& errs) {
  EXPECT_EQ(errs.size(), 1u) << ::testing::PrintToString(errs);
  return errs.empty() ? "" : errs[0];
}

bool any_contains(const std::vector<std::string>& errs, const std::string& text) {
  for (const std::string& e : errs)
    if (e.find(text) != std::string::npos) return true;
  return false;
}

class Verifier : public ::testing::Test {
 protected:
  SourceManager sources;
  Program p = testing::make_vae_program(sources);
  Graph& encoder() { return p.models[0].roles[0].graph; }  // see make_encoder for the node ids
};

TEST_F(Verifier, AcceptsAWellFormedProgramAndItsParsedText) {
  EXPECT_EQ(verify(p), std::vector<std::string>{});
  DiagnosticEngine diags;
  const SourceFile* file = sources.add("vae.gir", print(p));
  std::optional<Program> back = parse_ir(*file, sources, diags);
  ASSERT_TRUE(back) << diags.render();
  EXPECT_EQ(verify(*back), std::vector<std::string>{});
}

TEST_F(Verifier, WrongResultType) {
  encoder().node(3).outputs[0] = f32({401});  // relu of f32[400]
  EXPECT_EQ(only(verify(p)),
            "model vae, encoder q: %3 relu: result type f32[401] but its operands and attributes "
            "give f32[400]");
}

TEST_F(Verifier, WrongAttributeIsAShapeError) {
  encoder().node(2).attrs["out"] = int64_t{-3};
  std::string e = only(verify(p));
  EXPECT_EQ(e.rfind("model vae, encoder q: %2 linear: ", 0), 0u) << e;
  EXPECT_NE(e.find("out"), std::string::npos) << e;
}

// Attributes are checked against ops.def's ATTR lines; each message names the node, its op
// and the attribute, and the node's shape function is not run on attributes it cannot read.
TEST_F(Verifier, AttributeOfTheWrongType) {
  encoder().node(2).attrs["out"] = std::string("400");
  EXPECT_EQ(only(verify(p)),
            "model vae, encoder q: %2 linear: attribute 'out' is \"400\", expected an integer");
}

TEST_F(Verifier, MissingRequiredAttribute) {
  encoder().node(5).attrs.erase("parts");
  EXPECT_EQ(only(verify(p)), "model vae, encoder q: %5 split: missing required attribute 'parts'");
}

TEST_F(Verifier, UnknownAttribute) {
  encoder().node(3).attrs["slope"] = 0.1;  // relu has none; leaky_relu's would be fine
  encoder().node(2).attrs["outs"] = int64_t{400};
  std::vector<std::string> errs = verify(p);
  EXPECT_EQ(errs,
            (std::vector<std::string>{
                "model vae, encoder q: %2 linear: unknown attribute 'outs' (linear takes out, "
                "bias, act, slope, spectral_norm, zero_init)",
                "model vae, encoder q: %3 relu: unknown attribute 'slope' (relu takes no "
                "attributes)"}));
}

TEST_F(Verifier, OptionalAndDefaultedAttributesMayBeAbsent) {
  // %4 linear has only `out`: bias, act, slope, spectral_norm and zero_init are not needed.
  EXPECT_EQ(encoder().node(4).attrs.size(), 1u);
  encoder().node(5).attrs.erase("dim");  // split's dim defaults to 0
  EXPECT_EQ(verify(p), std::vector<std::string>{});
}

TEST_F(Verifier, FloatAttributesAcceptIntegers) {
  encoder().node(4).attrs["slope"] = int64_t{1};
  encoder().node(4).attrs["act"] = std::string("leaky_relu");
  EXPECT_EQ(verify(p), std::vector<std::string>{});
  encoder().node(4).attrs["slope"] = true;
  EXPECT_EQ(only(verify(p)),
            "model vae, encoder q: %4 linear: attribute 'slope' is true, expected a number");
}

TEST_F(Verifier, DanglingOperand) {
  // Editing inputs behind the graph's back leaves an operand with no node and no edge.
  encoder().node(3).inputs[0] = v(99);
  std::vector<std::string> errs = verify(p);
  EXPECT_TRUE(any_contains(errs, "%3 relu: operand 0 refers to undefined %99"))
      << ::testing::PrintToString(errs);
  EXPECT_TRUE(any_contains(errs, "%2 linear: graph edges do not mirror the operands that use it"))
      << ::testing::PrintToString(errs);
}

TEST_F(Verifier, OperandPortOutOfRange) {
  encoder().set_input(6, 1, v(5, 2));
  std::vector<std::string> errs = verify(p);
  EXPECT_TRUE(
      any_contains(errs, "%6 gaussian: operand 1 refers to %5#2, but %5 split has 2 result(s)"))
      << ::testing::PrintToString(errs);
}

TEST_F(Verifier, MissingOutput) {
  encoder().remove(7);
  EXPECT_EQ(only(verify(p)), "model vae, encoder q: the role graph has no output node");
  // A graph on its own (not a role) needs no output.
  EXPECT_EQ(verify(encoder()), std::vector<std::string>{});
}

TEST_F(Verifier, TwoOutputs) {
  encoder().add(make_node(Op::Output, {v(6)}, {}));
  EXPECT_EQ(only(verify(p)), "model vae, encoder q: the role graph has 2 output nodes (%7, %8)");
}

TEST_F(Verifier, Cycle) {
  Graph& g = encoder();
  NodeId add = g.add(make_node(Op::Add, {v(3), v(3)}, {f32({400})}));
  g.set_input(4, 0, v(add));
  g.set_input(add, 1, v(4));  // %4 linear -> %8 add -> %4
  std::vector<std::string> errs = verify(g);
  EXPECT_TRUE(any_contains(errs, "cycle through %4 linear, %8 add"))
      << ::testing::PrintToString(errs);
}

TEST_F(Verifier, OperandAndResultCounts) {
  Graph& g = encoder();
  g.add(make_node(Op::Add, {v(3)}, {f32({400}), f32({400})}));
  std::vector<std::string> errs = verify(g);
  EXPECT_TRUE(any_contains(errs, "%8 add: has 1 operand(s), expected 2"))
      << ::testing::PrintToString(errs);
  EXPECT_TRUE(any_contains(errs, "%8 add: has 2 result(s), expected 1"))
      << ::testing::PrintToString(errs);
}

TEST_F(Verifier, InputWithoutAnIndexIsReportedOnce) {
  encoder().node(0).attrs.erase("index");
  std::vector<std::string> errs = verify(p);
  EXPECT_EQ(errs, (std::vector<std::string>{
                      "model vae, encoder q: %0 input: missing required attribute 'index'",
                      "model vae, encoder q: param 'x' (index 0) has no input node"}));
}

TEST_F(Verifier, InputsMustMatchParams) {
  Graph& g = encoder();
  g.node(0).outputs[0] = f32({1, 28, 29});
  g.node(0).attrs["name"] = std::string("y");
  std::vector<std::string> errs = verify(p);
  EXPECT_TRUE(any_contains(errs, "%0 input: type f32[1,28,29] but param 'x' is f32[1,28,28]"))
      << ::testing::PrintToString(errs);
  EXPECT_TRUE(any_contains(errs, "%0 input: name \"y\" but param 0 is 'x'"))
      << ::testing::PrintToString(errs);

  g.node(0).attrs["index"] = int64_t{1};
  errs = verify(p);
  EXPECT_TRUE(any_contains(errs, "%0 input: index 1 but the role has 1 param(s)"))
      << ::testing::PrintToString(errs);
  EXPECT_TRUE(any_contains(errs, "param 'x' (index 0) has no input node"))
      << ::testing::PrintToString(errs);
}

TEST_F(Verifier, OutputMustHaveTheRoleResultType) {
  p.models[0].roles[0].result = dist(ValueKind::Gaussian, {10});
  EXPECT_EQ(only(verify(p)),
            "model vae, encoder q: %7 output: returns gaussian[20] but the role's result is "
            "gaussian[10]");
}

TEST_F(Verifier, AnyOpInAnyPlaceIsReportedNotAborted) {
  // Every op in place of a 1-operand node, a 2-operand node and the node reading a
  // distribution, with their attributes and types kept: verify reports the result (or
  // accepts it, e.g. relu -> tanh) and never throws an internal error.
  for (int i = 0; i < op_count(); ++i) {
    Op op = static_cast<Op>(i);
    for (NodeId id : {NodeId{3}, NodeId{6}, NodeId{7}}) {
      Program q = p;
      q.models[0].roles[0].graph.node(id).op = op;
      EXPECT_NO_THROW(verify(q)) << op_name(op) << " at %" << id;
    }
  }
}

TEST_F(Verifier, TrainsMustNameAModelAndADataset) {
  p.trains[0].model = "vea";
  EXPECT_EQ(only(verify(p)), "train vea on fashion: unknown model 'vea'");
}

}  // namespace
}  // namespace genc::ir
