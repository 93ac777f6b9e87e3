// `genc eval`: a checkpoint's test likelihood (models with an eval graph), or the Fréchet
// distance of its samples to Fashion-MNIST and their class coverage (models that sample).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "compiler/pipeline/pipeline.h"
#include "runtime/run/sampler_override.h"

namespace genc::runtime {

/// Importance samples of the elbo's IW bound when neither the objective nor --iw says.
inline constexpr int64_t kDefaultIw = 100;
/// Fashion-MNIST's test split: the reference of FD, and the most samples it compares.
inline constexpr int64_t kTestImages = 10000;

struct EvalRequest {
  std::string checkpoint;
  std::string data;           ///< the dataset; empty: the train block's `eval on` data, else its training data
  std::optional<int64_t> iw;  ///< elbo: importance samples (0: none); null: the objective's, else kDefaultIw
  bool fd = false;            ///< also FD when the model has a likelihood
  int64_t samples = kTestImages;  ///< FD: samples and test images compared
  uint64_t seed = 0;              ///< FD: of the sampler's noise
  bool json = false;              ///< one JSON object instead of the text line
  SamplerOverride sampler;        ///< FD: a diffusion model's sampler / guidance instead of its own
};

/// Restores the checkpoint and prints one line on `log`:
///  - models with an eval graph (VAE): every eval output averaged over the data, the ELBO
///    in nats and, for elbo, the importance-weighted bound and the NLL it bounds;
///  - models that sample Fashion-MNIST-shaped images without an eval graph (GAN), or any
///    such model with `fd`: the Fréchet distance between N samples and N Fashion-MNIST test
///    images in the feature space of genc's reference classifier (runtime/fd), and how many
///    of the 10 classes the classifier finds among the samples.
/// False after reporting compile errors in `c`; throws RuntimeUserError for a bad
/// checkpoint, dataset or model.
bool evaluate_checkpoint(pipeline::Compilation& c, const EvalRequest& request, std::ostream& log);

}  // namespace genc::runtime
