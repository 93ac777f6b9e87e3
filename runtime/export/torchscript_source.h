// TorchScript source generated from the IR of a straight-line sampler (a VAE's decoder, a
// GAN's generator): one line per op, the noise its randn node draws made the input, the
// parameters read as attributes of the module. No LibTorch here: the text and the names
// of the parameters it reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/training_program.h"

namespace genc::runtime::exporting {

/// One tensor the source reads as `self.<attribute>`.
struct ParamUse {
  std::string node;       ///< the parameter node ("p.h.linear0")
  std::string tensor;     ///< "weight", "bias", "running_mean", "running_var"
  std::string attribute;  ///< its attribute name in the module ("p_h_linear0_weight")
};

/// The module's methods: forward(self, z) -> Tensor, the sample x for noise z of shape
/// [N, noise...], and noise_shape(self) -> List[int], the per-example noise shape.
struct TorchScriptSampler {
  std::string source;
  std::vector<ParamUse> params;
  std::vector<int64_t> noise_shape;
};

/// What `sampler` has that this translation cannot express, as a sentence for a user
/// error (a loop, more than one random draw, an op without a translation); null when
/// there is nothing.
std::optional<std::string> unsupported(const lower::Loop& sampler);

/// The source of `sampler`, which unsupported() accepts.
TorchScriptSampler torchscript_sampler(const lower::Loop& sampler);

}  // namespace genc::runtime::exporting
