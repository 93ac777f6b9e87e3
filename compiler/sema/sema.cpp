// Semantic analysis entry point: collects declarations, then analyses datasets, models
// and train declarations of the main module in source order, producing the program.
//
//   1. Blocks and invertibles of every module (imports first) become global callables.
//   2. Datasets, models and trains of the main module are analysed; their names share
//      one namespace with blocks and invertibles.
//   3. `--set` overrides that name no model are reported.
//   4. Without errors, unused bindings and file imports are warned about.
// Any error makes the result nullopt; warnings do not.
#include "compiler/sema/sema.h"

#include <map>
#include <set>

#include "compiler/sema/data.h"
#include "compiler/sema/globals.h"
#include "compiler/sema/model.h"
#include "compiler/sema/overrides.h"
#include "compiler/sema/suggest.h"
#include "compiler/sema/train.h"
#include "compiler/sema/warnings.h"

namespace genc::sema {
namespace {

class TopLevelNames {
 public:
  explicit TopLevelNames(const Globals& g) {
    for (const auto& [name, decl] : g.blocks) first_.emplace(name, decl->range);
    for (const auto& [name, decl] : g.invertibles) first_.emplace(name, decl->range);
  }
  /// Claims `name`; reports Redefinition when it is taken.
  bool claim(const std::string& name, SourceRange at, DiagnosticEngine& diags) {
    auto [it, inserted] = first_.emplace(name, at);
    if (inserted) return true;
    Diagnostic& d = diags.report(DiagKind::Redefinition, at, {name});
    diags.add_note(d, it->second, "'" + name + "' was first defined here");
    return false;
  }

 private:
  std::map<std::string, SourceRange> first_;
};

}  // namespace

std::optional<ir::Program> analyze(const frontend::ParsedUnit& unit, const Options& options,
                                   DiagnosticEngine& diags) {
  const int errors_before = diags.error_count();
  if (unit.modules.empty() || !unit.modules.back()) return std::nullopt;
  const ast::Module& main = unit.main();

  Globals globals;
  collect_globals(unit, globals, diags);
  std::vector<Override> overrides = parse_overrides(options, diags);
  TopLevelNames names(globals);
  ir::Program program;

  std::set<std::string> data_names;
  std::map<std::string, ir::Dataset> datasets;
  for (const ast::DataDecl& d : main.data) {
    if (diags.limit_reached()) break;
    if (!names.claim(d.name, d.range, diags)) continue;
    data_names.insert(d.name);
    if (std::optional<ir::Dataset> ds = analyze_data(d, globals, diags)) {
      datasets.emplace(d.name, *ds);
      program.datasets.push_back(std::move(*ds));
    }
  }

  std::map<std::string, ModelResult> models;
  for (const ast::ModelDecl& m : main.models) {
    if (diags.limit_reached()) break;
    if (!names.claim(m.name, m.name_range.valid() ? m.name_range : m.range, diags)) continue;
    ModelResult r = analyze_model(m, overrides, globals, diags);
    program.models.push_back(r.model);
    models.emplace(m.name, std::move(r));
  }
  std::vector<std::string> model_names;
  for (const auto& [name, m] : models) model_names.push_back(name);
  for (const Override& o : overrides) {
    if (o.used || diags.limit_reached()) continue;
    Diagnostic& d = diags.report(DiagKind::BadOverride, SourceRange{},
                                 {o.written, "there is no model '" + o.model + "'"});
    add_suggestion(d, o.model, model_names);
  }

  TrainContext ctx{&models, &datasets, &data_names};
  for (const ast::TrainDecl& t : main.trains) {
    if (diags.limit_reached()) break;
    if (std::optional<ir::Train> train = analyze_train(t, ctx, globals, diags))
      program.trains.push_back(std::move(*train));
  }

  if (diags.error_count() > errors_before) return std::nullopt;
  report_unused(unit, globals, diags);
  return program;
}

}  // namespace genc::sema
