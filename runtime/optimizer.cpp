// GroupOptimizer: adam, adamw, sgd or rmsprop over one optimizer group's parameters.
#include "runtime/optimizer.h"

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include "compiler/support/diagnostics.h"

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

}  // namespace

GroupOptimizer::GroupOptimizer(std::string name, std::vector<at::Tensor> params, const OptimizerConfig& config,
                               double clip_grad)
    : name_(std::move(name)),
      params_(std::move(params)),
      lr_(config.lr),
      clip_grad_(clip_grad),
      optimizer_(make_optimizer(params_, config)) {}

void GroupOptimizer::set_grads(const std::vector<at::Tensor>& grads) {
  GENC_ASSERT(grads.size() == params_.size(), "one gradient per parameter");
  for (size_t i = 0; i < params_.size(); ++i) params_[i].mutable_grad() = grads[i];
}

void GroupOptimizer::set_lr_factor(double factor) {
  for (torch::optim::OptimizerParamGroup& g : optimizer_->param_groups()) g.options().set_lr(lr_ * factor);
}

void GroupOptimizer::step() {
  if (clip_grad_ > 0) {
    // torch.nn.utils.clip_grad_norm_: scale all gradients by max_norm / (total 2-norm + 1e-6) when below 1.
    std::vector<at::Tensor> grads;
    for (const at::Tensor& p : params_)
      if (p.grad().defined()) grads.push_back(p.grad());
    if (!grads.empty()) {
      at::NoGradGuard no_grad;
      std::vector<at::Tensor> norms;
      for (const at::Tensor& g : grads) norms.push_back(g.norm());
      at::Tensor coef = (clip_grad_ / (at::stack(norms).norm() + 1e-6)).clamp_max(1.0);
      for (at::Tensor& g : grads) g.mul_(coef);
    }
  }
  optimizer_->step();
}

}  // namespace genc::runtime
