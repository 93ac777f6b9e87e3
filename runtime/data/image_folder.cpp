// image_folder: list the images (or class folders of images), decode each with stb_image
// as 8-bit grey or RGB and resize it to size x size with bilinear interpolation.
#include "runtime/data/image_folder.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/upsample_bilinear2d.h>
#include <stb/stb_image.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <vector>

#include "runtime/errors.h"

namespace genc::runtime {
namespace fs = std::filesystem;
namespace {

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const char* kExts[] = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".ppm", ".pgm", ".pnm"};
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

// Entries of `dir` that satisfy `keep`, sorted by name.
template <typename F>
std::vector<fs::path> sorted_entries(const fs::path& dir, F keep) {
  std::vector<fs::path> out;
  try {
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
      if (keep(e)) out.push_back(e.path());
  } catch (const fs::filesystem_error& e) {
    throw file_error(dir.string(), e.code().message());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Hidden entries (names starting with '.') are skipped, as sema does when counting classes.
bool is_hidden(const fs::path& p) { return p.filename().string().rfind('.', 0) == 0; }

// Decodes `path` and writes it, resized, into `out` ([channels,size,size]).
void load_image(const fs::path& path, int64_t size, int64_t channels, at::Tensor out) {
  int w = 0, h = 0, in_file = 0;
  const int c = static_cast<int>(channels);
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load(path.c_str(), &w, &h, &in_file, c), stbi_image_free);
  if (!pixels) throw file_error(path.string(), std::string("cannot decode image (") + stbi_failure_reason() + ")");
  at::Tensor img = at::from_blob(pixels.get(), {1, h, w, c}, at::kByte).permute({0, 3, 1, 2}).to(at::kFloat).div_(255.0);
  if (h != size || w != size) img = at::upsample_bilinear2d(img, {size, size}, /*align_corners=*/false);
  out.copy_(img[0].clamp_(0.0, 1.0));
}

}  // namespace

Data image_folder(const std::string& dir, int64_t size, int64_t channels) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw file_error(dir, fs::exists(dir, ec) ? "not a directory" : "no such directory");
  if (size <= 0) throw RuntimeUserError("image_folder: size must be positive, got " + std::to_string(size));
  if (channels != 1 && channels != 3) throw RuntimeUserError("image_folder: channels must be 1 or 3, got " + std::to_string(channels));

  std::vector<fs::path> files = sorted_entries(dir, [](const fs::directory_entry& e) { return e.is_regular_file() && is_image(e.path()); });
  const std::vector<fs::path> classes = sorted_entries(dir, [](const fs::directory_entry& e) { return e.is_directory() && !is_hidden(e.path()); });
  std::vector<int64_t> labels;
  if (!classes.empty()) {
    if (!files.empty()) throw file_error(dir, "mixes images and class folders; use one or the other");
    for (size_t c = 0; c < classes.size(); ++c) {
      for (fs::path& f : sorted_entries(classes[c], [](const fs::directory_entry& e) { return e.is_regular_file() && is_image(e.path()); })) {
        files.push_back(std::move(f));
        labels.push_back(static_cast<int64_t>(c));
      }
    }
  }
  if (files.empty()) throw file_error(dir, "no images found (png, jpg, bmp, gif, tga, ppm, pgm)");

  const auto n = static_cast<int64_t>(files.size());
  Data d;
  d.x = at::empty({n, channels, size, size}, at::kFloat);
  for (int64_t i = 0; i < n; ++i) load_image(files[i], size, channels, d.x[i]);
  if (!labels.empty()) {
    d.y = at::empty({n}, at::kLong);
    std::copy(labels.begin(), labels.end(), d.y->data_ptr<int64_t>());
  }
  return d;
}

}  // namespace genc::runtime
