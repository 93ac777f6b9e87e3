// Sampler overrides (see sampler_override.h).
#include "runtime/run/sampler_override.h"

#include <fmt/format.h>

#include "compiler/ir/option_table.h"
#include "compiler/ir/setting_text.h"
#include "compiler/support/diagnostics.h"
#include "runtime/errors.h"

namespace genc::runtime {

void apply_sampler_override(ir::Program& program, const std::string& model, const SamplerOverride& o) {
  if (o.empty()) return;
  ir::Model* m = nullptr;
  for (ir::Model& candidate : program.models)
    if (candidate.name == model) m = &candidate;
  if (!m) internal_error("the checkpoint's model " + model + " is not in its source");
  const std::string flag = o.sampler.empty() ? "--guidance" : "--sampler";
  if (!m->objective || m->objective->name != ir::DenoiseOptions::kName)
    throw RuntimeUserError(fmt::format("{} applies to diffusion models (objective denoise); '{}' has objective {}",
                                       flag, model, m->objective ? m->objective->name : "none"));
  if (!o.sampler.empty()) {
    std::variant<ir::Setting, std::string> s = ir::parse_setting(ir::Group::Sampler, o.sampler);
    if (auto* problem = std::get_if<std::string>(&s)) throw RuntimeUserError("--sampler " + o.sampler + ": " + *problem);
    ir::Setting& setting = std::get<ir::Setting>(s);
    if (setting.name != ir::AncestralOptions::kName && setting.name != ir::DdimOptions::kName &&
        setting.name != ir::DpmSolverOptions::kName)
      throw RuntimeUserError(fmt::format("--sampler {}: a diffusion model samples with ancestral, ddim or dpm_solver",
                                         o.sampler));
    m->sampler = std::move(setting);
  }
  if (o.guidance) {
    if (!m->sampler) m->sampler = std::get<ir::Setting>(ir::parse_setting(ir::Group::Sampler, "ancestral"));
    m->sampler->args["guidance"] = *o.guidance;
    m->sampler->arg_locs["guidance"] = {};
    std::vector<std::string> problems = ir::check_setting(ir::Group::Sampler, *m->sampler);
    if (!problems.empty()) throw RuntimeUserError("--guidance: " + problems.front());
  }
}

}  // namespace genc::runtime
