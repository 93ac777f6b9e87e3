// Reads the graph IR text form back (`genc compile file.gir`).
#pragma once

#include <optional>

#include "compiler/ir/program.h"
#include "compiler/support/diagnostics.h"
#include "compiler/support/source.h"

namespace genc::ir {

/// Parses IR text; errors are reported as IRParseError at their line:col.
/// Source locations inside the IR refer to files via SourceManager::placeholder.
std::optional<Program> parse_ir(const SourceFile& file, SourceManager& sources,
                                DiagnosticEngine& diags);

}  // namespace genc::ir
