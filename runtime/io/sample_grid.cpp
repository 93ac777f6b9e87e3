// Sample grids (see sample_grid.h).
#include "runtime/io/sample_grid.h"

#include <ATen/ATen.h>

#include <tuple>

#include "compiler/support/diagnostics.h"
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"
#include "runtime/io/png.h"
#include "runtime/io/points.h"

namespace genc::runtime {

bool is_image_batch(const at::Tensor& x) { return x.dim() == 4 && (x.size(1) == 1 || x.size(1) == 3); }

at::Tensor to_unit_range(const at::Tensor& x, const ir::Dataset& data) {
  // Loading applied the transforms in order, so undoing them goes the other way:
  // scale(a, b) then scale(c, d) is x -> (x (b-a) + a)(d-c) + c, undone by d, c first.
  at::Tensor out = x;
  for (auto it = data.transforms.rbegin(); it != data.transforms.rend(); ++it) {
    if (it->name != "scale") continue;
    double lo = ir::attr_float(it->args, "lo"), hi = ir::attr_float(it->args, "hi");
    out = out.sub(lo).div(hi - lo);
  }
  return out;
}

void write_sample_grid(const std::string& path, const Data& samples, const ir::Dataset& data) {
  GENC_ASSERT(is_image_batch(samples.x), "write_sample_grid of samples that are not images");
  at::Tensor images = to_unit_range(samples.x, data);
  if (samples.y) images = images.index_select(0, std::get<1>(samples.y->sort(/*stable=*/true, 0, false)));
  write_png_grid(path, images);
}

bool is_text_data(const ir::Dataset& data) { return data.source.name == "text"; }

std::string samples_text(const at::Tensor& x) {
  at::Tensor bytes = x.to(at::kLong).clamp(0, 255).to(at::kByte).contiguous().cpu();
  std::string out;
  const auto* p = bytes.data_ptr<uint8_t>();
  for (int64_t i = 0; i < bytes.size(0); ++i) {
    out.append(reinterpret_cast<const char*>(p + i * bytes.size(1)), static_cast<size_t>(bytes.size(1)));
    out += "\n\n";
  }
  return out;
}

at::Tensor token_images(const at::Tensor& x, const ir::Dataset& data) {
  if (x.scalar_type() != at::kLong || data.x.classes < 2 || is_text_data(data)) return x;
  at::Tensor v = x.to(at::kFloat).div(static_cast<double>(data.x.classes - 1));
  const std::string& source = data.source.name;
  if (source == "fashion_mnist" || source == "idx") return v.reshape({x.size(0), 1, 28, 28});
  if (source == "image_folder") {
    int64_t size = ir::attr_int(data.source.args, "size");
    return v.reshape({x.size(0), ir::attr_int_or(data.source.args, "channels", 3), size, size});
  }
  return v;
}

std::vector<std::string> default_sample_files(const at::Tensor& x, const std::string& stem, const ir::Dataset* data) {
  if (data && is_text_data(*data)) return {stem + ".txt"};
  if (data && is_image_batch(token_images(x, *data))) return {stem + ".png"};
  if (is_image_batch(x)) return {stem + ".png"};
  if (is_point_batch(x)) return {stem + ".png", stem + ".npy"};
  return {};
}

void write_samples(const std::string& path, const Data& given, const ir::Dataset& data) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (is_text_data(data)) {
    if (ext != ".txt") throw RuntimeUserError("samples of a text model are text: write them to a .txt file, not '" + path + "'");
    return write_file_atomic(path, samples_text(given.x));
  }
  Data samples{token_images(given.x, data), given.y};
  if (is_image_batch(samples.x) && ext == ".png") return write_sample_grid(path, samples, data);
  if (is_point_batch(samples.x) && ext == ".npy") return write_npy(path, to_unit_range(samples.x, data));
  if (is_point_batch(samples.x) && ext == ".png") return write_scatter_png(path, to_unit_range(samples.x, data));
  const std::string shape = fmt::format("[{}]", fmt::join(samples.x.sizes().slice(1), ","));
  if (is_image_batch(samples.x)) throw RuntimeUserError("samples of shape " + shape + " are images: write them to a .png file, not '" + path + "'");
  if (is_point_batch(samples.x))
    throw RuntimeUserError("samples of shape " + shape + " are 2-D points: write them to a .png (scatter plot) or .npy file, not '" + path + "'");
  throw RuntimeUserError("samples of shape " + shape + " are neither [C,H,W] images with 1 or 3 channels nor 2-D points: there is no file to write them to");
}

}  // namespace genc::runtime
