// What the runtime needs of CUDA itself, behind an interface without CUDA headers: capturing
// one training iteration as a CUDA graph and replaying it, the training stream, the device's
// memory. Implemented in cuda_support_cuda.cpp where LibTorch has CUDA and in
// cuda_support_none.cpp (nothing available) where it does not.
#pragma once

#include <ATen/core/Generator.h>
#include <c10/core/Device.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace genc::runtime {

/// The device work of one training iteration, recorded once and replayed per iteration.
class IterationGraph {
 public:
  virtual ~IterationGraph() = default;
  /// Records the device work that `body` launches, without running it. `body` must launch
  /// only device work on the current stream (no host reads, no host-to-device copies of
  /// pageable memory). Throws (c10::Error or what `body` throws) when the work cannot be
  /// captured; the graph is then unusable, nothing was run, and the stream, the allocator
  /// and the generators work eagerly as before (their draws not advanced).
  virtual void capture(const std::function<void()>& body) = 0;
  /// Runs the recorded work once, on the current stream: each replay draws fresh random
  /// numbers from the registered generators, in the order an eager run would.
  virtual void replay() = 0;
};

/// A graph for `device` whose random draws come from `generators` (registered with it), or
/// null with `why` set ("this genc was built without CUDA", ...) when it cannot capture.
std::unique_ptr<IterationGraph> make_iteration_graph(const c10::Device& device,
                                                     const std::vector<at::Generator>& generators,
                                                     std::string* why);

/// Makes a non-default stream of `device` current on this thread (a CUDA graph cannot be
/// captured on the default stream), so that training, its capture and every read of its
/// results stay on one stream. Does nothing off CUDA.
void use_capture_stream(const c10::Device& device);

/// Makes `device` this thread's current CUDA device (a data-parallel rank's GPU). Does
/// nothing off CUDA.
void set_current_device(const c10::Device& device);

/// The most memory LibTorch's allocator has held for tensors on `device` since the process
/// began, in bytes; nullopt off CUDA.
std::optional<int64_t> peak_memory_bytes(const c10::Device& device);

/// The memory free on CUDA device `device` now (cudaMemGetInfo), in bytes; nullopt off CUDA.
std::optional<int64_t> free_memory_bytes(const c10::Device& device);

}  // namespace genc::runtime
