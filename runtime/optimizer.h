// Optimizers of the training program: one per optimizer group (e.g. "G" and "D"), from
// the train block's optimizer setting, with the learning-rate schedule and gradient
// clipping applied per step. Two implementations behind one class: LibTorch's torch::optim
// (host learning rate and step counts; the CPU's, identical to a hand-written LibTorch
// program) and, for adam and adamw on CUDA where LibTorch has it (2.x), the fused update
// whose learning rate, step counts and overflow flag are device tensors, so that a captured
// CUDA graph replays it with the schedule's current learning rate.
#pragma once

#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/train_config.h"

namespace genc::runtime {

class GroupOptimizer {
 public:
  /// `fused`: the device-tensor update (only where fused_available() says so).
  GroupOptimizer(std::string name, std::vector<at::Tensor> params, const OptimizerConfig& config, double clip_grad,
                 bool fused);

  /// Whether the fused device-tensor update exists for `config` on `device` (else why not).
  static bool fused_available(const OptimizerConfig& config, const at::Device& device, std::string* why);

  /// Sets each parameter's gradient (undefined entries: unused, no update).
  void set_grads(const std::vector<at::Tensor>& grads);
  /// The learning rate of the next steps: the configured one times `factor`. On the fused
  /// path it is a device write, made only when the value changes; call it outside capture.
  void set_lr_factor(double factor);
  /// Clips the gradient norm (when configured) and applies the update. With `found_inf`
  /// (fused path only: a device flag, nonzero when a gradient overflowed) the update is
  /// skipped on the device. Launches device work only: capturable on the fused path.
  void step(const std::optional<at::Tensor>& found_inf = std::nullopt);

  const std::string& name() const { return name_; }
  const std::vector<at::Tensor>& params() const { return params_; }
  bool fused() const { return fused_ != nullptr; }

  void save(torch::serialize::OutputArchive& archive);
  void load(torch::serialize::InputArchive& archive);

 private:
  /// The fused update's state: one moment pair and step count per parameter, on its device.
  struct FusedState {
    bool decoupled;  ///< adamw
    double beta1, beta2, eps, weight_decay;
    std::vector<at::Tensor> exp_avg, exp_avg_sq, steps;
    at::Tensor lr;  ///< float32 scalar
    double lr_value = -1;
  };
  /// Adam's moments and step count (a float scalar) of parameter i, whichever path.
  struct AdamMoments {
    at::Tensor exp_avg, exp_avg_sq, step;
  };
  AdamMoments adam_moments(size_t i) const;
  void set_adam_moments(size_t i, const AdamMoments& m);
  void clip_grads();
  void fused_step(const std::optional<at::Tensor>& found_inf);

  std::string name_;
  std::vector<at::Tensor> params_;
  double lr_;
  double clip_grad_;
  bool adam_like_;  ///< adam or adamw: saved in genc's own layout (see save())
  bool decoupled_;  ///< adamw
  std::unique_ptr<torch::optim::Optimizer> optimizer_;  ///< the torch::optim path
  std::unique_ptr<FusedState> fused_;                   ///< the fused path
};

}  // namespace genc::runtime
