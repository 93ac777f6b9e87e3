// A dataset in memory, and loading one from its compiled `data` declaration.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <optional>
#include <string>

namespace genc::ir {
struct Dataset;
}

namespace genc::runtime {

/// A dataset, or one batch of it: x is float32 [N, ...] (int64 after `tokens`),
/// y, when the source has labels, int64 [N] class ids.
struct Data {
  at::Tensor x;
  std::optional<at::Tensor> y;

  int64_t size() const { return x.size(0); }
};

/// `d` on `device` (the same tensors when they are there already).
inline Data to_device(const Data& d, c10::Device device) {
  Data out;
  out.x = d.x.to(device);
  if (d.y) out.y = d.y->to(device);
  return out;
}

/// Where Debian's dataset-fashion-mnist package puts the files, or $GENC_FASHION_MNIST_DIR
/// when set (a machine where the package is unpacked elsewhere, e.g. the GPU machine).
std::string default_fashion_mnist_dir();

struct LoadOptions {
  /// Seed of the generated toy sets.
  uint64_t seed = 0;
  /// Where fashion_mnist reads {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz.
  std::string fashion_mnist_dir = default_fashion_mnist_dir();
};

/// Loads `ds.source`, applies `ds.transforms` in order and checks the result against the
/// declared example types: x must have per-example shape ds.x.dims and dtype ds.x.dtype;
/// y is kept exactly when ds.y is declared, and its ids must lie in 0..classes-1.
/// Throws RuntimeUserError naming the file and the problem.
///
/// Source arguments, by name, all present (sema fills the defaults; compiler/sema/data.cpp):
///   fashion_mnist(split: "train"|"test")   x f32 [1,28,28] in [0,1], y label of 10
///   idx(images, labels)                    labels optional; images [N,H,W] -> [N,1,H,W] in [0,1]
///   npy(path)                              x [N,...]: float arrays as f32, integer arrays as i64
///   csv(path)                              x f32 [N,columns]; every column is a feature
///   image_folder(dir, size, channels)      x f32 [channels,size,size] in [0,1]; class sub-folders give y
///   moons circles eight_gaussians checkerboard swiss_roll (n, noise)    x f32 [2]
/// Transforms: binarize(threshold), scale(lo, hi), flatten, tokens(levels).
Data load_dataset(const ir::Dataset& ds, const LoadOptions& options = {});

}  // namespace genc::runtime
