// Warnings sema reports after a clean analysis: bindings never read and file imports
// that provide nothing used.
#pragma once

#include "compiler/frontend/frontend.h"
#include "compiler/sema/globals.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

/// UnusedBinding for each assignment in the main module that ran but whose value was
/// never read (names starting with '_' are exempt), and UnusedImport for each
/// `use "file.gen"` of the main module none of whose blocks was expanded. Imports of the
/// stdlib (`use std.nn`) are never reported: the language's own examples import std.nn
/// by habit. Reported in source order.
void report_unused(const frontend::ParsedUnit& unit, const Globals& globals,
                   DiagnosticEngine& diags);

}  // namespace genc::sema
