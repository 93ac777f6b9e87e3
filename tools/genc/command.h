// The subcommand table of the `genc` driver: each command lives in its own cmd_*.cpp.
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace genc::cli {

/// What a command does once the command line is parsed; returns the process exit code
/// (0 success, 1 user error). Internal errors propagate as exceptions to main().
using Action = std::function<int()>;

/// Adds a command's options and positionals to its subcommand `sub` and returns the
/// action that runs it; the options bind to state the action shares.
using Setup = Action (*)(CLI::App& sub);

struct CommandSpec {
  const char* name;         ///< "check"
  const char* description;  ///< one line for `genc --help`
  Setup setup;
};

/// Every command in `genc --help` order. To add one: write cmd_NAME.cpp with a
/// `setup_NAME` function, declare it below and add a row in commands.cpp.
const std::vector<CommandSpec>& commands();

Action setup_check(CLI::App& sub);
Action setup_compile(CLI::App& sub);
#ifdef GENC_HAVE_RUNTIME
Action setup_run(CLI::App& sub);
Action setup_sample(CLI::App& sub);
Action setup_eval(CLI::App& sub);
#endif

}  // namespace genc::cli
