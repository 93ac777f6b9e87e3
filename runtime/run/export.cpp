// `genc export` (see export.h): the generated TorchScript source defined on a
// torch::jit::Module whose attributes are copies of the trained tensors.
#include "runtime/run/export.h"

#include <torch/script.h>

#include <ostream>

#include <fmt/format.h>

#include "runtime/errors.h"
#include "runtime/export/torchscript_source.h"
#include "runtime/io/atomic_file.h"
#include "runtime/run/restore.h"

namespace genc::runtime {

bool export_checkpoint(pipeline::Compilation& c, const ExportRequest& r, std::ostream& log) {
  std::optional<Restored> restored = restore(c, r.checkpoint);
  if (!restored) return false;
  const Training& t = restored->training;
  const std::string& model = restored->meta.model;
  if (!t.plan.sample) throw RuntimeUserError("model '" + model + "' (objective " + t.plan.objective + ") has no sampler to export");
  if (std::optional<std::string> why = exporting::unsupported(*t.plan.sample))
    throw RuntimeUserError("cannot export model '" + model + "': " + *why);
  if (t.config.ema > 0)
    throw RuntimeUserError("cannot export model '" + model + "': it samples with EMA weights, not exported yet");
  const ir::Function* encoder = t.model().role("encoder");
  if (encoder && !exporting::exportable_encoder(*encoder)) encoder = nullptr;
  exporting::TorchScriptSampler sampler = exporting::torchscript_sampler(*t.plan.sample, encoder);

  torch::jit::Module module("genc_" + model);
  ParamStore& params = restored->executor->params();
  for (const exporting::ParamUse& p : sampler.params) {
    at::Tensor tensor = params.node(p.node).get(p.tensor).detach().to(at::kCPU).clone();
    if (p.tensor == "running_mean" || p.tensor == "running_var")
      module.register_buffer(p.attribute, tensor);
    else
      module.register_parameter(p.attribute, tensor, /*is_buffer=*/false);
  }
  module.define(sampler.source);
  module.eval();
  write_file_atomic(r.out, [&](std::ostream& out) { module.save(out); });
  log << fmt::format("genc: wrote {} (model {} at step {}: forward(z) samples for noise z of shape [N, {}]{})\n",
                     r.out, model, restored->meta.step, fmt::join(sampler.noise_shape, ", "),
                     sampler.has_encode ? ", encode(x) the encoder's mean and log-variance" : "");
  return true;
}

}  // namespace genc::runtime
