// The runtime's CUDA services on CUDA: IterationGraph as an at::cuda::CUDAGraph with the
// training generators registered (graph-safe random draws), captured in thread-local mode on
// the side stream that use_capture_stream made current, and cleaned up after when a capture
// breaks off; the caching allocator's peak memory; the free memory.
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>

#include "runtime/cuda_support.h"

namespace genc::runtime {
namespace {

class CudaIterationGraph final : public IterationGraph {
 public:
  CudaIterationGraph(const c10::Device& device, const std::vector<at::Generator>& generators)
      : device_(device), generators_(generators) {
    for (const at::Generator& g : generators_) graph_.register_generator_state(g);
  }

  void capture(const std::function<void()>& body) override {
    // Thread-local mode: another thread's allocation or pinned copy (the prefetch thread's)
    // during the capture is not one of its ops and must not invalidate it.
    bool begun = false;
    try {
      graph_.capture_begin(pool_, cudaStreamCaptureModeThreadLocal);
      begun = true;
      body();
      graph_.capture_end();
    } catch (...) {
      abandon_capture(begun);
      throw;
    }
  }

  void replay() override { graph_.replay(); }

 private:
  /// Undoes what a capture that broke off leaves behind, so that eager work goes on:
  /// 1. the stream still capturing (an invalidated capture is ended and its graph dropped);
  /// 2. the stream's allocations still routed to the capture's pool, which holds memory;
  /// 3. every generator the capture took over (its own, and the device's default one that
  ///    every capture registers) still in capture mode, where an eager draw fails with
  ///    "Offset increment outside graph capture": each gets a fresh state with its seed
  ///    and offset (a capture advances neither).
  /// With `begun` false, capture_begin itself failed, possibly after taking the generators.
  void abandon_capture(bool begun) {
    c10::DeviceIndex index = device_.index() < 0 ? 0 : device_.index();
    if (begun) {
      cudaStream_t stream = at::cuda::getCurrentCUDAStream(index);
      cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
      if (cudaStreamIsCapturing(stream, &status) == cudaSuccess && status != cudaStreamCaptureStatusNone) {
        cudaGraph_t broken = nullptr;
        if (cudaStreamEndCapture(stream, &broken) == cudaSuccess && broken) cudaGraphDestroy(broken);
      }
      (void)cudaGetLastError();  // the invalidated capture's error is not the next call's
      c10::cuda::CUDACachingAllocator::endAllocateToPool(index, pool_);
      c10::cuda::CUDACachingAllocator::releasePool(index, pool_);
    }
    std::vector<at::Generator> taken = generators_;
    taken.push_back(at::cuda::detail::getDefaultCUDAGenerator(index));
    for (at::Generator& g : taken) {
      at::Generator fresh = at::cuda::detail::createCUDAGenerator(index);
      fresh.set_state(g.get_state());
      g.unsafeGetGeneratorImpl()->graphsafe_set_state(fresh.getIntrusivePtr());
    }
  }

  c10::Device device_;
  std::vector<at::Generator> generators_;
  at::cuda::MempoolId_t pool_ = at::cuda::graph_pool_handle();  ///< the capture's memory
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
  return std::make_unique<CudaIterationGraph>(device, generators);
}

void use_capture_stream(const c10::Device& device) {
  if (!device.is_cuda()) return;
  at::cuda::setCurrentCUDAStream(at::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index()));
}

void set_current_device(const c10::Device& device) {
  if (device.is_cuda()) c10::cuda::set_device(device.index());
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
