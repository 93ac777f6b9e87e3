// The memory check of `genc run` (see memory_check.h).
#include "runtime/run/memory_check.h"

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "runtime/cuda_support.h"
#include "runtime/errors.h"

namespace genc::runtime {

std::optional<int64_t> available_memory_bytes(const c10::Device& device) {
  if (device.is_cuda()) return free_memory_bytes(device);
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream fields(line);
    std::string key;
    int64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

void check_fits_in_memory(const lower::Summary& s, const c10::Device& device, int64_t available) {
  if (s.total_bytes() <= available) return;
  auto bytes = [](int64_t b) { return lower::format_bytes(static_cast<double>(b)); };
  std::string largest;
  for (const auto& [entry, tensor] : s.largest(3)) {
    largest += fmt::format("{}{}.{} {} ({}, {})", largest.empty() ? "" : "; ", entry->node, tensor->name,
                           ir::shape_str(tensor->dims), bytes(tensor->numel() * lower::kFloatBytes), entry->loc.str());
  }
  throw RuntimeUserError(fmt::format(
      "model '{}' needs about {} for one training iteration at batch {} (parameters {}, gradients {}, optimizer "
      "state {}, activations {}), more than the {} free on {}; largest tensors: {} (genc compile --emit summary "
      "shows them all)",
      s.model, bytes(s.total_bytes()), s.batch, bytes(s.param_bytes), bytes(s.gradient_bytes), bytes(s.optimizer_bytes),
      bytes(s.activation_bytes), bytes(available), device.str(), largest));
}

}  // namespace genc::runtime
