// `--sampler SPEC` and `--guidance W` of genc sample and genc eval: a diffusion checkpoint's
// sampler replaced before lowering, so the override is checked like the source's sampler.
#pragma once

#include <optional>
#include <string>

#include "compiler/ir/program.h"

namespace genc::runtime {

struct SamplerOverride {
  std::string sampler;            ///< "ddim(steps: 20)"; empty: the model's own
  std::optional<double> guidance;  ///< classifier-free guidance w of the sampler used

  bool empty() const { return sampler.empty() && !guidance; }
};

/// Applies `o` to model `model` of `program`. Throws RuntimeUserError when it does not
/// parse, breaks options.def, or the model is no diffusion model (objective denoise).
void apply_sampler_override(ir::Program& program, const std::string& model, const SamplerOverride& o);

}  // namespace genc::runtime
