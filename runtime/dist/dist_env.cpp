// Reading and writing the data-parallel environment (see dist_env.h).
#include "runtime/dist/dist_env.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "runtime/errors.h"

namespace genc::runtime::dist {
namespace {

std::optional<std::string> get(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

/// The integer value of `name` in [lo, hi]; `fallback` when unset (nullopt: required).
int integer(const char* name, int lo, int hi, std::optional<int> fallback) {
  std::optional<std::string> text = get(name);
  if (!text) {
    if (fallback) return *fallback;
    throw RuntimeUserError(fmt::format("the environment sets {} but not {}, which a data-parallel run needs",
                                       kWorldSizeVar, name));
  }
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text->c_str(), &end, 10);
  if (errno != 0 || end == text->c_str() || *end != '\0' || v < lo || v > hi)
    throw RuntimeUserError(fmt::format("the environment variable {}={} is not a whole number from {} to {}", name,
                                       *text, lo, hi));
  return static_cast<int>(v);
}

}  // namespace

std::chrono::seconds collective_timeout() {
  return std::chrono::seconds(integer(kTimeoutVar, 1, 24 * 3600, 300));
}

std::optional<DistEnv> from_environment() {
  if (!get(kWorldSizeVar)) return std::nullopt;
  DistEnv env;
  env.world_size = integer(kWorldSizeVar, 1, 1 << 16, std::nullopt);
  env.rank = integer(kRankVar, 0, env.world_size - 1, std::nullopt);
  env.local_rank = integer(kLocalRankVar, 0, env.world_size - 1, env.rank);
  env.master_addr = get(kMasterAddrVar).value_or("");
  if (env.master_addr.empty())
    throw RuntimeUserError(fmt::format("the environment sets {} but not {}, which a data-parallel run needs",
                                       kWorldSizeVar, kMasterAddrVar));
  env.master_port = integer(kMasterPortVar, 1, 65535, std::nullopt);
  env.launched_by_genc = get(kLaunchedVar) == std::optional<std::string>("1");
  return env;
}

std::vector<std::pair<std::string, std::string>> environment_of(const DistEnv& env) {
  std::vector<std::pair<std::string, std::string>> vars = {
      {kRankVar, std::to_string(env.rank)},
      {kWorldSizeVar, std::to_string(env.world_size)},
      {kLocalRankVar, std::to_string(env.local_rank)},
      {kMasterAddrVar, env.master_addr},
      {kMasterPortVar, std::to_string(env.master_port)},
      {kTimeoutVar, std::to_string(env.timeout.count())},
  };
  if (env.launched_by_genc) vars.emplace_back(kLaunchedVar, "1");
  return vars;
}

void set_communication_defaults() {
  // NVLink SHARP / multicast objects are not available on every machine genc runs on (and
  // fail there at the first collective): NCCL and symmetric memory keep to plain NVLink.
  for (const char* var : {"NCCL_NVLS_ENABLE=0", "TORCH_SYMM_MEM_DISABLE_MULTICAST=1", "NVSHMEM_DISABLE_NVLS=1"}) {
    std::string kv = var;
    size_t eq = kv.find('=');
    setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), /*overwrite=*/0);
  }
}

int free_local_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw RuntimeUserError(std::string("cannot open a socket for the rendezvous: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    throw RuntimeUserError(std::string("cannot find a free port for the rendezvous: ") + std::strerror(err));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace genc::runtime::dist
