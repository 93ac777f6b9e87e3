// ProcessGroupGloo as genc's CPU backend (built where the Gloo headers are, GENC_HAVE_GLOO).
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <cstdlib>

#include "runtime/dist/c10d_backend.h"

namespace genc::runtime::dist {
namespace {

bool is_loopback(const std::string& addr) {
  return addr == "localhost" || addr == "::1" || addr.rfind("127.", 0) == 0;
}

}  // namespace

std::unique_ptr<Backend> make_gloo_backend(c10::intrusive_ptr<c10d::Store> store, const DistEnv& env) {
  const std::chrono::milliseconds timeout = env.timeout;
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // As torch.distributed picks Gloo's interface: GLOO_SOCKET_IFNAME, else loopback for a run
  // on this machine, else the address this machine's hostname resolves to.
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  if (ifname != nullptr && *ifname != '\0')
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
  else if (is_loopback(env.master_addr))
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  else
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size, options);
  return std::make_unique<C10dBackend<c10d::ProcessGroupGloo>>(std::move(store), std::move(group), timeout);
}

}  // namespace genc::runtime::dist
