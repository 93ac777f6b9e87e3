// Moments, the PSD matrix square root and the Fréchet distance, all in double precision.
#include "runtime/fd/frechet.h"

#include <ATen/ATen.h>

#include "compiler/support/diagnostics.h"

namespace genc::runtime::fd {

Moments moments(const at::Tensor& features) {
  GENC_ASSERT(features.dim() == 2 && features.size(0) >= 2, "fd::moments needs [N,F] features with N >= 2");
  at::Tensor f = features.detach().to(at::kCPU, at::kDouble);
  Moments m;
  m.count = f.size(0);
  m.mean = f.mean(0);
  at::Tensor centred = f - m.mean;
  m.cov = at::mm(centred.t(), centred) / static_cast<double>(m.count - 1);
  return m;
}

at::Tensor sqrt_psd(const at::Tensor& m) {
  at::Tensor sym = (m + m.t()) * 0.5;
  auto [values, vectors] = at::linalg_eigh(sym);
  return at::mm(vectors * values.clamp_min(0.0).sqrt(), vectors.t());
}

double frechet_distance(const Moments& a, const Moments& b) {
  GENC_ASSERT(a.mean.sizes() == b.mean.sizes(), "fd: feature sizes differ");
  at::Tensor root_a = sqrt_psd(a.cov);
  at::Tensor inner = at::mm(at::mm(root_a, b.cov), root_a);
  double trace_root = at::linalg_eigvalsh((inner + inner.t()) * 0.5).clamp_min(0.0).sqrt().sum().item<double>();
  double mean_term = (a.mean - b.mean).pow(2).sum().item<double>();
  return mean_term + a.cov.trace().item<double>() + b.cov.trace().item<double>() - 2.0 * trace_root;
}

int64_t class_coverage(const at::Tensor& logits, double min_fraction) {
  GENC_ASSERT(logits.dim() == 2 && logits.size(0) > 0, "fd::class_coverage needs [N,K] logits");
  at::Tensor counts = at::bincount(at::argmax(logits.detach().cpu(), 1), {}, logits.size(1));
  double needed = min_fraction * static_cast<double>(logits.size(0));
  return (counts.to(at::kDouble) >= needed).sum().item<int64_t>();
}

}  // namespace genc::runtime::fd
