// Writing samples: images as one PNG grid with the data's transforms undone, 2-D points as
// .npy or a scatter plot, for the Trainer's periodic samples and for `genc sample`.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "runtime/data/data.h"

namespace genc::runtime {

/// Whether samples `x` [N,C,H,W] with C = 1 or 3 can be drawn as a PNG grid.
bool is_image_batch(const at::Tensor& x);

/// Samples `x` [N, ...] of a model trained on `data`, mapped back to the [0,1] images the
/// data's source yields: the inverse of each `scale(lo, hi)` transform, the last one first
/// (the other transforms keep [0,1] or change the shape, so there is nothing to undo).
at::Tensor to_unit_range(const at::Tensor& x, const ir::Dataset& data);

/// Writes `samples` (is_image_batch) of a model trained on `data` to `path` as one PNG grid,
/// atomically: to_unit_range, and ordered by label when the samples have labels (class-
/// conditional models), so that each class sits together. Throws RuntimeUserError if
/// `path` cannot be written.
void write_sample_grid(const std::string& path, const Data& samples, const ir::Dataset& data);

/// The files `write_samples` writes for samples `x` under `stem` (a path without extension)
/// when the caller does not choose: images `stem.png`; 2-D points `stem.png` (the scatter
/// plot) and `stem.npy`; nothing for other samples (an empty list).
/// With `data`, token samples (i64) of a text model give `stem.txt`, those of a tokens(levels)
/// image model `stem.png`.
std::vector<std::string> default_sample_files(const at::Tensor& x, const std::string& stem,
                                              const ir::Dataset* data = nullptr);

/// Whether `data` is byte-level text (the `text` source): its samples are text.
bool is_text_data(const ir::Dataset& data);
/// Token samples [N, L] of a text model as text: each sample's bytes, then a blank line.
std::string samples_text(const at::Tensor& x);
/// Token samples [N, L] of a tokens(levels) image model as [0,1] images [N,C,H,W] (the
/// source's image shape; tokens / (levels - 1)); other samples as they are.
at::Tensor token_images(const at::Tensor& x, const ir::Dataset& data);

/// Writes `samples` of a model trained on `data` to `path`, atomically, chosen by the samples'
/// shape and the path's extension: text (is_text_data) to `.txt`; token images as images
/// (token_images); images (is_image_batch) to a `.png` grid
/// (write_sample_grid); 2-D points (is_point_batch) to `.npy` (the points, transforms undone)
/// or `.png` (a scatter plot). Throws RuntimeUserError naming the shape and the extensions
/// that work when the pair does not fit (nothing is written).
void write_samples(const std::string& path, const Data& samples, const ir::Dataset& data);

}  // namespace genc::runtime
