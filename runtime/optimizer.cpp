// GroupOptimizer: adam, adamw, sgd or rmsprop over one optimizer group's parameters, through
// torch::optim, or adam/adamw through the fused device-tensor update (compat::fused_adam).
#include "runtime/optimizer.h"

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include <cmath>

#include "compiler/support/diagnostics.h"
#include "runtime/compat.h"

namespace genc::runtime {
namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<at::Tensor>& params,
                                                        const OptimizerConfig& c) {
  using namespace torch::optim;
  if (c.kind == "adam")
    return std::make_unique<Adam>(params, AdamOptions(c.lr).betas({c.beta1, c.beta2}).eps(c.eps).weight_decay(c.weight_decay));
  if (c.kind == "adamw")
    return std::make_unique<AdamW>(params, AdamWOptions(c.lr).betas({c.beta1, c.beta2}).eps(c.eps).weight_decay(c.weight_decay));
  if (c.kind == "sgd")
    return std::make_unique<SGD>(params, SGDOptions(c.lr).momentum(c.momentum).nesterov(c.nesterov).weight_decay(c.weight_decay));
  if (c.kind == "rmsprop")
    return std::make_unique<RMSprop>(
        params, RMSpropOptions(c.lr).alpha(c.alpha).eps(c.eps).momentum(c.momentum).weight_decay(c.weight_decay));
  internal_error("unknown optimizer " + c.kind);
}

/// `grad` as the fused update takes it: of its parameter's dtype, device, sizes and strides.
/// Autograd may hand back a gradient of other strides (a glow flow's parameters got one on
/// CUDA, and the fused kernel refused the whole group); torch::optim does not care.
at::Tensor matching_layout(const at::Tensor& grad, const at::Tensor& param) {
  if (grad.scalar_type() == param.scalar_type() && grad.device() == param.device() && grad.strides() == param.strides())
    return grad;
  return at::empty_like(param).copy_(grad);
}

}  // namespace

bool GroupOptimizer::fused_available(const OptimizerConfig& config, const at::Device& device, std::string* why) {
  if (!device.is_cuda()) {
    *why = "the fused update runs on CUDA only";
    return false;
  }
  if (!compat::kHasFusedAdam) {
    *why = "this LibTorch has no fused Adam update";
    return false;
  }
  if (config.kind != "adam" && config.kind != "adamw") {
    *why = "optimizer " + config.kind + " has no update with a device learning rate in genc yet (adam and adamw do)";
    return false;
  }
  return true;
}

GroupOptimizer::GroupOptimizer(std::string name, std::vector<at::Tensor> params, const OptimizerConfig& config,
                               double clip_grad, bool fused)
    : name_(std::move(name)),
      params_(std::move(params)),
      lr_(config.lr),
      clip_grad_(clip_grad),
      adam_like_(config.kind == "adam" || config.kind == "adamw"),
      decoupled_(config.kind == "adamw") {
  if (!fused) {
    optimizer_ = make_optimizer(params_, config);
    return;
  }
  fused_ = std::make_unique<FusedState>();
  FusedState& f = *fused_;
  f.decoupled = config.kind == "adamw";
  f.beta1 = config.beta1;
  f.beta2 = config.beta2;
  f.eps = config.eps;
  f.weight_decay = config.weight_decay;
  at::NoGradGuard no_grad;
  for (const at::Tensor& p : params_) {
    f.exp_avg.push_back(at::zeros_like(p, at::MemoryFormat::Preserve));
    f.exp_avg_sq.push_back(at::zeros_like(p, at::MemoryFormat::Preserve));
    f.steps.push_back(at::zeros({}, p.options().dtype(at::kFloat)));
  }
  GENC_ASSERT(!params_.empty(), "optimizer group " + name_ + " has no parameters");
  f.lr = at::zeros({}, params_[0].options().dtype(at::kFloat));
  set_lr_factor(1.0);
}

void GroupOptimizer::set_grads(const std::vector<at::Tensor>& grads) {
  GENC_ASSERT(grads.size() == params_.size(), "one gradient per parameter");
  for (size_t i = 0; i < params_.size(); ++i) params_[i].mutable_grad() = grads[i];
}

void GroupOptimizer::set_lr_factor(double factor) {
  double lr = lr_ * factor;
  if (fused_) {
    if (lr != fused_->lr_value) fused_->lr.fill_(lr);
    fused_->lr_value = lr;
    return;
  }
  for (torch::optim::OptimizerParamGroup& g : optimizer_->param_groups()) g.options().set_lr(lr);
}

void GroupOptimizer::clip_grads() {
  // torch.nn.utils.clip_grad_norm_: scale all gradients by max_norm / (total 2-norm + 1e-6) when below 1.
  std::vector<at::Tensor> grads;
  for (const at::Tensor& p : params_)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> norms;
  for (const at::Tensor& g : grads) norms.push_back(g.norm());
  at::Tensor coef = (clip_grad_ / (at::stack(norms).norm() + 1e-6)).clamp_max(1.0);
  for (at::Tensor& g : grads) g.mul_(coef);
}

void GroupOptimizer::fused_step(const std::optional<at::Tensor>& found_inf) {
  FusedState& f = *fused_;
  std::vector<at::Tensor> params, grads, exp_avg, exp_avg_sq, steps;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].grad().defined()) continue;  // unused this step, as torch::optim skips it
    params.push_back(params_[i]);
    grads.push_back(matching_layout(params_[i].grad(), params_[i]));
    exp_avg.push_back(f.exp_avg[i]);
    exp_avg_sq.push_back(f.exp_avg_sq[i]);
    steps.push_back(f.steps[i]);
  }
  if (params.empty()) return;
  at::NoGradGuard no_grad;
  at::_foreach_add_(steps, 1.0);
  compat::fused_adam(f.decoupled, params, grads, exp_avg, exp_avg_sq, steps, f.lr, f.beta1, f.beta2,
                     f.weight_decay, f.eps, found_inf);
}

void GroupOptimizer::step(const std::optional<at::Tensor>& found_inf) {
  if (clip_grad_ > 0) clip_grads();
  if (fused_) {
    fused_step(found_inf);
    return;
  }
  GENC_ASSERT(!found_inf, "an overflow flag needs the fused update");
  optimizer_->step();
}

// Adam's state is saved in one layout on both paths, "adam_exp_avg_i", "adam_exp_avg_sq_i"
// and "adam_step_i" per parameter, so that a checkpoint moves between the CPU (torch::optim)
// and CUDA (the fused update). Other optimizers keep torch::optim's own archive.
void GroupOptimizer::save(torch::serialize::OutputArchive& archive) {
  if (!adam_like_) {
    optimizer_->save(archive);
    return;
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    AdamMoments m = adam_moments(i);
    std::string k = std::to_string(i);
    archive.write("adam_exp_avg_" + k, m.exp_avg, /*is_buffer=*/true);
    archive.write("adam_exp_avg_sq_" + k, m.exp_avg_sq, true);
    archive.write("adam_step_" + k, m.step, true);
  }
}

void GroupOptimizer::load(torch::serialize::InputArchive& archive) {
  if (!adam_like_) {
    optimizer_->load(archive);
    return;
  }
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    std::string k = std::to_string(i);
    AdamMoments m;
    archive.read("adam_exp_avg_" + k, m.exp_avg, true);
    archive.read("adam_exp_avg_sq_" + k, m.exp_avg_sq, true);
    archive.read("adam_step_" + k, m.step, true);
    set_adam_moments(i, m);
  }
}

GroupOptimizer::AdamMoments GroupOptimizer::adam_moments(size_t i) const {
  if (fused_) return {fused_->exp_avg[i], fused_->exp_avg_sq[i], fused_->steps[i]};
  const at::Tensor& p = params_[i];
  auto it = optimizer_->state().find(compat::optimizer_state_key(p));
  if (it == optimizer_->state().end())  // before its first update
    return {at::zeros_like(p), at::zeros_like(p), at::zeros({}, p.options().dtype(at::kFloat))};
  auto moments = [&](const auto& s) {
    return AdamMoments{s.exp_avg(), s.exp_avg_sq(), at::full({}, static_cast<double>(s.step()), p.options().dtype(at::kFloat))};
  };
  if (decoupled_) return moments(static_cast<const torch::optim::AdamWParamState&>(*it->second));
  return moments(static_cast<const torch::optim::AdamParamState&>(*it->second));
}

void GroupOptimizer::set_adam_moments(size_t i, const AdamMoments& m) {
  if (fused_) {
    fused_->exp_avg[i].copy_(m.exp_avg);
    fused_->exp_avg_sq[i].copy_(m.exp_avg_sq);
    fused_->steps[i].copy_(m.step);
    return;
  }
  const at::Tensor& p = params_[i];
  auto key = compat::optimizer_state_key(p);
  auto step = static_cast<int64_t>(std::llround(m.step.item<double>()));
  if (step == 0) {  // torch::optim keeps no state before a parameter's first update
    optimizer_->state().erase(key);
    return;
  }
  auto fill = [&](auto state) {
    state->step(step);
    state->exp_avg(m.exp_avg.to(p.device()).clone());
    state->exp_avg_sq(m.exp_avg_sq.to(p.device()).clone());
    optimizer_->state()[key] = std::move(state);
  };
  if (decoupled_)
    fill(std::make_unique<torch::optim::AdamWParamState>());
  else
    fill(std::make_unique<torch::optim::AdamParamState>());
}

}  // namespace genc::runtime
