// LibTorch version differences, kept in one place: Debian's LibTorch 1.13 (CPU) and the
// LibTorch 2.x inside the GPU machine's PyTorch.
#pragma once

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace genc::runtime::compat {

/// softmax(q k^T / sqrt(d) [+ causal mask]) v on [B, heads, L, d]; fused where LibTorch has it.
inline at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                               bool causal) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, causal);
#else
  at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(q.size(-1)));
  if (causal) {
    at::Tensor mask = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).triu(1);
    scores = scores.masked_fill(mask, -std::numeric_limits<float>::infinity());
  }
  return at::matmul(at::softmax(scores, -1), v);
#endif
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

}  // namespace genc::runtime::compat
