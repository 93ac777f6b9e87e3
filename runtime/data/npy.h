// NumPy .npy arrays (format versions 1, 2 and 3), optionally gzip-compressed.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace genc::runtime {

/// The array in `path`, in C order, shape as stored (at least one axis: the examples).
/// Little-endian float types (f4, f8) load as float32, integer types (u1, i8) as int64,
/// values unchanged. Fortran order is rejected.
at::Tensor read_npy(const std::string& path);

}  // namespace genc::runtime
