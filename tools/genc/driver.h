// What the commands share around the compile pipeline (compiler/pipeline): printing a
// compilation's diagnostics, the common options, and writing outputs atomically.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/pipeline/pipeline.h"

namespace genc::cli {

/// A compilation whose diagnostics the command prints.
struct Session : pipeline::Compilation {
  /// Also list each diagnostic's kind on stdout ("ShapeMismatch file:9:22"), for the
  /// golden test that checks every DiagKind is exercised.
  bool print_kinds = false;

  /// Prints the diagnostics (errors and warnings) not printed yet to stderr; returns the
  /// exit code so far: 1 if there was an error, else 0.
  int finish();

 private:
  size_t printed_ = 0;
};

/// Writes `text` to stdout when `path` is empty or "-", else to `path` through a
/// temporary file in the same directory renamed into place, so a failure never
/// leaves a partial file. On failure prints "genc: error: ..." and returns false.
bool write_output(const std::string& path, const std::string& text);

/// Adds the repeatable `--set model.param=value` option to a command.
void add_set_option(CLI::App& sub, std::vector<std::string>& sets);

/// Adds the hidden `--print-diag-kinds` flag (Session::print_kinds), for tests.
void add_print_kinds_flag(CLI::App& sub, bool& print_kinds);

}  // namespace genc::cli
