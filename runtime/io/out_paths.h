// Where a run's folders go: a train block's checkpoint and sample folders under OUT.
#pragma once

#include <filesystem>
#include <string>

namespace genc::runtime {

/// `dir` under `out_dir` unless it is absolute.
inline std::string under(const std::string& out_dir, const std::string& dir) {
  std::filesystem::path p(dir);
  return p.is_absolute() ? p.string() : (std::filesystem::path(out_dir) / p).string();
}

}  // namespace genc::runtime
