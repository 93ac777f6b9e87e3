// `train MODEL on DATA { ... }` declarations (LANGUAGE.md 8): each setting checked and
// stored as documented in program.h, and the dataset checked against the model's roles.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "compiler/frontend/ast.h"
#include "compiler/ir/program.h"
#include "compiler/sema/globals.h"
#include "compiler/sema/model.h"

namespace genc::sema {

struct TrainContext {
  const std::map<std::string, ModelResult>* models;    ///< every declared model
  const std::map<std::string, ir::Dataset>* datasets;  ///< datasets that analysed cleanly
  const std::set<std::string>* data_names;             ///< every declared dataset
};

/// Analyses one train declaration; nullopt after reporting.
std::optional<ir::Train> analyze_train(const ast::TrainDecl& decl, const TrainContext& ctx,
                                       Globals& globals, DiagnosticEngine& diags);

}  // namespace genc::sema
