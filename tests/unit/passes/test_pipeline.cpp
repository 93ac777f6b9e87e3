// Unit tests of the optimization pipeline: all passes together to a fixpoint, with the
// verifier after each pass.
#include "compiler/passes/pipeline.h"
#include "tests/unit/passes/pass_test_util.h"

namespace genc::passes::testing {
namespace {

// encoder q(x: [1,28,28]) -> gaussian with redundancy for every pass to remove:
//   h = x |> flatten |> reshape([784]) |> linear(400) |> relu
//   mean = linear(h, 20) * (2.0 - 1.0);  logvar = linear(h, 20) + 0.0
//   an unused branch, and flatten(x) computed twice.
ir::Program redundant_vae_encoder() {
  ir::Function f;
  f.role = "encoder";
  f.name = "q";
  f.params = {ir::Param{"x", f32({1, 28, 28})}};
  f.result = f32({20});
  f.result.kind = ir::ValueKind::Gaussian;
  Builder b;
  ValueType x_type = f.params[0].type;
  ir::Node in;
  in.op = Op::Input;
  in.outputs = {x_type};
  in.attrs = {{"index", int64_t{0}}, {"name", std::string("x")}};
  ValueRef x{b.graph.add(in), 0};
  ValueRef flat = b.op(Op::Flatten, {x});
  ValueRef h = b.op(Op::Reshape, {flat}, {{"shape", std::vector<int64_t>{784}}});
  h = b.op(Op::Relu, {b.op(Op::Linear, {h}, linear(400), "q.h.linear0")});
  ValueRef one = b.op(Op::Sub, {b.constant(2.0), b.constant(1.0)});
  ValueRef mean = b.op(Op::Mul, {b.op(Op::Linear, {h}, linear(20), "q.linear1"), one});
  ValueRef logvar =
      b.op(Op::Add, {b.op(Op::Linear, {h}, linear(20), "q.linear2"), b.constant(0.0)});
  ValueRef again = b.op(Op::Flatten, {x});
  b.op(Op::Tanh, {b.op(Op::Add, {flat, again})});  // unused
  b.output(b.op(Op::Gaussian, {mean, logvar}));
  f.graph = std::move(b.graph);

  ir::Model m;
  m.name = "vae";
  m.roles.push_back(std::move(f));
  ir::Program p;
  p.models.push_back(std::move(m));
  return p;
}

TEST(Pipeline, OptimizesToAFixpointAndStaysValid) {
  ir::Program p = redundant_vae_encoder();
  ASSERT_EQ(fmt::format("{}", fmt::join(ir::verify(p), "\n")), "");
  optimize(p, PipelineOptions{true});

  const ir::Graph& g = p.models[0].roles[0].graph;
  EXPECT_EQ(fmt::format("{}", fmt::join(ir::verify(p), "\n")), "");
  // input, flatten, 3 linear, gaussian, output
  EXPECT_EQ(g.size(), 7u);
  EXPECT_EQ(g.find(Op::Flatten).size(), 1u);
  EXPECT_TRUE(g.find(Op::Reshape).empty());
  EXPECT_TRUE(g.find(Op::Relu).empty());
  EXPECT_TRUE(g.find(Op::Const).empty());
  EXPECT_TRUE(g.find(Op::Mul).empty());
  EXPECT_TRUE(g.find(Op::Add).empty());
  EXPECT_TRUE(g.find(Op::Tanh).empty());
  std::vector<NodeId> linears = g.find(Op::Linear);
  ASSERT_EQ(linears.size(), 3u);
  EXPECT_EQ(ir::attr_string(g.node(linears[0]).attrs, "act"), "relu");
  EXPECT_EQ(g.node(linears[0]).inputs[0].node, g.find(Op::Flatten)[0]);

  // A second run finds nothing left to do.
  ir::Program again = p;
  optimize(again, PipelineOptions{true});
  EXPECT_EQ(again.models[0].roles[0].graph.size(), g.size());
}

TEST(Pipeline, VerifyEachRejectsAMalformedGraph) {
  ir::Program p = redundant_vae_encoder();
  ir::Graph& g = p.models[0].roles[0].graph;
  g.node(g.find(Op::Flatten)[0]).outputs = {
      f32({783})};  // a type the shape function disagrees with
  EXPECT_THROW(optimize(p, PipelineOptions{true}), InternalError);
}

}  // namespace
}  // namespace genc::passes::testing
