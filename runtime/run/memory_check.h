// The check before anything is allocated: a model whose training iteration cannot fit in
// the device's free memory is refused with the figures of its summary and its largest
// tensors with their source lines, instead of failing inside LibTorch.
#pragma once

#include <cstdint>
#include <optional>

#include <c10/core/Device.h>

#include "compiler/lower/summary.h"

namespace genc::runtime {

/// The memory a new allocation on `device` can take now: the CPU's MemAvailable
/// (/proc/meminfo), a GPU's free memory; nullopt when it cannot be read.
std::optional<int64_t> available_memory_bytes(const c10::Device& device);

/// Throws RuntimeUserError when `summary.total_bytes()` exceeds `available` bytes of `device`,
/// naming the estimate's parts and the largest parameter tensors with their locations.
void check_fits_in_memory(const lower::Summary& summary, const c10::Device& device, int64_t available);

}  // namespace genc::runtime
