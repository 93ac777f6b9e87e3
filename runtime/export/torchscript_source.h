// TorchScript source generated from the IR of a straight-line sampler (a VAE's decoder, a
// GAN's generator) and of a VAE's gaussian encoder: one line per op, the noise the
// sampler's randn node draws made its input, the parameters read as attributes of the
// module. No LibTorch here: the text and the names of the parameters it reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"

namespace genc::runtime::exporting {

/// One tensor the source reads as `self.<attribute>`.
struct ParamUse {
  std::string node;       ///< the parameter node ("p.h.linear0")
  std::string tensor;     ///< "weight", "bias", "running_mean", "running_var"
  std::string attribute;  ///< its attribute name in the module ("p_h_linear0_weight")
};

/// The module's methods: forward(self, z) -> Tensor, the sample x for noise z of shape
/// [N, noise...]; noise_shape(self) -> List[int], the per-example noise shape; with an
/// encoder, encode(self, x) -> Tuple[Tensor, Tensor], the mean and log-variance of q(z|x).
struct TorchScriptSampler {
  std::string source;
  std::vector<ParamUse> params;
  std::vector<int64_t> noise_shape;
  bool has_encode = false;
};

/// What `sampler` has that this translation cannot express, as a sentence for a user
/// error (a loop, more than one random draw, an op without a translation); null when
/// there is nothing.
std::optional<std::string> unsupported(const lower::Loop& sampler);

/// Whether `role` is an encoder this translation expresses (one input, plain layers, a
/// gaussian result).
bool exportable_encoder(const ir::Function& role);

/// The source of `sampler`, which unsupported() accepts, and of `encoder` (null: none;
/// else one that exportable_encoder accepts).
TorchScriptSampler torchscript_sampler(const lower::Loop& sampler, const ir::Function* encoder);

}  // namespace genc::runtime::exporting
