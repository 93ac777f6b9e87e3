// The runtime's CUDA services on CUDA: IterationGraph as an at::cuda::CUDAGraph with the
// training generators registered (graph-safe random draws), captured on the side stream that
// use_capture_stream made current; the caching allocator's peak memory; the free memory.
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>

#include "runtime/cuda_support.h"

namespace genc::runtime {
namespace {

class CudaIterationGraph final : public IterationGraph {
 public:
  explicit CudaIterationGraph(const std::vector<at::Generator>& generators) {
    for (const at::Generator& g : generators) graph_.register_generator_state(g);
  }

  void capture(const std::function<void()>& body) override {
    graph_.capture_begin();
    try {
      body();
    } catch (...) {
      // End the broken capture so that the stream works eagerly again; its error is the
      // one worth reporting, not the invalidated capture's.
      try {
        graph_.capture_end();
      } catch (...) {
      }
      throw;
    }
    graph_.capture_end();
  }

  void replay() override { graph_.replay(); }

 private:
  at::cuda::CUDAGraph graph_;
};

}  // namespace

std::unique_ptr<IterationGraph> make_iteration_graph(const c10::Device& device,
                                                     const std::vector<at::Generator>& generators,
                                                     std::string* why) {
  if (!device.is_cuda()) {
    *why = "CUDA graphs need a CUDA device";
    return nullptr;
  }
  return std::make_unique<CudaIterationGraph>(generators);
}

void use_capture_stream(const c10::Device& device) {
  if (!device.is_cuda()) return;
  at::cuda::setCurrentCUDAStream(at::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index()));
}

std::optional<int64_t> peak_memory_bytes(const c10::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
  return stats.allocated_bytes[0].peak;  // entry 0: StatType::AGGREGATE, all pools together
}

std::optional<int64_t> free_memory_bytes(const c10::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  c10::cuda::CUDAGuard guard(device.index() < 0 ? 0 : device.index());
  size_t free = 0, total = 0;
  if (cudaMemGetInfo(&free, &total) != cudaSuccess) return std::nullopt;
  return static_cast<int64_t>(free);
}

}  // namespace genc::runtime
