// Helpers of the plan-vs-eager tests: run one compiled training step (fed what an earlier
// step handed on) and compare its loss and parameter gradients with LibTorch code written by
// hand on the same weights.
#pragma once

#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/lower/step_handoff.h"
#include "runtime/compiled_graph.h"
#include "runtime/param_store.h"
#include "tests/unit/runtime/exec_test_util.h"

namespace genc::runtime::testing {

using at::Tensor;

inline constexpr double kTol = 1e-5;

inline at::Generator cpu_gen(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

/// Expects `a` and `b` equal up to kTol relative to b's largest magnitude.
inline void expect_close(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_EQ(a.sizes(), b.sizes()) << what;
  double scale = std::max(1.0, b.abs().max().item<double>());
  EXPECT_LE((a - b).abs().max().item<double>(), kTol * scale) << what;
}

/// Weight / bias / buffer `t` of parameter node `node`.
inline Tensor P(ParamStore& ps, const std::string& node, const char* t) { return ps.node(node).get(t); }

inline Tensor linear(ParamStore& ps, const std::string& n, const Tensor& x) {
  return at::linear(x, P(ps, n, "weight"), P(ps, n, "bias"));
}
inline Tensor bn(ParamStore& ps, const std::string& n, const Tensor& x) {
  return at::batch_norm(x, P(ps, n, "weight"), P(ps, n, "bias"), P(ps, n, "running_mean").clone(),
                        P(ps, n, "running_var").clone(), true, 0.1, 1e-5, false);
}
inline Tensor conv(ParamStore& ps, const std::string& n, const Tensor& x) {
  return at::conv2d(x, P(ps, n, "weight"), P(ps, n, "bias"), {2, 2}, {1, 1});
}
inline Tensor upconv(ParamStore& ps, const std::string& n, const Tensor& x) {
  return at::conv_transpose2d(x, P(ps, n, "weight"), P(ps, n, "bias"), {2, 2}, {1, 1});
}

/// The batch mean of -ELBO for Bernoulli logits [B,1,28,28] of images x, a Gaussian
/// posterior (mean, logvar) and a standard normal prior: reconstruction NLL plus KL.
inline Tensor eager_negative_elbo(const Tensor& logits, const Tensor& x, const Tensor& mean, const Tensor& logvar) {
  Tensor recon = at::binary_cross_entropy_with_logits(logits, x, {}, {}, at::Reduction::None).sum({1, 2, 3});
  Tensor kl = -0.5 * (1 + logvar - mean.pow(2) - logvar.exp()).sum(1);
  return (recon + kl).mean();
}

/// The name of the parameter node whose result is operand `operand` of the first `op`
/// node of `role` (e.g. which linear gives the gaussian's mean).
inline std::string producer(const ir::Model& m, const std::string& role, ir::Op op, int operand) {
  for (const ir::Function& f : m.roles) {
    if (f.name != role) continue;
    ir::NodeId id = f.graph.find(op).at(0);
    return f.graph.node(f.graph.node(id).inputs.at(operand).node).name;
  }
  return "";
}

/// Runs step `s` of `p` on x (and labels y) as an iteration runs it, without updates: its
/// batch-mean loss, its gradients with respect to the step's optimizer group, and the
/// outputs it hands on to later steps (with their autograd history: it records what a later
/// step differentiates). A step reading an earlier step's output takes it from `earlier`.
struct StepResult {
  Tensor loss;
  std::map<std::string, Tensor> grads;   ///< by full parameter name
  std::map<std::string, Tensor> handed;  ///< by the input name later steps read it as ("D.generated")
};

inline StepResult run_step(const lower::TrainingProgram& p, const lower::Step& s, ParamStore& ps, const Tensor& x,
                           uint64_t seed, const Tensor& y = Tensor(), const StepResult* earlier = nullptr) {
  const size_t index = static_cast<size_t>(&s - p.steps.data());
  const lower::OptimizerGroup* group = p.optimizer(s.optimizer);
  std::set<std::string> recorded = lower::recorded_params(p, index), handed_in;
  std::vector<Tensor> inputs;
  for (const std::string& name : s.inputs) {
    if (lower::handoff_of(name)) {
      EXPECT_TRUE(earlier && earlier->handed.count(name)) << s.name << " reads " << name;
      handed_in.insert(name);
      inputs.push_back(earlier ? earlier->handed.at(name) : Tensor());
    } else {
      inputs.push_back(name == "x" ? x : y);
    }
  }
  CompiledGraph g(s, ps, &recorded, handed_in);
  at::Generator gen = cpu_gen(seed);
  g.run(inputs, x.size(0), true, gen);
  StepResult r;
  r.loss = g.output(0).mean();
  for (size_t i = 0; i < s.outputs.size(); ++i)
    if (lower::handed_on(p, index, s.outputs[i])) r.handed[lower::handoff_input(s.name, s.outputs[i])] = g.output(i);
  std::map<const void*, std::string> name_of;
  for (auto& [name, t] : ps.named_parameters()) name_of[t.unsafeGetTensorImpl()] = name;
  std::vector<Tensor> params = ps.parameters(group->params);
  std::vector<std::string> names;
  for (const Tensor& t : params) names.push_back(name_of.at(t.unsafeGetTensorImpl()));
  std::vector<Tensor> grads = torch::autograd::grad({r.loss}, params, {}, false, false, true);
  for (size_t i = 0; i < params.size(); ++i) r.grads[names[i]] = grads[i];
  return r;
}

/// Gradients of `loss` with respect to the named parameters.
inline std::map<std::string, Tensor> grads_of(const Tensor& loss, ParamStore& ps, const std::vector<std::string>& names) {
  std::map<std::string, Tensor> all;
  for (auto& [name, t] : ps.named_parameters()) all[name] = t;
  std::vector<Tensor> params;
  for (const std::string& n : names) params.push_back(all.at(n));
  std::vector<Tensor> g = torch::autograd::grad({loss}, params, {}, false, false, true);
  std::map<std::string, Tensor> out;
  for (size_t i = 0; i < names.size(); ++i) out[names[i]] = g[i];
  return out;
}

inline void expect_same_grads(const StepResult& plan, const std::map<std::string, Tensor>& eager) {
  ASSERT_EQ(plan.grads.size(), eager.size());
  for (const auto& [name, g] : eager) {
    ASSERT_TRUE(plan.grads.count(name)) << name;
    ASSERT_TRUE(plan.grads.at(name).defined()) << name;
    expect_close(plan.grads.at(name), g, name);
  }
}

/// The full names of the parameters whose names start with `prefix` ("D.").
inline std::vector<std::string> names_under(ParamStore& ps, const std::string& prefix) {
  std::vector<std::string> out;
  for (auto& [name, t] : ps.named_parameters())
    if (name.rfind(prefix, 0) == 0) out.push_back(name);
  return out;
}

}  // namespace genc::runtime::testing
