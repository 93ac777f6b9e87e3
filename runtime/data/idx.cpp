// IDX parsing: a 4-byte magic (0, 0, element type, rank), rank big-endian u32 sizes,
// then the elements in C order. Only unsigned-byte elements (type 0x08) are read.
#include "runtime/data/idx.h"

#include <ATen/ops/empty.h>
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <vector>

#include "runtime/data/read_file.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

struct IdxArray {
  std::vector<int64_t> dims;
  const uint8_t* elements = nullptr;
  int64_t count = 0;
};

// Validates the header and sizes of an IDX file held in `bytes`.
IdxArray parse_idx(const std::string& path, const std::string& bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  if (bytes.size() < 4) throw file_error(path, "truncated (no IDX header)");
  const uint32_t magic = uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
  const bool known_type = p[2] == 0x08 || p[2] == 0x09 || (p[2] >= 0x0B && p[2] <= 0x0E);
  if (p[0] != 0 || p[1] != 0 || !known_type || p[3] == 0)
    throw file_error(path, fmt::format("bad magic 0x{:08X} (not an IDX file)", magic));
  if (p[2] != 0x08)
    throw file_error(path, fmt::format("IDX element type 0x{:02X} is not supported (only unsigned bytes, 0x08)", p[2]));

  IdxArray a;
  const size_t header = 4 + 4 * size_t{p[3]};
  if (bytes.size() < header) throw file_error(path, "truncated (incomplete IDX header)");
  a.count = 1;
  for (size_t i = 0; i < p[3]; ++i) {
    const uint8_t* d = p + 4 + 4 * i;
    const int64_t dim = int64_t{d[0]} << 24 | int64_t{d[1]} << 16 | int64_t{d[2]} << 8 | d[3];
    a.dims.push_back(dim);
    a.count *= dim;
  }
  const size_t found = bytes.size() - header;
  if (found < static_cast<size_t>(a.count))
    throw file_error(path, fmt::format("truncated (expected {} bytes of data, found {})", a.count, found));
  if (found > static_cast<size_t>(a.count))
    throw file_error(path, fmt::format("{} unexpected bytes after the data", found - a.count));
  a.elements = p + header;
  return a;
}

}  // namespace

at::Tensor read_idx_images(const std::string& path) {
  const std::string bytes = read_data_file(path);
  IdxArray a = parse_idx(path, bytes);
  if (a.dims.size() == 3) a.dims.insert(a.dims.begin() + 1, 1);

  std::array<float, 256> scaled;
  for (int v = 0; v < 256; ++v) scaled[v] = static_cast<float>(v) / 255.0f;
  at::Tensor x = at::empty(a.dims, at::kFloat);
  float* out = x.data_ptr<float>();
  for (int64_t i = 0; i < a.count; ++i) out[i] = scaled[a.elements[i]];
  return x;
}

at::Tensor read_idx_labels(const std::string& path) {
  const std::string bytes = read_data_file(path);
  const IdxArray a = parse_idx(path, bytes);
  if (a.dims.size() != 1)
    throw file_error(path, fmt::format("labels must be a rank-1 IDX file, but it has rank {}", a.dims.size()));
  at::Tensor y = at::empty({a.count}, at::kLong);
  int64_t* out = y.data_ptr<int64_t>();
  for (int64_t i = 0; i < a.count; ++i) out[i] = a.elements[i];
  return y;
}

Data read_idx(const std::string& images, const std::string& labels) {
  Data d;
  d.x = read_idx_images(images);
  if (labels.empty()) return d;
  at::Tensor y = read_idx_labels(labels);
  if (y.size(0) != d.x.size(0))
    throw file_error(labels, fmt::format("has {} labels, but '{}' has {} images", y.size(0), images, d.x.size(0)));
  d.y = y;
  return d;
}

Data fashion_mnist(const std::string& split, const std::string& dir) {
  if (split != "train" && split != "test")
    throw RuntimeUserError("fashion_mnist: split must be \"train\" or \"test\", got \"" + split + "\"");
  const std::string prefix = dir + "/" + (split == "train" ? "train" : "t10k");
  return read_idx(prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz");
}

}  // namespace genc::runtime
