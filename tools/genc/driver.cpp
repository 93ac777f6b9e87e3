// What the commands share around the compile pipeline (see driver.h).
#include "tools/genc/driver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace genc::cli {

int Session::finish() {
  const std::vector<Diagnostic>& all = diags.diagnostics();
  for (size_t i = printed_; i < all.size(); ++i) std::cerr << DiagnosticEngine::render(all[i]);
  if (print_kinds) {
    for (size_t i = printed_; i < all.size(); ++i)
      std::cout << diag_info(all[i].kind).name << " " << all[i].range.str() << "\n";
  }
  printed_ = all.size();
  return diags.has_errors() ? 1 : 0;
}

namespace {

bool fail_write(const std::string& path, const std::string& tmp, int err) {
  if (!tmp.empty()) ::unlink(tmp.c_str());
  std::cerr << "genc: error: cannot write '" << path << "': " << std::strerror(err) << "\n";
  return false;
}

}  // namespace

bool write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return static_cast<bool>(std::cout);
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmp = dir + "." + base + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return fail_write(path, "", errno);
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail_write(path, tmp, err);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return fail_write(path, tmp, errno);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail_write(path, tmp, errno);
  return true;
}

void add_set_option(CLI::App& sub, std::vector<std::string>& sets) {
  sub.add_option("--set", sets, "Override a model hyperparameter: --set vae.latent=32 (repeatable)")
      ->type_name("MODEL.PARAM=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void add_print_kinds_flag(CLI::App& sub, bool& print_kinds) {
  sub.add_flag("--print-diag-kinds", print_kinds,
               "List each diagnostic's kind and location on stdout")
      ->group("");  // an empty group hides it from --help
}

}  // namespace genc::cli
