// `genc check --verify` (see verify_flows.h).
//
// Per link (compiler/lower/flow_chain.h's flow_link_checks):
//   1. Parameters: the model's, in float64, each moved off its initialisation by N(0, 0.3^2)
//      noise (zero-initialised coupling layers and a fresh actnorm would make every link the
//      identity, which passes any check).
//   2. Inputs x [8, ...]: U(0.02, 0.98) for logit, bin values k/(levels-1) for dequantize,
//      N(0, 1) otherwise.
//   3. Inverse error: max |x_rec - x|. Jacobian error: J_b = d y_b / d x_b by one backward
//      pass per output element (the examples are independent in eval mode), then
//      max_b |logdet_b - log|det J_b||.
#include "runtime/run/verify_flows.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <iostream>
#include <ostream>

#include <fmt/format.h>

#include "compiler/lower/flow_chain.h"
#include "runtime/compiled_graph.h"
#include "runtime/errors.h"
#include "runtime/param_store.h"

namespace genc::runtime {
namespace {

constexpr int64_t kExamples = 8;
constexpr int64_t kMaxJacobian = 4096;  ///< elements per example above which J is skipped

at::Tensor inputs_for(const lower::LinkCheck& link, const ir::ValueType& type, at::Generator& gen) {
  std::vector<int64_t> shape{kExamples};
  shape.insert(shape.end(), type.dims.begin(), type.dims.end());
  at::TensorOptions f64 = at::TensorOptions().dtype(at::kDouble);
  if (link.op == ir::Op::Logit) return at::empty(shape, f64).uniform_(0.02, 0.98, gen);
  if (link.op == ir::Op::Dequantize) {
    const ir::Node* n = nullptr;
    for (ir::NodeId id : link.routine.graph.find(ir::Op::Dequantize)) n = &link.routine.graph.node(id);
    double levels = static_cast<double>(ir::OpAttrs(ir::Op::Dequantize, n->attrs).integer("levels"));
    return at::floor(at::empty(shape, f64).uniform_(0.0, levels, gen)) / (levels - 1);
  }
  return at::empty(shape, f64).normal_(0.0, 1.0, gen);
}

}  // namespace

void prepare_verify_params(ParamStore& params, at::Generator& gen) {
  params.root().to(at::kDouble);
  at::NoGradGuard no_grad;
  for (at::Tensor& p : params.root().parameters()) p.add_(at::empty_like(p).normal_(0.0, 0.3, gen));
}

LinkResult check_link(const lower::LinkCheck& link, ParamStore& params, at::Generator& gen) {
  LinkResult r;
  std::set<std::string> none;
  const std::vector<std::string>& inputs = link.routine.inputs;
  CompiledGraph graph(link.routine, params, &none, std::set<std::string>(inputs.begin(), inputs.end()));
  at::Tensor x = inputs_for(link, link.routine.input_type(0), gen).requires_grad_(link.op != ir::Op::Dequantize);
  graph.run({x}, kExamples, /*training=*/false, gen);
  at::Tensor y = graph.output(0), logdet = graph.output(1);
  if (link.has_inverse) r.inverse_error = (graph.output(2) - x).abs().max().item<double>();
  int64_t d = x[0].numel();
  if (link.op == ir::Op::Dequantize || d > kMaxJacobian || d != y[0].numel()) return r;
  at::Tensor yf = y.reshape({kExamples, d});
  std::vector<at::Tensor> rows;
  for (int64_t i = 0; i < d; ++i) {
    at::Tensor g = torch::autograd::grad({yf.select(1, i).sum()}, {x}, {}, /*retain_graph=*/true)[0];
    rows.push_back(g.reshape({kExamples, d}));
  }
  at::Tensor jac = at::stack(rows, 1);  // [B, d (outputs), d (inputs)]
  at::Tensor logabsdet = std::get<1>(at::linalg_slogdet(jac));
  // A constant logdet (a user block's `logdet = 0.0`) is one value for the whole batch.
  at::Tensor per_example = logdet.detach().reshape({-1}).expand({kExamples});
  r.logdet_error = (per_example - logabsdet).abs().max().item<double>();
  return r;
}

namespace {

/// The source line of `loc` with a caret under its start, or "" when unknown.
std::string quote(SourceRange loc) {
  if (!loc.valid()) return "";
  return fmt::format("    {}\n    {}^\n", loc.file->line_text(loc.begin.line), std::string(static_cast<size_t>(loc.begin.col - 1), ' '));
}

}  // namespace

int verify_flows(pipeline::Compilation& c, const VerifyRequest& request, std::ostream& log) {
  std::optional<sema::Options> options = pipeline::parse_overrides(c, request.sets);
  if (!options) return 1;
  std::optional<ir::Program> program = pipeline::compile_file(c, request.file, *options, pipeline::Stage::Analyzed);
  if (!program) return 1;
  int failed = 0, checked = 0;
  for (const ir::Model& model : program->models) {
    const ir::Function* flow = model.role("flow");
    if (!flow) continue;
    ParamStore params(model, at::kCPU, 0);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1234);
    prepare_verify_params(params, gen);
    for (const lower::LinkCheck& link : lower::flow_link_checks(*flow)) {
      LinkResult r = check_link(link, params, gen);
      ++checked;
      std::string inv = r.inverse_error < 0 ? "inverse not derived yet" : fmt::format("inverse error {:.2e}", r.inverse_error);
      std::string det = r.logdet_error < 0 ? "logdet not checked" : fmt::format("logdet error {:.2e}", r.logdet_error);
      bool ok = r.inverse_error <= kTolerance && r.logdet_error <= kTolerance;
      log << fmt::format("{} {}.{} '{}' ({}): {}, {}\n", ok ? "ok  " : "FAIL", model.name, flow->name, link.block,
                         link.loc.str(), inv, det);
      if (ok) continue;
      ++failed;
      std::string what = r.inverse_error > kTolerance ? fmt::format("inverse(forward(x)) differs from x by {:.2e}", r.inverse_error)
                                                      : fmt::format("its logdet differs from log|det J| by {:.2e}", r.logdet_error);
      std::cerr << fmt::format("{}: error: invertible '{}' fails --verify: {} (tolerance {:.0e})\n{}", link.loc.str(),
                               link.block, what, kTolerance, quote(link.loc));
    }
  }
  log << fmt::format("genc: --verify checked {} invertible steps, {} failed\n", checked, failed);
  return failed ? 1 : 0;
}

}  // namespace genc::runtime
