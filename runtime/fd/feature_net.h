// The feature extractor of the FD reference classifier: a `classify` program's eval graph
// rewritten to return the network's logits and its penultimate activations (the input of
// its last linear layer), compiled against the classifier's parameters.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>

#include "compiler/lower/training_program.h"
#include "runtime/compiled_graph.h"
#include "runtime/param_store.h"

namespace genc::runtime::fd {

/// The routine "features": input x, outputs "logits" (index 0) and "features" (index 1).
/// `plan` must be a lowered `classify` objective whose logits come from a linear layer.
lower::Routine feature_routine(const lower::TrainingProgram& plan);

/// Runs the classifier's network on images.
class FeatureNet {
 public:
  /// Compiles feature_routine(plan) against `params` (kept by reference).
  FeatureNet(const lower::TrainingProgram& plan, ParamStore& params);

  struct Result {
    at::Tensor logits;    ///< float [N,K] on the CPU
    at::Tensor features;  ///< float [N,F] on the CPU
  };
  /// Logits and features of `x` [N, ...] (the classifier's input type) in eval mode,
  /// `batch` rows at a time, without gradients.
  Result run(const at::Tensor& x, int64_t batch = 500);

 private:
  std::unique_ptr<CompiledGraph> graph_;
  at::Generator rng_;
  c10::Device device_;
};

}  // namespace genc::runtime::fd
