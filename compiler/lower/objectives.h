// Internal to genc_lower: one lowering function per objective, and the helpers they
// share for finding roles with diagnostics. Each reads its objective's options as the
// typed struct of compiler/ir/options.h.
#pragma once

#include <optional>
#include <string>

#include "compiler/ir/options.h"
#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "compiler/support/diagnostics.h"

namespace genc::lower {

std::optional<TrainingProgram> lower_elbo(const ir::Model& model, DiagnosticEngine& diags);
std::optional<TrainingProgram> lower_gan(const ir::Model& model, DiagnosticEngine& diags);
std::optional<TrainingProgram> lower_denoise(const ir::Model& model, DiagnosticEngine& diags);
std::optional<TrainingProgram> lower_classify(const ir::Model& model, DiagnosticEngine& diags);
/// nll of a model with an autoregressive role (lower_autoregressive.cpp).
std::optional<TrainingProgram> lower_autoregressive(const ir::Model& model, DiagnosticEngine& diags);
/// nll for a model with a flow role.
std::optional<TrainingProgram> lower_flow_nll(const ir::Model& model, DiagnosticEngine& diags);

/// The model's first role of kind `role_kind`, or a MissingRole error (null).
const ir::Function* require_role(const ir::Model& model, const char* role_kind, DiagnosticEngine& diags);
/// False after an error unless the model's priors are all the standard normal.
bool require_normal_prior(const ir::Model& model, DiagnosticEngine& diags);

}  // namespace genc::lower
