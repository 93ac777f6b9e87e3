// read_text_windows (see text.h).
#include "runtime/data/text.h"

#include <ATen/ATen.h>

#include <cmath>

#include <fmt/format.h>

#include "runtime/data/read_file.h"
#include "runtime/errors.h"

namespace genc::runtime {

at::Tensor read_text_windows(const std::string& path, int64_t context, const std::string& split, double holdout) {
  const std::string bytes = read_data_file(path);
  const int64_t n = static_cast<int64_t>(bytes.size());
  if (n == 0) throw RuntimeUserError(fmt::format("text file '{}' is empty", path));
  const int64_t test_bytes = static_cast<int64_t>(std::floor(static_cast<double>(n) * holdout));
  const bool test = split == "test";
  const int64_t begin = test ? n - test_bytes : 0, len = test ? test_bytes : n - test_bytes;
  if (len < context)
    throw RuntimeUserError(fmt::format("text file '{}' ({} bytes) has {} bytes in its \"{}\" split (holdout {}), "
                                       "fewer than one window of context {}",
                                       path, n, len, split, holdout, context));
  at::Tensor all = at::empty({len}, at::kByte);
  std::copy(bytes.begin() + begin, bytes.begin() + begin + len, all.data_ptr<uint8_t>());
  return all.to(at::kLong).unfold(0, context, test ? context : 1);
}

}  // namespace genc::runtime
