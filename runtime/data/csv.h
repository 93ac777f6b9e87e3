// Comma-separated numeric tables, optionally gzip-compressed.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace genc::runtime {

/// The table in `path` as float32 [rows, columns]: every column is a feature (there is
/// no label column). A first row with any non-numeric field is a header and is skipped;
/// blank lines are skipped; every other row must have the same number of numeric fields.
at::Tensor read_csv(const std::string& path);

}  // namespace genc::runtime
