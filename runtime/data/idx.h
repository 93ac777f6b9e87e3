// IDX files (the MNIST format), gzip-compressed or plain, and Fashion-MNIST built on them.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "runtime/data/data.h"

namespace genc::runtime {

/// The images of an IDX file of unsigned bytes as float32 in [0,1]. Rank-3 files
/// [N,H,W] gain a channel axis ([N,1,H,W]); other ranks keep their stored shape.
at::Tensor read_idx_images(const std::string& path);

/// The labels of a rank-1 IDX file of unsigned bytes, as int64 [N].
at::Tensor read_idx_labels(const std::string& path);

/// Images and, when `labels` is not empty, their labels; the counts must agree.
Data read_idx(const std::string& images, const std::string& labels);

/// Fashion-MNIST from `dir`: split "train" (60000 examples) or "test" (10000),
/// x float32 [N,1,28,28] in [0,1], y int64 [N] in 0..9.
Data fashion_mnist(const std::string& split, const std::string& dir);

}  // namespace genc::runtime
