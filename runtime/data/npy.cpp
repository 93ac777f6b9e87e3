// .npy parsing: "\x93NUMPY", major and minor version bytes, a little-endian header length
// (u16 in v1, u32 in v2/v3), then a Python dict literal with 'descr', 'fortran_order'
// and 'shape', padded to alignment, then the raw elements. Float elements must be finite.
#include "runtime/data/npy.h"

#include <ATen/ops/empty.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/data/read_file.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

// The text after `'key':` in the header dict, with leading spaces skipped.
size_t value_pos(const std::string& path, const std::string& dict, const std::string& key) {
  size_t k = dict.find("'" + key + "'");
  if (k == std::string::npos) throw file_error(path, "npy header has no '" + key + "'");
  size_t colon = dict.find(':', k);
  if (colon == std::string::npos) throw file_error(path, "malformed npy header");
  size_t v = dict.find_first_not_of(' ', colon + 1);
  if (v == std::string::npos) throw file_error(path, "malformed npy header");
  return v;
}

NpyHeader parse_header(const std::string& path, const std::string& bytes) {
  static const char kMagic[] = "\x93NUMPY";
  if (bytes.size() < 10) throw file_error(path, "truncated (no npy header)");
  if (std::memcmp(bytes.data(), kMagic, 6) != 0) throw file_error(path, "bad magic (not a .npy file)");
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const int major = p[6];
  size_t len = 0, start = 0;
  if (major == 1) {
    len = size_t{p[8]} | size_t{p[9]} << 8;
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw file_error(path, "truncated (no npy header)");
    len = size_t{p[8]} | size_t{p[9]} << 8 | size_t{p[10]} << 16 | size_t{p[11]} << 24;
    start = 12;
  } else {
    throw file_error(path, fmt::format("npy format version {} is not supported", major));
  }
  if (bytes.size() < start + len) throw file_error(path, "truncated (incomplete npy header)");
  const std::string dict = bytes.substr(start, len);

  NpyHeader h;
  h.data_offset = start + len;
  size_t d = value_pos(path, dict, "descr");
  size_t d_end = d + 1 < dict.size() ? dict.find(dict[d], d + 1) : std::string::npos;
  if ((dict[d] != '\'' && dict[d] != '"') || d_end == std::string::npos)
    throw file_error(path, "npy 'descr' is not a simple type string (structured arrays are not supported)");
  h.descr = dict.substr(d + 1, d_end - d - 1);

  size_t f = value_pos(path, dict, "fortran_order");
  h.fortran_order = dict.compare(f, 4, "True") == 0;

  size_t s = value_pos(path, dict, "shape");
  size_t s_end = dict.find(')', s);
  if (dict[s] != '(' || s_end == std::string::npos) throw file_error(path, "malformed npy 'shape'");
  const std::string dims = dict.substr(s + 1, s_end - s - 1);
  for (size_t i = 0; i < dims.size();) {
    i = dims.find_first_of("0123456789", i);
    if (i == std::string::npos) break;
    size_t used = 0;
    h.shape.push_back(std::stoll(dims.substr(i), &used));
    i += used;
  }
  return h;
}

template <typename From, typename To>
void convert(const char* src, To* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    From v;
    std::memcpy(&v, src + i * sizeof(From), sizeof(From));
    out[i] = static_cast<To>(v);
  }
}

// The first element that is not finite, as a numpy index, is an error.
void check_finite(const std::string& path, const at::Tensor& x) {
  const float* v = x.data_ptr<float>();
  const int64_t count = x.numel();
  for (int64_t i = 0; i < count; ++i) {
    if (std::isfinite(v[i])) continue;
    std::vector<int64_t> index(static_cast<size_t>(x.dim()));
    for (int64_t k = x.dim() - 1, rest = i; k >= 0; --k) {
      index[static_cast<size_t>(k)] = rest % x.size(k);
      rest /= x.size(k);
    }
    throw file_error(path, fmt::format("element [{}] is {} (example {}, counting from 0): data must be finite",
                                       fmt::join(index, ", "), v[i], index[0]));
  }
}

}  // namespace

at::Tensor read_npy(const std::string& path) {
  const std::string bytes = read_data_file(path);
  const NpyHeader h = parse_header(path, bytes);
  if (h.fortran_order) throw file_error(path, "Fortran-ordered arrays are not supported (save with C order)");
  if (h.shape.empty()) throw file_error(path, "a 0-d array has no examples (need at least one axis)");

  size_t item = 0;
  if (h.descr == "<f4") item = 4;
  else if (h.descr == "<f8" || h.descr == "<i8") item = 8;
  else if (h.descr == "|u1" || h.descr == "<u1" || h.descr == "u1") item = 1;
  else throw file_error(path, "npy element type '" + h.descr + "' is not supported (use <f4, <f8, <i8 or |u1)");

  int64_t count = 1;
  for (int64_t d : h.shape) count *= d;
  const size_t expected = static_cast<size_t>(count) * item;
  const size_t found = bytes.size() - h.data_offset;
  if (found < expected)
    throw file_error(path, fmt::format("truncated (expected {} bytes of data, found {})", expected, found));

  const char* src = bytes.data() + h.data_offset;
  const bool is_float = h.descr.find('f') != std::string::npos;
  at::Tensor x = at::empty(h.shape, is_float ? at::kFloat : at::kLong);
  if (h.descr == "<f4") convert<float>(src, x.data_ptr<float>(), count);
  else if (h.descr == "<f8") convert<double>(src, x.data_ptr<float>(), count);
  else if (h.descr == "<i8") convert<int64_t>(src, x.data_ptr<int64_t>(), count);
  else convert<uint8_t>(src, x.data_ptr<int64_t>(), count);
  if (is_float) check_finite(path, x);
  return x;
}

}  // namespace genc::runtime
