// The compiler pipeline as the commands drive it: load a .gen or .gir file into graph IR,
// optimize, print diagnostics, and write outputs atomically.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/frontend/frontend.h"
#include "compiler/ir/program.h"
#include "compiler/passes/pipeline.h"
#include "compiler/sema/sema.h"
#include "compiler/support/diagnostics.h"
#include "compiler/support/source.h"

namespace genc::cli {

/// The state of one compilation: its source files and collected diagnostics.
struct Session {
  SourceManager sources;
  DiagnosticEngine diags;
  /// Also list each diagnostic's kind on stdout ("ShapeMismatch file:9:22"), for the
  /// golden test that checks every DiagKind is exercised.
  bool print_kinds = false;

  /// Prints every diagnostic (errors and warnings) to stderr; returns the exit code
  /// so far: 1 if there was an error, else 0.
  int finish() const;
};

/// True when `path` names graph IR text (`.gir`) rather than a .gen file.
bool is_ir_file(const std::string& path);

/// Parses a .gen file and every module it uses. Null after reporting errors.
std::optional<frontend::ParsedUnit> parse_gen(Session& session, const std::string& path);

/// Parsed `--set model.param=value` options. Malformed ones are reported as BadOverride.
std::optional<sema::Options> parse_overrides(Session& session,
                                             const std::vector<std::string>& sets);

/// Loads `path` as graph IR: sema for a .gen file, the IR parser and verifier for a .gir
/// file (`--set` does not apply to one). Null after reporting errors. The IR sema
/// produces must verify; a failure there is an internal error.
std::optional<ir::Program> load_program(Session& session, const std::string& path,
                                        const sema::Options& options);

/// The optimization pipeline with the verifier after every pass in builds with assertions.
passes::PipelineOptions pipeline_options();

/// Writes `text` to stdout when `path` is empty or "-", else to `path` through a
/// temporary file in the same directory renamed into place, so a failure never
/// leaves a partial file. On failure prints "genc: error: ..." and returns false.
bool write_output(const std::string& path, const std::string& text);

/// Adds the repeatable `--set model.param=value` option to a command.
void add_set_option(CLI::App& sub, std::vector<std::string>& sets);

/// Adds the hidden `--print-diag-kinds` flag (Session::print_kinds), for tests.
void add_print_kinds_flag(CLI::App& sub, bool& print_kinds);

}  // namespace genc::cli
