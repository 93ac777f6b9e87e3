// The local launcher of data-parallel runs (see launcher.h): fork + execve of every rank with
// its environment built before the fork, a signal forwarder, and a reaper that bounds how long
// the others may outlive a failed process.
#include "runtime/dist/launcher.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "runtime/dist/dist_env.h"
#include "runtime/errors.h"

extern char** environ;

namespace genc::runtime::dist {
namespace {

volatile sig_atomic_t g_children = 0;  ///< the children's process group (0: none yet)

void forward(int sig) {
  if (g_children > 0) ::kill(-static_cast<pid_t>(g_children), sig);
}

/// This process's arguments (argv) as the kernel keeps them.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t start = 0; start < all.size();) {
    size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    args.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  if (args.empty()) throw RuntimeUserError("cannot read this process's command line (/proc/self/cmdline)");
  return args;
}

/// The environment of rank `env.rank`: this process's with `env`'s variables (and the
/// thread count) put in.
std::vector<std::string> child_environment(const DistEnv& env, int threads) {
  std::vector<std::pair<std::string, std::string>> vars = environment_of(env);
  if (std::getenv("OMP_NUM_THREADS") == nullptr) vars.emplace_back("OMP_NUM_THREADS", std::to_string(threads));
  std::set<std::string> names;
  for (const auto& [name, value] : vars) names.insert(name);
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    if (names.count(kv.substr(0, kv.find('='))) == 0) out.push_back(kv);
  }
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (std::string& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

struct Child {
  pid_t pid = 0;
  bool done = false;
  int status = 0;
};

/// Success, or stopped by Ctrl-C (exit 130 after a checkpoint, or killed by a second one).
bool interrupted_or_ok(int status) {
  if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGINT;
  return WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 130);
}

std::string signal_name(int sig) {
  const char* d = strsignal(sig);
  return fmt::format("signal {}{}", sig, d ? fmt::format(" ({})", d) : "");
}

}  // namespace

int launch_local(int n, std::chrono::seconds timeout, std::ostream& err) {
  set_communication_defaults();
  std::error_code ec;
  std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) throw RuntimeUserError("cannot find this program's executable (/proc/self/exe): " + ec.message());
  std::vector<std::string> args = own_arguments();
  const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / n);

  DistEnv env;
  env.world_size = n;
  env.master_addr = "127.0.0.1";
  env.master_port = free_local_port();
  env.timeout = timeout;
  env.launched_by_genc = true;

  struct sigaction fwd {}, old_int {}, old_term {};
  fwd.sa_handler = forward;
  sigemptyset(&fwd.sa_mask);
  sigaction(SIGINT, &fwd, &old_int);
  sigaction(SIGTERM, &fwd, &old_term);
  const pid_t parent = ::getpid();
  std::vector<Child> children(static_cast<size_t>(n));
  std::string failed_to_start;
  for (int r = 0; r < n; ++r) {
    env.rank = env.local_rank = r;
    std::vector<std::string> environment = child_environment(env, threads);
    std::vector<char*> envp = pointers(environment);
    std::vector<char*> argv = pointers(args);
    const pid_t group = g_children;
    pid_t pid = ::fork();
    if (pid == 0) {
      // Only async-signal-safe calls from here to execve.
      ::setpgid(0, group);
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(1);
      ::execve(exe.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    if (pid < 0) {
      failed_to_start = std::strerror(errno);
      break;
    }
    ::setpgid(pid, group);  // (also here: whichever of parent and child runs first)
    if (g_children == 0) g_children = pid;
    children[static_cast<size_t>(r)].pid = pid;
  }
  if (!failed_to_start.empty()) {
    forward(SIGTERM);
    for (Child& c : children)
      if (c.pid > 0) ::waitpid(c.pid, &c.status, 0);
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    throw RuntimeUserError("cannot start the processes of the data-parallel run: " + failed_to_start);
  }

  // Reap them; once one has failed, the others get until the deadline to end on their own.
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  int first_failed = -1;
  bool stopped_by_launcher = false;
  for (int left = n; left > 0;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, deadline ? WNOHANG : 0);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) break;
    if (pid == 0) {
      if (Clock::now() > *deadline && !stopped_by_launcher) {
        forward(SIGTERM);
        stopped_by_launcher = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    for (size_t r = 0; r < children.size(); ++r) {
      Child& c = children[r];
      if (c.pid != pid) continue;
      c.done = true;
      c.status = status;
      --left;
      const bool ok = interrupted_or_ok(status);
      if (!ok && first_failed < 0) {
        first_failed = static_cast<int>(r);
        deadline = Clock::now() + timeout + std::chrono::seconds(30);
      }
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  g_children = 0;

  bool reported = false, interrupted = false;
  for (const Child& c : children) {
    if (WIFEXITED(c.status) && (WEXITSTATUS(c.status) == 1 || WEXITSTATUS(c.status) == 2)) reported = true;
    if (interrupted_or_ok(c.status) && !(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0)) interrupted = true;
  }
  if (first_failed < 0) return interrupted ? 130 : 0;
  const Child& bad = children[static_cast<size_t>(first_failed)];
  if (WIFEXITED(bad.status) && WEXITSTATUS(bad.status) != 127) {
    return WEXITSTATUS(bad.status);
  }
  if (!reported) {
    if (WIFEXITED(bad.status))
      err << fmt::format("genc: error: the process of rank {} could not run '{}'\n", first_failed, exe);
    else
      err << fmt::format("genc: error: the process of rank {} (pid {}) was killed by {}{}\n", first_failed, bad.pid,
                         signal_name(WTERMSIG(bad.status)),
                         stopped_by_launcher ? "; the others were stopped" : "");
  }
  return 1;
}

}  // namespace genc::runtime::dist
