// The runtime's CUDA services where LibTorch has no CUDA: no graphs, no stream, no memory.
#include "runtime/cuda_support.h"

namespace genc::runtime {

std::unique_ptr<IterationGraph> make_iteration_graph(const c10::Device&, const std::vector<at::Generator>&,
                                                     std::string* why) {
  *why = "this genc was built against a LibTorch without CUDA";
  return nullptr;
}

void use_capture_stream(const c10::Device&) {}

void set_current_device(const c10::Device&) {}

std::optional<int64_t> peak_memory_bytes(const c10::Device&) { return std::nullopt; }

std::optional<int64_t> free_memory_bytes(const c10::Device&) { return std::nullopt; }

}  // namespace genc::runtime
