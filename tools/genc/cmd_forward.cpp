// `genc run|sample|eval ...`: executes `genc-runtime run|sample|eval ...` in place of this
// process, so that genc itself never loads LibTorch (see CMakeLists.txt).
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "tools/genc/command.h"

namespace genc::cli {
namespace {

/// genc-runtime in this executable's folder.
std::string runtime_executable() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path("genc-runtime") : self.parent_path() / "genc-runtime").string();
}

}  // namespace

int exec_runtime(const std::string& command, const std::vector<std::string>& args) {
  const std::string path = runtime_executable();
  std::vector<std::string> words{path, command};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  // OpenMP workers that spin while idle fight OpenBLAS's own threads for the cores: measured
  // on 2 cores, the DCGAN example trains at 2.2 steps/s with spinning workers and 4.3 with
  // sleeping ones. LibTorch reads this when it loads, hence here; a value already set wins.
  setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
  std::cout.flush();
  execv(path.c_str(), argv.data());
  // Only reached when the exec failed.
  std::cerr << "genc: error: 'genc " << command << "' needs '" << path << "', which cannot be started ("
            << std::strerror(errno) << "); build it with scripts/build.sh\n";
  return 1;
}

Action setup_forward_to_runtime(CLI::App& sub) {
  sub.prefix_command();  // every argument after the name is kept, unparsed, in order
  sub.set_help_flag();   // --help goes to genc-runtime, which knows the options
  return [&sub] { return exec_runtime(sub.get_name(), sub.remaining()); };
}

}  // namespace genc::cli
