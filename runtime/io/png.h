// Sample grids as PNG files.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace genc::runtime {

/// Writes `images` [N,C,H,W] (C = 1 or 3; values in [0,1], clamped; any device and float
/// dtype) to `path` as one PNG grid, atomically: ceil(sqrt(N)) images per row, 2 px of
/// black padding around and between them (as torchvision's make_grid). C = 1 is written
/// as a grayscale PNG, C = 3 as RGB. Throws RuntimeUserError if `path` cannot be written.
void write_png_grid(const std::string& path, const at::Tensor& images);

}  // namespace genc::runtime
