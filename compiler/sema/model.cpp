// Models: hyperparameters and overrides, settings (objective, sampler, schedules, priors),
// roles (no two of one kind, unique names), then the family checks of objectives.cpp and
// the null class of classifier-free guidance.
#include "compiler/sema/model.h"

#include <map>

#include <fmt/format.h>

#include "compiler/sema/evaluator.h"
#include "compiler/sema/objectives.h"
#include "compiler/sema/options.h"
#include "compiler/sema/roles.h"
#include "compiler/sema/suggest.h"

namespace genc::sema {
namespace {

void redefinition(DiagnosticEngine& diags, const std::string& name, SourceRange at,
                  SourceRange first) {
  Diagnostic& d = diags.report(DiagKind::Redefinition, at, {name});
  diags.add_note(d, first, "'" + name + "' was first defined here");
}

void bind_hyperparams(const ast::ModelDecl& decl, std::vector<Override>& overrides, Evaluator& ct,
                      Scope& scope, ir::Model& model, DiagnosticEngine& diags) {
  std::vector<std::string> names;
  for (const ast::Param& hp : decl.hyperparams) {
    if (const Binding* b = scope.local(hp.name)) {
      redefinition(diags, hp.name, hp.range, b->def);
      continue;
    }
    names.push_back(hp.name);
    Value v = Value::error();
    if (hp.default_value) {
      v = ct.eval(*hp.default_value, scope);
    }
    bool overridden = false;
    for (Override& o : overrides) {
      if (o.model != decl.name || o.param != hp.name) continue;
      o.used = true;
      overridden = true;
      if (std::optional<Value> ov = override_value(o, v, diags)) v = *ov;
    }
    if (!hp.default_value && !overridden)
      diags.report(DiagKind::TypeError, hp.range,
                   {fmt::format("hyperparameter '{}' of model '{}' needs a default value", hp.name,
                                decl.name)});
    v.origin.clear();
    if (std::optional<ir::Attr> a = to_attr(v))
      model.hyperparams[hp.name] = *a;
    else if (v.is(VKind::Fn))
      model.hyperparams[hp.name] = v.s;
    scope.bind(hp.name, std::move(v), hp.range);
  }
  for (Override& o : overrides) {
    if (o.model != decl.name || o.used) continue;
    o.used = true;
    Diagnostic& d = diags.report(DiagKind::UnknownHyperparam, SourceRange{}, {decl.name, o.param});
    add_suggestion(d, o.param, names);
  }
}

void analyze_settings(const ast::ModelDecl& decl, Evaluator& ct, Scope& scope, ir::Model& model,
                      std::vector<std::string>& prior_names, DiagnosticEngine& diags) {
  std::map<std::string, SourceRange> seen;  // "objective", "sampler", schedule and prior names
  for (const ast::ModelSetting& s : decl.settings) {
    if (!s.value) continue;
    bool single = s.keyword == "objective" || s.keyword == "sampler";
    std::string key = single ? s.keyword : s.name;
    if (auto it = seen.find(key); it != seen.end()) {
      redefinition(diags, key, s.range, it->second);
      continue;
    }
    seen.emplace(key, s.range);
    if (s.keyword == "objective") {
      model.objective = eval_setting(*s.value, option_table(ir::Group::Objective),
                                     DiagKind::UnknownObjective, ct, scope);
    } else if (s.keyword == "sampler") {
      model.sampler = eval_setting(*s.value, option_table(ir::Group::Sampler),
                                   DiagKind::UnknownSetting, ct, scope);
    } else if (s.keyword == "schedule" || s.keyword == "prior") {
      const OptionTable& table =
          option_table(s.keyword == "schedule" ? ir::Group::Schedule : ir::Group::Prior);
      std::optional<ir::Setting> st =
          eval_setting(*s.value, table, DiagKind::UnknownSetting, ct, scope);
      if (!st) continue;
      st->args["kind"] = st->name;
      st->name = s.name;
      if (s.keyword == "schedule") {
        model.schedules.push_back(std::move(*st));
      } else {
        prior_names.push_back(s.name);
        model.priors.push_back(std::move(*st));
      }
    } else {
      diags.report(DiagKind::UnknownSetting, s.range, {"model setting", s.keyword});
    }
  }
  if (!seen.count("objective"))
    diags.report(DiagKind::MissingObjective, decl.name_range.valid() ? decl.name_range : decl.range,
                 {decl.name});
}

/// With `denoise(cfg_dropout: p > 0)` every embedding in the denoiser that reads a label of K
/// gets K+1 rows (null_class): index K is the null class the training step drops labels to.
void add_null_class(ir::Model& model, DiagnosticEngine& diags) {
  if (!model.objective || model.objective->name != ir::DenoiseOptions::kName) return;
  if (ir::read_options<ir::DenoiseOptions>(*model.objective).cfg_dropout <= 0.0) return;
  for (ir::Function& f : model.roles) {
    if (f.role != "denoiser") continue;
    if (f.params.size() < 3) {
      diags.report(DiagKind::TypeError, model.objective->loc_of("cfg_dropout"),
                   {fmt::format("cfg_dropout drops the label, but denoiser '{}' takes none (add y: label of K)",
                                f.name)});
      return;
    }
    for (ir::NodeId id : f.graph.find(ir::Op::Embed)) {
      ir::Node& n = f.graph.node(id);
      const ir::ValueType& in = f.graph.type(n.inputs[0]);
      if (in.rank() == 0 && in.classes > 0) n.attrs["null_class"] = true;
    }
  }
}

}  // namespace

ModelResult analyze_model(const ast::ModelDecl& decl, std::vector<Override>& overrides,
                          Globals& globals, DiagnosticEngine& diags) {
  const int errors_before = diags.error_count();
  ModelResult result;
  ir::Model& model = result.model;
  model.name = decl.name;
  model.loc = decl.range;

  Evaluator ct(globals, diags, nullptr, decl.name);
  Scope scope(&globals.root);
  bind_hyperparams(decl, overrides, ct, scope, model, diags);
  std::vector<std::string> prior_names;
  analyze_settings(decl, ct, scope, model, prior_names, diags);

  std::vector<RoleInfo> roles;
  std::map<std::string, SourceRange> role_names;
  std::map<ast::RoleKind, const ast::RoleDecl*> kinds;
  for (const ast::RoleDecl& r : decl.roles) {
    if (diags.limit_reached()) break;
    SourceRange at = r.name_range.valid() ? r.name_range : r.range;
    if (auto it = role_names.find(r.name); it != role_names.end()) {
      redefinition(diags, r.name, at, it->second);
      continue;
    }
    role_names.emplace(r.name, at);
    if (auto it = kinds.find(r.kind); it != kinds.end()) {
      Diagnostic& d =
          diags.report(DiagKind::DuplicateRole, at, {decl.name, ast::role_kind_name(r.kind)});
      diags.add_note(d, it->second->name_range, "the first is '" + it->second->name + "'");
      continue;
    }
    kinds.emplace(r.kind, &r);
    roles.push_back(analyze_role(r, scope, prior_names, globals, diags));
    if (roles.back().fn) model.roles.push_back(*roles.back().fn);
  }
  if (!diags.limit_reached()) check_model_family(decl, model, roles, diags);
  add_null_class(model, diags);
  result.ok = diags.error_count() == errors_before;
  return result;
}

}  // namespace genc::sema
