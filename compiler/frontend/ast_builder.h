// Internal: builds the AST of one file from its ANTLR parse tree.
#pragma once

#include <memory>

#include "GenParser.h"
#include "compiler/frontend/ast.h"
#include "compiler/support/diagnostics.h"

namespace genc::frontend {

/// Deepest expression tree the builder accepts; deeper input is reported, not built, so that
/// later stages can recurse over expressions freely.
constexpr int kMaxExprDepth = 500;

/// Converts a syntax-error-free parse tree into an AST module. Reports what the grammar
/// accepts only to explain it (misspelt roles, out-of-range numbers, over-deep
/// expressions) and returns null if it reported anything. A misspelt train setting is
/// kept for sema, which knows the settings.
std::unique_ptr<ast::Module> build_module(genc_dsl::GenParser::ProgramContext& tree,
                                          const SourceFile& file, DiagnosticEngine& diags);

}  // namespace genc::frontend
