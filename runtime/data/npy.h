// NumPy .npy arrays (format versions 1, 2 and 3), optionally gzip-compressed.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace genc::runtime {

/// The array in `path` as float32, in C order, shape as stored (at least one axis: the
/// examples). Element types: little-endian f4, f8 and i8 convert as they are; u1 is
/// treated as pixel data and scaled by 1/255 to [0,1]. Fortran order is rejected.
at::Tensor read_npy(const std::string& path);

}  // namespace genc::runtime
