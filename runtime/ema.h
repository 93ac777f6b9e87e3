// An exponential moving average of the parameters, swapped in for evaluation and sampling.
#pragma once

#include <ATen/ATen.h>

#include <vector>

namespace genc::runtime {

class Ema {
 public:
  /// Starts the average at the parameters' current values.
  Ema(std::vector<at::Tensor> params, double decay);

  /// shadow = decay * shadow + (1 - decay) * param, after each training iteration.
  void update();
  /// Exchanges the parameters' values with the averages in place; calling it again
  /// restores them. Kernels keep their tensors: only values move.
  void swap();

  /// The averages, in the order of the parameters given at construction.
  const std::vector<at::Tensor>& shadow() const { return shadow_; }
  std::vector<at::Tensor>& shadow() { return shadow_; }

 private:
  std::vector<at::Tensor> params_;
  std::vector<at::Tensor> shadow_;
  double decay_;
};

}  // namespace genc::runtime
