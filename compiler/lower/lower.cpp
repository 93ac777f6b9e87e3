// The lowering entry point: dispatches on the model's objective, sends every routine of
// the result through the pass pipeline and the plan verifier, and the helpers the
// objectives share (role lookup).
#include "compiler/lower/lower.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/lower/objectives.h"
#include "compiler/lower/verify_plan.h"
#include "compiler/passes/pipeline.h"

namespace genc::lower {
namespace {

std::optional<TrainingProgram> lower_objective(const ir::Model& model, DiagnosticEngine& diags) {
  if (!model.objective) {
    diags.report(DiagKind::MissingObjective, model.loc, {model.name});
    return std::nullopt;
  }
  const std::string& name = model.objective->name;
  if (name == "elbo") return lower_elbo(model, diags);
  if (name == "gan") return lower_gan(model, diags);
  if (name == "classify") return lower_classify(model, diags);
  if (name == "denoise") return lower_denoise(model, diags);
  if (name == "nll" && model.role("autoregressive")) return lower_autoregressive(model, diags);
  if (name == "nll" && model.role("flow")) return lower_flow_nll(model, diags);
  if (name == "nll") {
    diags.report(DiagKind::NoTrainingLoop, model.objective->loc, {name});
    return std::nullopt;
  }
  diags.report(DiagKind::UnknownObjective, model.objective->loc, {name});
  return std::nullopt;
}

void check(const TrainingProgram& program, const char* when) {
  std::vector<std::string> errors = verify_plan(program);
  if (!errors.empty())
    internal_error(fmt::format("the plan of {} does not verify {}:\n  {}", program.model, when, fmt::join(errors, "\n  ")));
}

}  // namespace

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

std::optional<TrainingProgram> lower(const ir::Model& model, DiagnosticEngine& diags,
                                     const passes::PipelineOptions& options) {
  std::optional<TrainingProgram> program = lower_objective(model, diags);
  if (!program) return std::nullopt;
  check(*program, "as lowered");
  for (Routine* r : program->routines()) passes::optimize(r->graph, model.name + "." + r->name, options);
  check(*program, "after optimization");
  return program;
}

}  // namespace genc::lower
