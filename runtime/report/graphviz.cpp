// Running Graphviz's `dot` (see graphviz.h): posix_spawn with the DOT text in a temporary
// file and the SVG read from another, so no shell and no pipe deadlock is involved.
#include "runtime/report/graphviz.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "runtime/errors.h"
#include "runtime/io/remove_tree.h"

extern char** environ;

namespace genc::runtime::report {
namespace {

namespace fs = std::filesystem;

/// A temporary folder removed when this goes out of scope.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "genc-dot-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw RuntimeUserError("cannot create a temporary folder for graphviz");
    path = pattern;
  }
  ~TempDir() { remove_tree(path.string()); }
};

/// Runs `argv` and returns its exit status (-1 when it could not run or was killed).
int run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::optional<std::string> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate.string();
  }
  return std::nullopt;
}

std::optional<std::string> dot_to_svg(const std::string& dot_text) {
  std::optional<std::string> dot = find_on_path("dot");
  if (!dot) return std::nullopt;
  TempDir tmp;
  const fs::path in = tmp.path / "graph.dot", out = tmp.path / "graph.svg";
  std::ofstream(in) << dot_text;
  if (run_program({*dot, "-Tsvg", "-o", out.string(), in.string()}) != 0)
    throw RuntimeUserError("graphviz's '" + *dot + " -Tsvg' failed on the model graph");
  std::ifstream f(out);
  std::string svg((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) throw RuntimeUserError("graphviz's '" + *dot + "' wrote no SVG");
  return svg.substr(start);
}

}  // namespace genc::runtime::report
