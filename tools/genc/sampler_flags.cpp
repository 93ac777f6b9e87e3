// The sampler override flags shared by genc sample and genc eval.
#include "tools/genc/sampler_flags.h"

#include <memory>

namespace genc::cli {

std::function<void()> add_sampler_flags(CLI::App& sub, runtime::SamplerOverride& o) {
  sub.add_option("--sampler", o.sampler,
                 "Diffusion models: sample with this sampler instead of the model's, e.g. \"ddim(steps: 20)\", "
                 "\"dpm_solver(steps: 10)\", \"ancestral\" (checked like the source's)");
  auto guidance = std::make_shared<double>(1.0);
  CLI::Option* given = sub.add_option("--guidance", *guidance,
                                      "Diffusion models trained with cfg_dropout: the classifier-free guidance w "
                                      "of the sampler (0: unconditional, 1: conditional, > 1: guided)")
                           ->check(CLI::NonNegativeNumber);
  return [&o, guidance, given] {
    if (given->count() > 0) o.guidance = *guidance;
  };
}

}  // namespace genc::cli
