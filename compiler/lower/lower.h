// Lowering: a model's objective (elbo, gan, classify) -> a TrainingProgram of step and
// eval routines and a sampler loop, and the program's deterministic text form (`--emit plan`).
#pragma once

#include <optional>
#include <string>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "compiler/passes/pipeline.h"
#include "compiler/support/diagnostics.h"

namespace genc::lower {

/// Lowers `model`'s objective, then optimizes every routine with the pass pipeline
/// (`options`) and checks the result with the plan verifier (a failure is an internal
/// error). The model must have passed sema (roles present and meeting each other);
/// objectives without a training loop yet, unknown options and roles the objective cannot
/// use are reported at the objective and give nullopt.
std::optional<TrainingProgram> lower(const ir::Model& model, DiagnosticEngine& diags,
                                     const passes::PipelineOptions& options = {});

/// The text form: each optimizer group, then every routine printed by the IR printer, a
/// loop's step once with its table summarised. Deterministic: equal programs print
/// byte-identically.
std::string print_plan(const TrainingProgram& program);

}  // namespace genc::lower
