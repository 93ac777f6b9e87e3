// The `text` source: byte-level windows of a text file, tokens[context] of 256.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace genc::runtime {

/// The bytes of `path` cut into windows of `context` bytes, int64 [N, context]. The last
/// `holdout` fraction of the bytes is the "test" split, the rest "train". Train windows
/// start at every byte (a strided view, no copy); test windows follow each other without
/// overlap, so every held-out byte is scored once. Throws RuntimeUserError for a file that
/// is missing, empty, or whose split is shorter than one window.
at::Tensor read_text_windows(const std::string& path, int64_t context, const std::string& split, double holdout);

}  // namespace genc::runtime
