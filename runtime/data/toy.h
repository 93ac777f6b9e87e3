// The generated 2-D toy sets: x float32 [n, 2], the same for the same seed everywhere.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace genc::runtime {

/// Two interleaving half circles (as scikit-learn's make_moons), plus Gaussian noise of std `noise`.
at::Tensor moons(int64_t n, double noise, uint64_t seed);
/// Two concentric circles of radius 1 and 0.5, plus Gaussian noise of std `noise`.
at::Tensor circles(int64_t n, double noise, uint64_t seed);
/// A mixture of eight Gaussians (std 0.5) on a circle of radius 4, scaled by 1/1.414.
at::Tensor eight_gaussians(int64_t n, uint64_t seed);
/// Uniform on the dark squares of a 4x4 checkerboard spanning [-4, 4]^2.
at::Tensor checkerboard(int64_t n, uint64_t seed);
/// A 2-D swiss roll (t cos t, t sin t) / 5, t in [1.5 pi, 4.5 pi], noise of std `noise` before scaling.
at::Tensor swiss_roll(int64_t n, double noise, uint64_t seed);

}  // namespace genc::runtime
