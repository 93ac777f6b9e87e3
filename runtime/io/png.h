// Sample grids as PNG files.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace genc::runtime {

/// Writes `images` [N,C,H,W] (C = 1 or 3; values in [0,1], clamped; any device and float
/// dtype) to `path` as one PNG grid, atomically: ceil(sqrt(N)) images per row, 2 px of
/// black padding around and between them (as torchvision's make_grid). C = 1 is written
/// as a grayscale PNG, C = 3 as RGB. Throws RuntimeUserError if `path` cannot be written.
void write_png_grid(const std::string& path, const at::Tensor& images);

/// Writes `pixels` (row-major, `channels` bytes per pixel: 1 grayscale, 3 RGB) of a
/// `width` x `height` image to `path` as a PNG, encoded in memory and written atomically.
void write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels);

}  // namespace genc::runtime
