// write_png_grid: quantize to bytes (x * 255 + 0.5, as torchvision's save_image), tile the
// images into a padded grid tensor, then write_png: encode in memory with stb_image_write,
// write atomically.
#include "runtime/io/png.h"

#include <ATen/ops/zeros.h>
#include <stb/stb_image_write.h>

#include <cmath>
#include <string>

#include "compiler/support/diagnostics.h"
#include "runtime/io/atomic_file.h"

namespace genc::runtime {

void write_png_grid(const std::string& path, const at::Tensor& images) {
  GENC_ASSERT(images.dim() == 4 && (images.size(1) == 1 || images.size(1) == 3) && images.size(0) > 0,
              "write_png_grid: expected [N,1|3,H,W] images");
  constexpr int64_t kPad = 2;
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const auto cols = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int64_t rows = (n + cols - 1) / cols;
  const int64_t grid_h = rows * (h + kPad) + kPad, grid_w = cols * (w + kPad) + kPad;

  const at::Tensor bytes =
      images.detach().to(at::kCPU, at::kFloat).nan_to_num(0.0).mul_(255.0).add_(0.5).clamp_(0.0, 255.0).to(at::kByte);
  at::Tensor grid = at::zeros({c, grid_h, grid_w}, at::kByte);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t top = (i / cols) * (h + kPad) + kPad, left = (i % cols) * (w + kPad) + kPad;
    grid.narrow(1, top, h).narrow(2, left, w).copy_(bytes[i]);
  }
  const at::Tensor hwc = grid.permute({1, 2, 0}).contiguous();
  write_png(path, static_cast<int>(grid_w), static_cast<int>(grid_h), static_cast<int>(c), hwc.data_ptr<uint8_t>());
}

void write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels) {
  std::string png;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
  };
  const int ok = stbi_write_png_to_func(append, &png, width, height, channels, pixels, width * channels);
  GENC_ASSERT(ok != 0, "write_png: PNG encoding failed");
  write_file_atomic(path, png);
}

}  // namespace genc::runtime
