// Sample grids: a batch of samples drawn as one PNG with the data's transforms undone, for
// the Trainer's periodic grids and for `genc sample`.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

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

}  // namespace genc::runtime
