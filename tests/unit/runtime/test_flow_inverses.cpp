// The inverse and log-determinant of every builtin invertible op, checked as
// `genc check --verify` checks a flow's links (runtime/run/verify_flows.h): for each op of
// the op table with kInvertible, one-step flows on several input forms and options, in
// float64 with random parameters: max |inverse(forward(x)) - x| and max |logdet -
// log|det J|| below 1e-6. An invertible op added to ops.def without a case here fails.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <map>

#include "compiler/ir/shape_fns.h"
#include "runtime/run/verify_flows.h"
#include "tests/unit/runtime/exec_test_util.h"

namespace genc::runtime {
namespace {

using ir::Op;

using testing::f32;
using testing::GraphMaker;

struct Case {
  std::string what;
  ir::ValueType x;
  ir::Attrs attrs;
};

/// The cases of each builtin invertible op: every mask of the couplings, each rank and the
/// LU form of invconv1x1, both permutations.
std::map<Op, std::vector<Case>> cases() {
  std::map<Op, std::vector<Case>> c;
  for (Op op : {Op::AffineCoupling, Op::AdditiveCoupling})
    for (const char* mask : {"even", "odd", "checker", "channel"})
      c[op].push_back({mask, f32({2, 2, 3}), {{"mask", std::string(mask)}}});
  c[Op::AffineCoupling].push_back({"even on [5]", f32({5}), {{"mask", std::string("even")}}});
  c[Op::ActNorm] = {{"[3]", f32({3}), {}}, {"[2,3,3]", f32({2, 3, 3}), {}}};
  for (bool lu : {false, true})
    for (const ir::ValueType& t : {f32({4}), f32({3, 5}), f32({3, 2, 2})})
      c[Op::InvConv1x1].push_back({std::string(lu ? "lu " : "") + t.str(), t, {{"lu", lu}}});
  c[Op::Permute] = {{"reverse", f32({5}), {{"order", std::string("reverse")}}},
                    {"random", f32({6, 2}), {{"order", std::string("random")}, {"seed", int64_t{3}}}}};
  c[Op::Squeeze] = {{"[2,4,6]", f32({2, 4, 6}), {}}};
  c[Op::FactorOut] = {{"[4,2,2]", f32({4, 2, 2}), {}}};
  c[Op::Logit] = {{"[4]", f32({4}), {{"alpha", 0.05}}}};
  c[Op::Dequantize] = {{"[4]", f32({4}), {{"levels", int64_t{256}}}}};
  return c;
}

/// A model whose flow is the one step `op` on `c.x` (a coupling with its net: one linear
/// layer on the flattened conditioning half).
ir::Model one_step(Op op, const Case& c) {
  GraphMaker m;
  ir::ValueRef x = m.input(c.x, 0);
  std::vector<ir::ValueRef> in{x};
  if (op == Op::AffineCoupling || op == Op::AdditiveCoupling) {
    ir::Attrs cond{{"mask", c.attrs.at("mask")}, {"part", std::string("cond")}}, rest = cond;
    rest["part"] = std::string("rest");
    ir::ValueRef h = m.op(Op::MaskSelect, {x}, cond);
    if (c.x.dims.size() > 1) h = m.op(Op::Flatten, {h});  // an image mask's half keeps its shape
    int64_t n = ir::infer_shape(Op::MaskSelect, {c.x}, rest).outputs.at(0).numel();
    in.push_back(m.op(Op::Linear, {h}, {{"out", (op == Op::AffineCoupling ? 2 : 1) * n}}, "f.linear0"));
  }
  ir::ValueRef y = m.op(op, in, c.attrs, ir::has_flag(op, ir::kParams) ? "f.step0" : "");
  m.output(y);
  ir::Function f;
  f.role = "flow";
  f.name = "f";
  f.params = {{"x", c.x}};
  f.result = c.x;
  f.graph = std::move(m.graph);
  ir::Model model;
  model.name = "m";
  model.roles.push_back(std::move(f));
  return model;
}

TEST(FlowInverses, EveryBuiltinInvertibleOpPassesTheVerifyChecks) {
  std::map<Op, std::vector<Case>> table = cases();
  for (int i = 0; i < ir::op_count(); ++i) {
    Op op = static_cast<Op>(i);
    if (!ir::has_flag(op, ir::kInvertible)) continue;
    if (op == Op::InvertibleStep) continue;  // a user block's: tests/e2e (case verify) plants a wrong one
    SCOPED_TRACE(std::string(ir::op_name(op)));
    auto it = table.find(op);
    ASSERT_TRUE(it != table.end()) << "the invertible op '" << ir::op_name(op)
                                   << "' has no inverse/logdet check: add its cases to cases()";
    for (const Case& c : it->second) {
      SCOPED_TRACE(c.what);
      ir::Model model = one_step(op, c);
      ParamStore params(model, at::kCPU, 0);
      at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1234);
      prepare_verify_params(params, gen);
      std::vector<lower::LinkCheck> links = lower::flow_link_checks(model.roles[0]);
      ASSERT_EQ(links.size(), 1u);
      ASSERT_TRUE(links[0].has_inverse);
      LinkResult r = check_link(links[0], params, gen);
      EXPECT_GE(r.inverse_error, 0.0);
      EXPECT_LE(r.inverse_error, kTolerance);
      if (op != Op::Dequantize) {  // its logdet is the bins' -D log(levels), not a Jacobian
        EXPECT_GE(r.logdet_error, 0.0);
        EXPECT_LE(r.logdet_error, kTolerance);
      }
    }
  }
}

TEST(FlowInverses, TheLuFormIsGlowsDecomposition) {
  // W = P (L + I) (U + diag(sign_s exp(log_s))): logdet = sum log_s, and the
  // parameters are the LU factors of a rotation at initialisation (|det W| = 1).
  Case c{"lu", f32({4}), {{"lu", true}}};
  ir::Model model = one_step(Op::InvConv1x1, c);
  ParamStore params(model, at::kCPU, 0);
  ParamModule& m = params.node("f.step0");
  at::Tensor log_s = m.get("log_s");
  EXPECT_NEAR(log_s.sum().item<double>(), 0.0, 1e-5);
  EXPECT_EQ(m.get("perm").sum().item<double>(), 4.0);
  EXPECT_TRUE(at::allclose(m.get("lower"), m.get("lower").tril(-1)));
  EXPECT_TRUE(at::allclose(m.get("upper"), m.get("upper").triu(1)));
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  prepare_verify_params(params, gen);
  LinkResult r = check_link(lower::flow_link_checks(model.roles[0]).at(0), params, gen);
  EXPECT_LE(r.inverse_error, kTolerance);
  EXPECT_LE(r.logdet_error, kTolerance);
}

}  // namespace
}  // namespace genc::runtime
