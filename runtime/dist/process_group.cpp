// ProcessGroup: the TCPStore rendezvous, the backend for the device, and every collective
// guarded by the timeout and turned into a located user error when it fails (see
// process_group.h).
#include "runtime/dist/process_group.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <ATen/ATen.h>

#include <fmt/format.h>

#include "runtime/dist/c10d_backend.h"
#include "runtime/errors.h"

namespace genc::runtime::dist {
namespace {

/// The first line of what a c10d or Gloo exception says, without LibTorch's backtrace.
std::string reason(const std::exception& e) {
  const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = torch_error ? torch_error->what_without_backtrace() : e.what();
  size_t nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

std::unique_ptr<Backend> make_backend(c10::intrusive_ptr<c10d::Store> store, const DistEnv& env,
                                      const c10::Device& device) {
  if (device.is_cuda()) {
#if GENC_HAVE_NCCL
    return make_nccl_backend(std::move(store), env);
#else
    throw RuntimeUserError("data-parallel training on CUDA needs NCCL, and this genc was built against a LibTorch "
                           "without it (or without its headers)");
#endif
  }
#if GENC_HAVE_GLOO
  return make_gloo_backend(std::move(store), env);
#else
  throw RuntimeUserError("data-parallel training on the CPU needs Gloo, and this genc was built without its headers "
                         "(Debian: libgloo-dev; scripts/setup.sh installs it)");
#endif
}

}  // namespace

std::unique_ptr<ProcessGroup> ProcessGroup::join(const DistEnv& env, const c10::Device& device) {
  std::unique_ptr<ProcessGroup> group(new ProcessGroup(env, device));
  group->name_ = device.is_cuda() ? "nccl" : "gloo";
  const std::string where = fmt::format("{}:{}", env.master_addr, env.master_port);
  try {
    c10d::TCPStoreOptions o;
    o.port = static_cast<uint16_t>(env.master_port);
    o.isServer = env.rank == 0;
    o.numWorkers = static_cast<size_t>(env.world_size);
    o.waitWorkers = true;
    o.timeout = env.timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, o);
    group->backend_ = make_backend(std::move(store), env, device);
  } catch (const RuntimeUserError&) {
    throw;
  } catch (const std::exception& e) {
    throw RuntimeUserError(fmt::format("rank {} of {} could not join the data-parallel run at {} within {} s "
                                       "({}): {}",
                                       env.rank, env.world_size, where, env.timeout.count(), group->name_, reason(e)));
  }
  return group;
}

template <class F>
void ProcessGroup::guarded(const std::string& what, F collective) {
  try {
    collective();
  } catch (const std::exception& e) {
    throw RuntimeUserError(fmt::format("rank {} of {} lost contact with the other processes of the run during {}: "
                                       "one of them ended or did not answer within {} s ({}: {})",
                                       env_.rank, env_.world_size, what, env_.timeout.count(), name_, reason(e)));
  }
}

void ProcessGroup::all_reduce_sum(const at::Tensor& tensor, const std::string& what) {
  guarded(what, [&] { backend_->all_reduce_sum(tensor); });
}

std::vector<double> ProcessGroup::all_reduce_sum(const std::vector<double>& values, const std::string& what) {
  at::Tensor t = at::tensor(values, at::kDouble).to(device_);
  all_reduce_sum(t, what);
  at::Tensor host = t.cpu().contiguous();
  return {host.data_ptr<double>(), host.data_ptr<double>() + host.numel()};
}

void ProcessGroup::broadcast(const std::vector<at::Tensor>& tensors, const std::string& what) {
  at::NoGradGuard no_grad;
  guarded(what, [&] {
    for (const at::Tensor& t : tensors) {
      if (t.is_contiguous()) {
        backend_->broadcast(t.detach());
        continue;
      }
      at::Tensor packed = t.contiguous();
      backend_->broadcast(packed);
      t.detach().copy_(packed);
    }
  });
}

bool ProcessGroup::any(bool flag, const std::string& what) {
  return all_reduce_sum(std::vector<double>{flag ? 1.0 : 0.0}, what)[0] > 0;
}

}  // namespace genc::runtime::dist
