// 2-D samples as files: the points as a NumPy .npy array, or drawn as a scatter plot PNG.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace genc::runtime {

/// Whether samples `x` are 2-D points, [N,2].
bool is_point_batch(const at::Tensor& x);

/// Writes `x` (any shape, any device and float dtype) to `path` atomically as a version 1.0
/// .npy array of little-endian float32 in C order, which numpy.load reads.
void write_npy(const std::string& path, const at::Tensor& x);

/// Draws `points` [N,2] on a white 512x512 grayscale PNG, atomically: the axes span the
/// points' bounding box (equal scale on both axes, 5% margin), each point a dark 3x3 dot,
/// the x and y axes through 0 in light gray where they fall inside the box. Non-finite
/// points are left out.
void write_scatter_png(const std::string& path, const at::Tensor& points);

}  // namespace genc::runtime
