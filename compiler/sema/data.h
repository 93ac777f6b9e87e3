// `data NAME = SOURCE(args) |> transform ...` declarations (LANGUAGE.md 7): the source and
// transform settings, and the type of one example (and its label) after the transforms.
#pragma once

#include <optional>

#include "compiler/frontend/ast.h"
#include "compiler/ir/program.h"
#include "compiler/sema/globals.h"

namespace genc::sema {

/// Analyses one data declaration. File paths are resolved relative to the declaring
/// file's folder and stored resolved; .npy and .csv files are read at compile time for
/// their shapes. nullopt after reporting.
std::optional<ir::Dataset> analyze_data(const ast::DataDecl& decl, Globals& globals,
                                        DiagnosticEngine& diags);

}  // namespace genc::sema
