// Model families (LANGUAGE.md 5.2 and 6): the checks that a model's roles fit its objective
// and sampler and meet each other (the encoder's latent is the decoder's input, ...). The
// objectives' and samplers' options are in compiler/ir/options.def.
#pragma once

#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/ir/program.h"
#include "compiler/sema/roles.h"

namespace genc::sema {

/// Checks `model` (settings filled in, roles analysed as `roles`):
///   - the objective's family: MissingObjective, MissingRole, ObjectiveMismatch;
///   - the sampler's family;
///   - the roles meet: encoder latent == decoder z, decoder event == encoder x,
///     generator output == discriminator x (and their labels), denoiser result == its x
///     (RolesDontMeet); gan needs a discriminator -> [1], classify one -> [K].
///
/// `classify` trains a model with one `discriminator C(x: T) -> [K]` as a K-way classifier
/// of the dataset's labels (cross-entropy on the logits); it has no other roles.
void check_model_family(const ast::ModelDecl& decl, const ir::Model& model,
                        const std::vector<RoleInfo>& roles, DiagnosticEngine& diags);

}  // namespace genc::sema
