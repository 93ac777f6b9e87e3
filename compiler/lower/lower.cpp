// The lowering entry point: dispatches on the model's objective, and the helpers the
// objectives share (role lookup) plus TrainingProgram's accessors.
#include "compiler/lower/lower.h"

#include <algorithm>

#include "compiler/lower/objectives.h"

namespace genc::lower {

// --- TrainingProgram

bool Routine::reads(const std::string& name) const {
  for (ir::NodeId id : graph.find(ir::Op::Input))
    if (ir::attr_string_or(graph.node(id).attrs, "name", "") == name) return true;
  return false;
}

int64_t Routine::rows_per_example() const {
  int64_t most = 1;
  for (ir::NodeId id : graph.find(ir::Op::RepeatBatch))
    most = std::max(most, ir::attr_int(graph.node(id).attrs, "times"));
  return most;
}

const OptimizerGroup* TrainingProgram::optimizer(const std::string& name) const {
  for (const OptimizerGroup& g : optimizers)
    if (g.name == name) return &g;
  return nullptr;
}

// --- roles

const ir::Function* require_role(const ir::Model& model, const char* role_kind, DiagnosticEngine& diags) {
  if (const ir::Function* f = model.role(role_kind)) return f;
  diags.report(DiagKind::MissingRole, model.objective->loc, {model.name, model.objective->name, role_kind});
  return nullptr;
}

bool require_normal_prior(const ir::Model& model, DiagnosticEngine& diags) {
  bool ok = true;
  for (const ir::Setting& prior : model.priors) {
    std::string kind = ir::attr_string_or(prior.args, "kind", "normal");
    if (kind == "normal") continue;
    diags.report(DiagKind::InvalidOptionValue, prior.loc, {ir::attr_str(kind), "prior", "\"normal\""});
    ok = false;
  }
  return ok;
}

// --- entry point

std::optional<TrainingProgram> lower(const ir::Model& model, DiagnosticEngine& diags) {
  if (!model.objective) {
    diags.report(DiagKind::MissingObjective, model.loc, {model.name});
    return std::nullopt;
  }
  const std::string& name = model.objective->name;
  if (name == "elbo") return lower_elbo(model, diags);
  if (name == "gan") return lower_gan(model, diags);
  if (name == "classify") return lower_classify(model, diags);
  if (name == "nll" || name == "denoise") {
    diags.report(DiagKind::NoTrainingLoop, model.objective->loc, {name});
    return std::nullopt;
  }
  diags.report(DiagKind::UnknownObjective, model.objective->loc, {name});
  return std::nullopt;
}

}  // namespace genc::lower
