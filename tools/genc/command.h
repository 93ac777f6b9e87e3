// The subcommand table of the `genc` driver: each command lives in its own cmd_*.cpp.
#pragma once

#include <functional>
#include <string>
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

/// Every command of this executable in `--help` order (genc: commands.cpp; genc-runtime:
/// runtime_commands.cpp). To add one: write cmd_NAME.cpp with a `setup_NAME` function,
/// declare it below and add a row to the table.
const std::vector<CommandSpec>& commands();

Action setup_check(CLI::App& sub);
Action setup_compile(CLI::App& sub);
Action setup_help(CLI::App& sub);

// The runtime commands: implemented in genc-runtime, forwarded to it by genc.
inline constexpr const char* kRunDescription =
    "Compile a .gen file and train its model (metrics, checkpoints, sample grids)";
inline constexpr const char* kSampleDescription = "Write a PNG grid of samples from a checkpoint";
inline constexpr const char* kEvalDescription =
    "Evaluate a checkpoint: test ELBO and IW bound, or FD and class coverage";
Action setup_run(CLI::App& sub);
Action setup_sample(CLI::App& sub);
Action setup_eval(CLI::App& sub);
inline constexpr const char* kReportDescription =
    "Write one self-contained HTML page of a run: curves, samples, graph, summary, settings";
Action setup_report(CLI::App& sub);
inline constexpr const char* kExportDescription =
    "Write a checkpoint's sampler as a TorchScript module (torch.jit.load) with its trained weights";
Action setup_export(CLI::App& sub);
inline constexpr const char* kSweepDescription =
    "Train every combination of --set values (and seeds) as runs in one folder, resumable";
Action setup_sweep(CLI::App& sub);
inline constexpr const char* kCompareDescription =
    "Write one HTML page comparing runs: ranked, sortable table, overlaid curves, architecture diffs";
Action setup_compare(CLI::App& sub);
struct Session;
/// Runs a runtime command in genc-runtime (runtime_commands.cpp): a runtime::RuntimeUserError
/// it throws is printed as one "genc: error: ..." line, followed by the session's diagnostics
/// not printed yet, and gives exit code 1. Other exceptions propagate (exit 2).
int guard_runtime(Session& session, const std::function<int()>& command);
/// Takes every argument after the subcommand's name unparsed; the action executes
/// genc-runtime (next to this executable) with the same subcommand and arguments.
Action setup_forward_to_runtime(CLI::App& sub);
/// Executes genc-runtime (next to this executable) with `command` and `args` in place of this
/// process; returns 1 after printing why when it cannot be started (cmd_forward.cpp, in
/// builds with the runtime).
int exec_runtime(const std::string& command, const std::vector<std::string>& args);

// genc-runtime's `verify FILE [--set ...]`: what `genc check --verify` runs after its checks.
inline constexpr const char* kVerifyDescription =
    "The numerical checks of every flow's invertible steps (genc check --verify runs it)";
Action setup_verify(CLI::App& sub);

}  // namespace genc::cli
