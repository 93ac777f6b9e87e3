// The `data` transforms, applied once to the whole x tensor at load time. Call them
// qualified (transforms::flatten): unqualified names would also find at::flatten.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace genc::runtime::transforms {

/// 1.0 where x > threshold, else 0.0 (float32).
at::Tensor binarize(const at::Tensor& x, double threshold = 0.5);
/// Maps [0,1] linearly to [lo, hi].
at::Tensor scale(const at::Tensor& x, double lo, double hi);
/// [N, ...] -> [N, prod(...)].
at::Tensor flatten(const at::Tensor& x);
/// Quantizes real x in [0,1] to int64 tokens round(x * (levels-1)) in 0..levels-1 (x is
/// clamped to [0,1] first; load_dataset refuses real data outside it); integer x are token
/// ids already and are kept (load_dataset holds them to 0..levels-1). The shape is kept
/// (flatten first for a token sequence). levels >= 2.
at::Tensor tokens(const at::Tensor& x, int64_t levels);

}  // namespace genc::runtime::transforms
