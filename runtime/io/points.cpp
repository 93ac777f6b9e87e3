// 2-D samples as .npy and as a scatter plot (see points.h).
#include "runtime/io/points.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/support/diagnostics.h"
#include "runtime/io/atomic_file.h"
#include "runtime/io/png.h"

namespace genc::runtime {

bool is_point_batch(const at::Tensor& x) { return x.dim() == 2 && x.size(1) == 2; }

void write_npy(const std::string& path, const at::Tensor& x) {
  const at::Tensor data = x.detach().to(at::kCPU, at::kFloat).contiguous();
  std::vector<int64_t> shape(data.sizes().begin(), data.sizes().end());
  std::string dims = fmt::format("{}", fmt::join(shape, ", "));
  if (shape.size() == 1) dims += ",";
  std::string header = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims);
  // Magic (6) + version (2) + header length (2) + header + '\n' is padded to a multiple of 64.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>((header.size() >> 8) & 0xff);
  bytes += header;
  const size_t payload = static_cast<size_t>(data.numel()) * sizeof(float);
  const size_t start = bytes.size();
  bytes.resize(start + payload);
  if (payload > 0) std::memcpy(bytes.data() + start, data.data_ptr<float>(), payload);
  write_file_atomic(path, bytes);
}

void write_scatter_png(const std::string& path, const at::Tensor& points) {
  GENC_ASSERT(is_point_batch(points), "write_scatter_png: expected [N,2] points");
  constexpr int kSize = 512;
  constexpr uint8_t kWhite = 255, kAxis = 200, kDot = 30;
  const at::Tensor p = points.detach().to(at::kCPU, at::kDouble).contiguous();
  const double* xy = p.data_ptr<double>();
  const int64_t n = p.size(0);

  double lo_x = INFINITY, hi_x = -INFINITY, lo_y = INFINITY, hi_y = -INFINITY;
  for (int64_t i = 0; i < n; ++i) {
    const double x = xy[2 * i], y = xy[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    lo_x = std::min(lo_x, x), hi_x = std::max(hi_x, x), lo_y = std::min(lo_y, y), hi_y = std::max(hi_y, y);
  }
  if (lo_x > hi_x) lo_x = lo_y = -1, hi_x = hi_y = 1;  // no finite point: an empty plot
  // One scale for both axes, so circles stay round: the larger extent fills the image.
  const double extent = std::max({hi_x - lo_x, hi_y - lo_y, 1e-9}) * 1.1;
  const double mid_x = (lo_x + hi_x) / 2, mid_y = (lo_y + hi_y) / 2;
  auto column = [&](double x) { return static_cast<int>(std::floor((x - mid_x) / extent * kSize + kSize / 2.0)); };
  auto row = [&](double y) { return static_cast<int>(std::floor((mid_y - y) / extent * kSize + kSize / 2.0)); };

  std::vector<uint8_t> image(static_cast<size_t>(kSize) * kSize, kWhite);
  auto set = [&](int r, int c, uint8_t v) {
    if (r >= 0 && r < kSize && c >= 0 && c < kSize) image[static_cast<size_t>(r) * kSize + c] = v;
  };
  const int axis_row = row(0.0), axis_column = column(0.0);
  for (int i = 0; i < kSize; ++i) set(axis_row, i, kAxis), set(i, axis_column, kAxis);
  for (int64_t i = 0; i < n; ++i) {
    const double x = xy[2 * i], y = xy[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    const int r = row(y), c = column(x);
    for (int dr = -1; dr <= 1; ++dr)
      for (int dc = -1; dc <= 1; ++dc) set(r + dr, c + dc, kDot);
  }

  write_png(path, kSize, kSize, 1, image.data());
}

}  // namespace genc::runtime
