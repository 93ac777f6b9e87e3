// The compiler pipeline as the commands drive it (see driver.h).
#include "tools/genc/driver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "compiler/ir/parser.h"
#include "compiler/ir/verifier.h"

namespace genc::cli {

int Session::finish() const {
  diags.print(std::cerr);
  if (print_kinds) {
    for (const Diagnostic& d : diags.diagnostics()) {
      std::cout << diag_info(d.kind).name << " " << d.range.str() << "\n";
    }
  }
  return diags.has_errors() ? 1 : 0;
}

bool is_ir_file(const std::string& path) {
  const std::string ext = ".gir";
  return path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
}

std::optional<frontend::ParsedUnit> parse_gen(Session& session, const std::string& path) {
  std::optional<frontend::ParsedUnit> unit =
      frontend::parse_program(path, session.sources, session.diags);
  if (session.diags.has_errors()) return std::nullopt;
  GENC_ASSERT(unit.has_value(), "parse_program failed without reporting an error");
  return unit;
}

std::optional<sema::Options> parse_overrides(Session& session,
                                             const std::vector<std::string>& sets) {
  sema::Options options;
  for (const std::string& set : sets) {
    size_t eq = set.find('=');
    size_t dot = set.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 >= eq ||
        eq + 1 == set.size()) {
      session.diags.report(DiagKind::BadOverride, SourceRange{},
                           {set, "expected model.param=value"});
      continue;
    }
    options.overrides.emplace_back(set.substr(0, eq), set.substr(eq + 1));
  }
  if (session.diags.has_errors()) return std::nullopt;
  return options;
}

namespace {

std::optional<ir::Program> load_ir(Session& session, const std::string& path) {
  const SourceFile* file = session.sources.load(path);
  if (file == nullptr) {
    session.diags.report(DiagKind::FileNotFound, SourceRange{}, {path});
    return std::nullopt;
  }
  std::optional<ir::Program> program = ir::parse_ir(*file, session.sources, session.diags);
  if (session.diags.has_errors()) return std::nullopt;
  GENC_ASSERT(program.has_value(), "parse_ir failed without reporting an error");
  // A .gir file is user input: a broken invariant is the user's error. The verifier's
  // messages name the model, role and node; they carry no source position.
  for (const std::string& problem : ir::verify(*program)) {
    session.diags.report(DiagKind::IRVerifyError, SourceRange{}, {problem});
  }
  if (session.diags.has_errors()) return std::nullopt;
  return program;
}

void check_sema_output(const ir::Program& program) {
  std::vector<std::string> problems = ir::verify(program);
  if (problems.empty()) return;
  std::string message = "sema produced IR that does not verify:";
  for (const std::string& p : problems) message += "\n  " + p;
  internal_error(message);
}

}  // namespace

std::optional<ir::Program> load_program(Session& session, const std::string& path,
                                        const sema::Options& options) {
  if (is_ir_file(path)) {
    if (!options.overrides.empty()) {
      session.diags.report(
          DiagKind::BadOverride, SourceRange{},
          {options.overrides.front().first + "=" + options.overrides.front().second,
           "--set applies to .gen files, not graph IR"});
      return std::nullopt;
    }
    return load_ir(session, path);
  }
  std::optional<frontend::ParsedUnit> unit = parse_gen(session, path);
  if (!unit) return std::nullopt;
  std::optional<ir::Program> program = sema::analyze(*unit, options, session.diags);
  if (session.diags.has_errors()) return std::nullopt;
  GENC_ASSERT(program.has_value(), "sema failed without reporting an error");
  check_sema_output(*program);
  return program;
}

passes::PipelineOptions pipeline_options() {
  passes::PipelineOptions options;
#ifndef NDEBUG
  options.verify_each = true;
#endif
  return options;
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
