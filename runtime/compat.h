// LibTorch version differences, kept in one place: Debian's LibTorch 1.13 (CPU) and the
// LibTorch 2.x inside the GPU machine's PyTorch.
#pragma once

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/optim/optimizer.h>
#include <torch/version.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace genc::runtime::compat {

/// The additive causal mask of `len` queries over `keys` keys [len, keys]: 0 on and below
/// the diagonal, -inf above (built once by the caller, for the math path below).
inline at::Tensor causal_mask(int64_t len, int64_t keys, const at::TensorOptions& options) {
  return at::full({len, keys}, -std::numeric_limits<float>::infinity(), options.dtype(at::kFloat)).triu(1);
}

/// softmax(q k^T / sqrt(d) [+ causal mask]) v on contiguous q [B, heads, L, d] and k, v
/// [B, heads, Lk, d]; `mask` is causal_mask(L, Lk) when `causal`. `keep`, when defined,
/// multiplies the probabilities [B, heads, L, Lk] (dropout's scaled keep mask). Fused
/// where LibTorch has it (2.x, without `keep`); else the math path of
/// nn.MultiheadAttention: baddbmm of the mask with the scaled scores, softmax, bmm.
inline at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                               bool causal, const at::Tensor& mask, const at::Tensor& keep = {}) {
#if TORCH_VERSION_MAJOR >= 2
  if (!keep.defined()) return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, causal);
#endif
  const int64_t b = q.size(0), h = q.size(1), l = q.size(2), lk = k.size(2), d = q.size(3);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  at::Tensor q3 = q.reshape({b * h, l, d}), kt = k.reshape({b * h, lk, d}).transpose(1, 2);
  at::Tensor scores = causal ? at::baddbmm(mask.to(q.scalar_type()), q3, kt, /*beta=*/1.0, /*alpha=*/scale)
                             : at::bmm(q3, kt).mul_(scale);
  at::Tensor probs = at::softmax(scores, -1);
  if (keep.defined()) probs = probs * keep.reshape({b * h, l, lk});
  return at::bmm(probs, v.reshape({b * h, lk, d})).view({b, h, l, d});
}

/// A private generator for random draws on `device`, seeded: each call gives a stream of
/// its own, so training, evaluation and sampling never share one. Off the CPU it is a
/// clone of the device's default generator (creating a CUDA generator directly needs the
/// CUDA headers), which leaves the default one untouched.
inline at::Generator make_generator(const at::Device& device, uint64_t seed) {
  if (device.is_cpu()) return at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Generator gen = at::globalContext().defaultGenerator(device).clone();
  gen.set_current_seed(seed);
  return gen;
}

/// The key of parameter `p` in torch::optim::Optimizer::state(): a string of its
/// TensorImpl's address on LibTorch 1.x, the address itself on 2.x.
/// (A template so that only the branch of this LibTorch's key type is compiled.)
template <class Optimizer = torch::optim::Optimizer>
auto optimizer_state_key(const at::Tensor& p) {
  using Key = typename std::decay_t<decltype(std::declval<Optimizer&>().state())>::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream address;  // what LibTorch 1.x's c10::guts::to_string writes
    address << p.unsafeGetTensorImpl();
    return address.str();
  }
  else
    return static_cast<Key>(p.unsafeGetTensorImpl());
}

/// Whether this LibTorch has the fused Adam/AdamW update that reads its learning rate and
/// step counts from device tensors (2.x), the update a captured CUDA graph can replay.
constexpr bool kHasFusedAdam = TORCH_VERSION_MAJOR >= 2;

/// One fused Adam (or, with `decoupled`, AdamW) update of `params`. `steps` holds one
/// float32 scalar per parameter (already incremented for this update), `lr` a float32
/// scalar, all on the parameters' device. With `found_inf` (a float32 scalar, nonzero when
/// a gradient overflowed) the update is skipped on the device. Only when kHasFusedAdam.
inline void fused_adam(bool decoupled, at::TensorList params, at::TensorList grads, at::TensorList exp_avgs,
                       at::TensorList exp_avg_sqs, at::TensorList steps, const at::Tensor& lr, double beta1,
                       double beta2, double weight_decay, double eps, const std::optional<at::Tensor>& found_inf) {
#if TORCH_VERSION_MAJOR >= 2
  if (decoupled)
    at::_fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, /*max_exp_avg_sqs=*/{}, steps, lr, beta1, beta2,
                      weight_decay, eps, /*amsgrad=*/false, /*maximize=*/false, /*grad_scale=*/std::nullopt,
                      found_inf);
  else
    at::_fused_adam_(params, grads, exp_avgs, exp_avg_sqs, /*max_exp_avg_sqs=*/{}, steps, lr, beta1, beta2,
                     weight_decay, eps, /*amsgrad=*/false, /*maximize=*/false, /*grad_scale=*/std::nullopt,
                     found_inf);
#else
  throw std::logic_error("fused_adam needs LibTorch 2.x");
#endif
}

/// Autocast of CUDA ops to `dtype` (bf16 or fp16) on this thread while it lives, without
/// the cast cache (a captured CUDA graph must recompute its casts on every replay).
class CudaAutocast {
 public:
  explicit CudaAutocast(at::ScalarType dtype) {
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_enabled(true);
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
    at::autocast::set_autocast_cache_enabled(false);
  }
  ~CudaAutocast() {
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
  }
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;
};

}  // namespace genc::runtime::compat
