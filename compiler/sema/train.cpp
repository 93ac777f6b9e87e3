// Train declarations: each setting checked against its row of the option table
// (compiler/ir/options.def) and stored as program.h documents, and DataShapeMismatch
// between the dataset and the roles that consume data.
//
// A setting's syntax fills its options by name: `value` (and sample's `n`) is the
// setting's expression, a name for a Choice (`device cuda`); a Kind option (`kind`) is the
// construct of `optimizer KIND(...)`, whose options join the setting's; `every` and `unit`
// come from `every N [steps|epochs]` (`every epoch`: every 1 epoch); `dir` from `to "DIR"`;
// `data` from `eval on DATA`. What the syntax leaves out takes the table's default.
//
// Data-consuming roles and what they take from one example (x and, when they have one,
// the label y): encoder x, discriminator x [y], flow x, denoiser x [y], autoregressive x,
// generator [y]. With objective `classify` the discriminator's [K] result must match the
// dataset's label of K. The data's value range is checked too (data_range.h).
#include "compiler/sema/train.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/ir/option_table.h"
#include "compiler/sema/data_range.h"
#include "compiler/sema/evaluator.h"
#include "compiler/sema/options.h"
#include "compiler/sema/suggest.h"
#include "compiler/sema/train_effects.h"

namespace genc::sema {
namespace {

class TrainAnalyzer {
 public:
  TrainAnalyzer(const ast::TrainDecl& decl, const TrainContext& ctx, Globals& globals,
                DiagnosticEngine& diags)
      : decl_(decl),
        ctx_(ctx),
        diags_(diags),
        ct_(globals, diags, nullptr, decl.model),
        scope_(&globals.root) {}

  std::optional<ir::Train> run();

 private:
  std::optional<ir::Setting> setting(const ast::TrainSetting& s, const ir::ConstructSpec& c);
  bool option(const ast::TrainSetting& s, const ir::OptionSpec& o, ir::Setting& out);
  std::optional<ir::Attr> value(const ast::Expr& e, const ir::OptionSpec& o,
                                const std::string& what);
  std::optional<ir::Attr> choice(const ast::Expr& e, const ir::OptionSpec& o,
                                 const std::string& what);
  bool kind(const ast::Expr& e, const ir::OptionSpec& o, ir::Setting& out);
  std::optional<ir::Attr> eval_data(const ast::TrainSetting& s);
  void unknown(const ast::TrainSetting& s);
  void check_data(const ir::Dataset& ds, SourceRange at, bool is_train_data);
  void mismatch(const ir::Dataset& ds, SourceRange at, const std::string& yields,
                const std::string& role, const std::string& takes);

  const ast::TrainDecl& decl_;
  const TrainContext& ctx_;
  DiagnosticEngine& diags_;
  Evaluator ct_;
  Scope scope_;
  const ModelResult* model_ = nullptr;
};

std::optional<ir::Attr> TrainAnalyzer::value(const ast::Expr& e, const ir::OptionSpec& o,
                                             const std::string& what) {
  Value v = ct_.eval(e, scope_);
  if (v.is_error()) return std::nullopt;
  if (o.type == ir::OptionType::Number && v.is_number()) v = Value::number(v.as_double());
  std::optional<ir::Attr> a = v.compile_time() ? to_attr(v) : std::nullopt;
  std::optional<std::string> expected = a ? ir::check_value(o, *a) : ir::expected_text(o);
  if (!expected) return a;
  diags_.report(DiagKind::InvalidOptionValue, e.range,
                {v.compile_time() ? value_text(v) : kind_text(v), what, *expected});
  return std::nullopt;
}

std::optional<ir::Attr> TrainAnalyzer::choice(const ast::Expr& e, const ir::OptionSpec& o,
                                              const std::string& what) {
  const std::vector<std::string>& names = o.check.choices;
  if (e.kind == ast::ExprKind::Name && std::find(names.begin(), names.end(), e.text) != names.end())
    return ir::Attr(e.text);
  Diagnostic& d = diags_.report(DiagKind::UnknownSetting, e.range, {what, e.text});
  add_suggestion(d, e.text, names);
  return std::nullopt;
}

bool TrainAnalyzer::kind(const ast::Expr& e, const ir::OptionSpec& o, ir::Setting& out) {
  std::optional<ir::Setting> st =
      eval_setting(e, option_table(*o.check.kind_of), DiagKind::UnknownSetting, ct_, scope_);
  if (!st) return false;
  for (auto& [key, value] : st->args) out.args[key] = std::move(value);
  out.args[o.name] = st->name;
  return true;
}

std::optional<ir::Attr> TrainAnalyzer::eval_data(const ast::TrainSetting& s) {
  if (!ctx_.data_names->count(s.target)) {
    Diagnostic& d = diags_.report(DiagKind::UnknownData, s.target_range, {s.target});
    add_suggestion(d, s.target, {ctx_.data_names->begin(), ctx_.data_names->end()});
    return std::nullopt;
  }
  if (auto it = ctx_.datasets->find(s.target); it != ctx_.datasets->end())
    check_data(it->second, s.target_range, false);
  return ir::Attr(s.target);
}

bool TrainAnalyzer::option(const ast::TrainSetting& s, const ir::OptionSpec& o, ir::Setting& out) {
  if (o.type == ir::OptionType::Kind) return s.value && kind(*s.value, o, out);
  std::optional<ir::Attr> a;
  if (o.name == "value" || o.name == "n") {
    if (!s.value) return false;
    a = o.type == ir::OptionType::Choice ? choice(*s.value, o, s.keyword)
                                         : value(*s.value, o, s.keyword);
  } else if (o.name == "every" && s.period) {
    a = s.period->count ? value(*s.period->count, o, "every") : ir::Attr(int64_t{1});
  } else if (o.name == "unit" && s.period) {
    a = std::string(s.period->per_epoch ? "epochs" : "steps");
  } else if (o.name == "dir" && s.has_path) {
    a = s.path;
  } else if (o.name == "data") {
    a = eval_data(s);
  } else {
    GENC_ASSERT(o.default_value, "train setting '" + s.keyword + "' cannot give option '" + o.name +
                                     "', which has no default");
    a = o.default_value;
  }
  if (!a) return false;
  out.args[o.name] = std::move(*a);
  return true;
}

std::optional<ir::Setting> TrainAnalyzer::setting(const ast::TrainSetting& s,
                                                  const ir::ConstructSpec& c) {
  ir::Setting out;
  out.name = s.keyword;
  out.loc = s.range;
  bool ok = true;
  for (const ir::OptionSpec& o : c.options) ok = option(s, o, out) && ok;
  if (!ok) return std::nullopt;
  return out;
}

void TrainAnalyzer::unknown(const ast::TrainSetting& s) {
  Diagnostic& d = diags_.report(DiagKind::UnknownTrainSetting, s.keyword_range, {s.keyword});
  std::vector<std::string> names = ir::construct_names(ir::Group::Train);
  d.hint = "settings are " + ir::word_list(names, "and");
  add_suggestion(d, s.keyword, names);
}

void TrainAnalyzer::mismatch(const ir::Dataset& ds, SourceRange at, const std::string& yields,
                             const std::string& role, const std::string& takes) {
  diags_.report(DiagKind::DataShapeMismatch, at, {ds.name, yields, role, takes});
}

void TrainAnalyzer::check_data(const ir::Dataset& ds, SourceRange at, bool is_train_data) {
  if (!model_) return;
  const ir::Model& m = model_->model;
  check_data_range(ds, m, at, is_train_data, diags_);
  bool classify = m.objective && m.objective->name == "classify";
  for (const ir::Function& f : m.roles) {
    if (f.params.empty()) continue;
    size_t label_index = f.role == "denoiser" ? 2 : 1;
    bool takes_x = f.role != "decoder" && f.role != "generator";
    if (takes_x && f.params[0].type != ds.x)
      mismatch(ds, at, type_text(ds.x), f.name, type_text(f.params[0].type));
    if (f.role != "decoder" && f.params.size() > label_index) {
      const ir::ValueType& y = f.params[label_index].type;
      if (!ds.y || *ds.y != y)
        mismatch(ds, at, ds.y ? type_text(*ds.y) : "no labels", f.name, type_text(y));
    }
    if (classify && f.role == "discriminator" && f.result.rank() == 1) {
      ir::ValueType want = ir::ValueType::tensor({}, ir::DType::I64);
      want.classes = f.result.dims[0];
      if (!ds.y || *ds.y != want)
        mismatch(ds, at, ds.y ? type_text(*ds.y) : "no labels", f.name, "x and " + type_text(want));
    }
  }
}

std::optional<ir::Train> TrainAnalyzer::run() {
  const int errors_before = diags_.error_count();
  auto model_it = ctx_.models->find(decl_.model);
  if (model_it == ctx_.models->end()) {
    Diagnostic& d = diags_.report(DiagKind::UnknownModel, decl_.model_range, {decl_.model});
    std::vector<std::string> names;
    for (const auto& [name, m] : *ctx_.models) names.push_back(name);
    add_suggestion(d, decl_.model, names);
  } else {
    model_ = &model_it->second;
  }
  if (!ctx_.data_names->count(decl_.data)) {
    Diagnostic& d = diags_.report(DiagKind::UnknownData, decl_.data_range, {decl_.data});
    add_suggestion(d, decl_.data, {ctx_.data_names->begin(), ctx_.data_names->end()});
  } else if (auto it = ctx_.datasets->find(decl_.data); it != ctx_.datasets->end()) {
    check_data(it->second, decl_.data_range, true);
  }
  ir::Train train;
  train.model = decl_.model;
  train.data = decl_.data;
  train.loc = decl_.range;
  std::map<std::string, SourceRange> seen;
  for (const ast::TrainSetting& s : decl_.settings) {
    if (diags_.limit_reached()) break;
    const ir::ConstructSpec* c = ir::find_construct(ir::Group::Train, s.keyword);
    if (!c) {
      unknown(s);
      continue;
    }
    if (auto it = seen.find(s.keyword); it != seen.end()) {
      Diagnostic& d = diags_.report(DiagKind::DuplicateTrainSetting, s.range, {s.keyword});
      diags_.add_note(d, it->second, "first given here");
      continue;
    }
    seen.emplace(s.keyword, s.range);
    if (std::optional<ir::Setting> st = setting(s, *c)) train.settings.push_back(std::move(*st));
  }
  if (seen.count("epochs") && seen.count("steps")) {
    const bool steps_last = seen["epochs"].begin.line < seen["steps"].begin.line ||
                            (seen["epochs"].begin.line == seen["steps"].begin.line &&
                             seen["epochs"].begin.col < seen["steps"].begin.col);
    const std::string first = steps_last ? "epochs" : "steps", second = steps_last ? "steps" : "epochs";
    Diagnostic& d = diags_.report(DiagKind::ConflictingTrainSettings, seen[second], {first, second});
    diags_.add_note(d, seen[first], "'" + first + "' is given here");
  }
  if (model_ && diags_.error_count() == errors_before) {
    auto data = ctx_.datasets->find(decl_.data);
    check_settings_take_effect(train, model_->model,
                               data == ctx_.datasets->end() ? nullptr : &data->second, seen, diags_);
  }
  if (diags_.error_count() > errors_before) return std::nullopt;
  return train;
}

}  // namespace

std::optional<ir::Train> analyze_train(const ast::TrainDecl& decl, const TrainContext& ctx,
                                       Globals& globals, DiagnosticEngine& diags) {
  return TrainAnalyzer(decl, ctx, globals, diags).run();
}

}  // namespace genc::sema
