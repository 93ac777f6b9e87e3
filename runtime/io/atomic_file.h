// Writing a file atomically: readers see the old file or the complete new one, never a part.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace genc::runtime {

/// Writes `bytes` to `path` through a temporary PATH.tmp-XXXXXX in the same directory,
/// fsync'd and then renamed over `path`. Throws RuntimeUserError naming the path if the
/// directory is missing or not writable, or the disk is full; the temporary is removed.
void write_file_atomic(const std::string& path, std::string_view bytes);

/// Same, with the contents produced by `writer` into a binary stream (e.g. torch::save).
/// If `writer` throws, the temporary is removed, `path` is left as it was and the
/// exception propagates.
void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer);

}  // namespace genc::runtime
