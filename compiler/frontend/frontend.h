// The frontend's entry points: .gen text -> AST modules, with imports resolved.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/support/diagnostics.h"
#include "compiler/support/source.h"

namespace genc::frontend {

/// Parses one source text. Syntax errors go to `diags` (no ANTLR console output);
/// returns null when there were any.
std::unique_ptr<ast::Module> parse_module(const SourceFile& file, DiagnosticEngine& diags);

/// A main file and every module it imports, transitively.
struct ParsedUnit {
  /// Imported modules first (dependencies before dependents), the main module last.
  std::vector<std::unique_ptr<ast::Module>> modules;
  const ast::Module& main() const { return *modules.back(); }
};

/// Loads and parses `path`, then every `use`: `std.X` from the embedded stdlib,
/// `"file.gen"` relative to the importing file. Missing modules, unreadable files and
/// import cycles are diagnosed at the `use`. Each module is parsed once.
std::optional<ParsedUnit> parse_program(const std::string& path, SourceManager& sources,
                                        DiagnosticEngine& diags);
/// The same, for a main text already in memory (tests).
std::optional<ParsedUnit> parse_program(const SourceFile& main, SourceManager& sources,
                                        DiagnosticEngine& diags);

/// The text of stdlib module `name` ("nn" for `use std.nn`), embedded at build time.
std::optional<std::string_view> stdlib_source(std::string_view name);
/// Names of all embedded stdlib modules.
std::vector<std::string> stdlib_modules();

}  // namespace genc::frontend
