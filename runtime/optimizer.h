// Optimizers of the training program: one per optimizer group (e.g. "G" and "D"), from
// the train block's optimizer setting, with the learning-rate schedule and gradient
// clipping applied per step.
#pragma once

#include <torch/optim/optimizer.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/train_config.h"

namespace genc::runtime {

/// A torch::optim optimizer over one group's parameters.
class GroupOptimizer {
 public:
  GroupOptimizer(std::string name, std::vector<at::Tensor> params, const OptimizerConfig& config,
                 double clip_grad);

  /// Sets each parameter's gradient (undefined entries: unused, no update).
  void set_grads(const std::vector<at::Tensor>& grads);
  /// The learning rate for this step: the configured one times `factor`.
  void set_lr_factor(double factor);
  /// Clips the gradient norm (when configured) and applies the update.
  void step();

  const std::string& name() const { return name_; }
  const std::vector<at::Tensor>& params() const { return params_; }
  torch::optim::Optimizer& optimizer() { return *optimizer_; }

 private:
  std::string name_;
  std::vector<at::Tensor> params_;
  double lr_;
  double clip_grad_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
};

}  // namespace genc::runtime
