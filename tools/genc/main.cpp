// The `genc` command-line driver: dispatches to the subcommands of commands.cpp and maps
// outcomes to exit codes (0 success, 1 user error, 2 internal error).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/support/diagnostics.h"
#include "tools/genc/command.h"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"genc: compiles .gen generative-model files (see LANGUAGE.md)", "genc"};
  app.require_subcommand(1);
  app.set_version_flag("--version", GENC_VERSION_TEXT, "Print genc's version and the LibTorch it runs on, then exit");
  std::vector<std::pair<CLI::App*, genc::cli::Action>> actions;
  for (const genc::cli::CommandSpec& spec : genc::cli::commands()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    actions.emplace_back(sub, spec.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help (code 0) or the usage error
    return code == 0 ? 0 : 1;
  }
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) return action();
  }
  genc::internal_error("no subcommand was parsed");
}

/// An exception's message without the C++ stack trace that LibTorch's errors append (a
/// c10::Error's what() goes on with "Exception raised from ... frame #0 ..."): a user is
/// shown one message, never a trace.
std::string without_backtrace(const char* what) {
  std::string message = what;
  size_t trace = message.find("\nException raised from ");
  return trace == std::string::npos ? message : message.substr(0, trace);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const genc::InternalError& e) {
    std::cerr << "internal error: " << e.message << "\n";
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << without_backtrace(e.what()) << "\n";
  } catch (...) {
    std::cerr << "internal error: unknown exception\n";
  }
  return 2;
}
