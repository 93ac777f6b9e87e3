// The generated 2-D toy sets: x float32 [n, 2], the same for the same seed everywhere.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace genc::runtime {

/// Each set is a clean shape plus Gaussian noise of standard deviation `noise` per coordinate.
/// Two interleaving half circles (as scikit-learn's make_moons).
at::Tensor moons(int64_t n, double noise, uint64_t seed);
/// Two concentric circles of radius 1 and 0.5.
at::Tensor circles(int64_t n, double noise, uint64_t seed);
/// Eight points evenly spaced on a circle of radius 4/1.414 (FFJORD's layout; its clusters
/// have std 0.35, so noise 0.35 reproduces them).
at::Tensor eight_gaussians(int64_t n, double noise, uint64_t seed);
/// Uniform on the dark squares of a 4x4 checkerboard spanning [-4, 4]^2.
at::Tensor checkerboard(int64_t n, double noise, uint64_t seed);
/// A swiss roll (t cos t, t sin t) / 5, t uniform in [1.5 pi, 4.5 pi]; as in scikit-learn's
/// make_swiss_roll the noise is added before the scaling, so its std is noise / 5 in the result.
at::Tensor swiss_roll(int64_t n, double noise, uint64_t seed);

}  // namespace genc::runtime
