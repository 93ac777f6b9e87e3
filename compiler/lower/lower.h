// Lowering: a model's objective (elbo, gan, classify) -> a TrainingProgram of step,
// eval and sample graphs, and the program's deterministic text form (`--emit plan`).
#pragma once

#include <optional>
#include <string>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "compiler/support/diagnostics.h"

namespace genc::lower {

/// Lowers `model`'s objective. The model must have passed sema (roles present and
/// meeting each other); objectives without a training loop yet, unknown options and
/// roles the objective cannot use are reported at the objective and give nullopt.
std::optional<TrainingProgram> lower(const ir::Model& model, DiagnosticEngine& diags);

/// The text form: each optimizer group, then every graph with its node lines in the IR
/// printer's node syntax. Deterministic: equal programs print byte-identically.
std::string print_plan(const TrainingProgram& program);

}  // namespace genc::lower
