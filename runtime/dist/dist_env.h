// The environment of a data-parallel run, read and written in one place: the variables of
// torchrun-style launchers (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), genc's
// own (the collective timeout, the mark of a process genc's launcher started) and the
// communication settings genc keeps in every process it starts.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace genc::runtime::dist {

/// The launcher variables (torch.distributed's env:// names).
inline constexpr const char* kRankVar = "RANK";
inline constexpr const char* kWorldSizeVar = "WORLD_SIZE";
inline constexpr const char* kLocalRankVar = "LOCAL_RANK";
inline constexpr const char* kMasterAddrVar = "MASTER_ADDR";
inline constexpr const char* kMasterPortVar = "MASTER_PORT";
/// Seconds every collective (and the rendezvous) may wait before it fails (default 300).
inline constexpr const char* kTimeoutVar = "GENC_DIST_TIMEOUT";
/// Set to 1 in the processes `genc run --devices N` starts itself.
inline constexpr const char* kLaunchedVar = "GENC_DIST_LAUNCHED";

/// How long a collective (and the rendezvous) may wait: GENC_DIST_TIMEOUT seconds, else
/// 300. Throws RuntimeUserError when the variable is malformed.
std::chrono::seconds collective_timeout();

/// One process's place in a data-parallel run.
struct DistEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;  ///< its index among the processes of its machine: its GPU
  std::string master_addr = "127.0.0.1";
  int master_port = 0;  ///< where rank 0 serves the rendezvous (TCPStore)
  std::chrono::seconds timeout = collective_timeout();
  bool launched_by_genc = false;  ///< started by genc's own launcher (which printed the warnings)
};

/// The run a launcher put this process in: nullopt when WORLD_SIZE is not set. Throws
/// RuntimeUserError naming a missing or malformed variable.
std::optional<DistEnv> from_environment();

/// The variables that put a child process into `env`'s place (name, value).
std::vector<std::pair<std::string, std::string>> environment_of(const DistEnv& env);

/// Sets, unless already set, the communication settings genc keeps in every process it
/// starts: NVLink multicast (NVLS) and symmetric-memory multicast off for NCCL.
void set_communication_defaults();

/// A TCP port free on 127.0.0.1 now (the kernel's pick), for a rendezvous on this machine.
/// Throws RuntimeUserError when no socket can be bound.
int free_local_port();

}  // namespace genc::runtime::dist
