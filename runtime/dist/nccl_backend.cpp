// ProcessGroupNCCL as genc's GPU backend (built where LibTorch has NCCL, GENC_HAVE_NCCL).
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include "runtime/dist/c10d_backend.h"

namespace genc::runtime::dist {

std::unique_ptr<Backend> make_nccl_backend(c10::intrusive_ptr<c10d::Store> store, const DistEnv& env) {
  const std::chrono::milliseconds timeout = env.timeout;
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world_size, options);
  return std::make_unique<C10dBackend<c10d::ProcessGroupNCCL>>(std::move(store), std::move(group), timeout);
}

}  // namespace genc::runtime::dist
