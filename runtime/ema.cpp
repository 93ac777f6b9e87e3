// Ema: the moving average update and the in-place swap.
#include "runtime/ema.h"

#include <ATen/core/grad_mode.h>

namespace genc::runtime {

Ema::Ema(std::vector<at::Tensor> params, double decay) : params_(std::move(params)), decay_(decay) {
  at::NoGradGuard no_grad;
  for (const at::Tensor& p : params_) shadow_.push_back(p.detach().clone());
}

void Ema::update() {
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) shadow_[i].lerp_(params_[i], 1.0 - decay_);
}

void Ema::swap() {
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor current = params_[i].detach().clone();
    params_[i].copy_(shadow_[i]);
    shadow_[i].copy_(current);
  }
}

}  // namespace genc::runtime
