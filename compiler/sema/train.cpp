// Train declarations: the settings table, periods, optimizer and schedule option sets,
// and DataShapeMismatch between the dataset and the roles that consume data.
//
// Data-consuming roles and what they take from one example (x and, when they have one,
// the label y): encoder x, discriminator x [y], flow x, denoiser x [y], autoregressive x,
// generator [y]. With objective `classify` the discriminator's [K] result must match the
// dataset's label of K.
#include "compiler/sema/train.h"

#include <fmt/format.h>

#include "compiler/sema/evaluator.h"
#include "compiler/sema/options.h"
#include "compiler/sema/suggest.h"

namespace genc::sema {
namespace {

const OptionTable& optimizer_table() {
  static const OptionTable t = make_table(
      "optimizer",
      {
          {"adam",
           "lr: float = 0.001, betas: floats = [0.9, 0.999], eps: float = 1e-8, weight_decay: "
           "float = 0.0"},
          {"adamw",
           "lr: float = 0.001, betas: floats = [0.9, 0.999], eps: float = 1e-8, weight_decay: "
           "float = 0.01"},
          {"sgd",
           "lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0, nesterov: bool = "
           "false"},
          {"rmsprop",
           "lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0, "
           "weight_decay: float = 0.0"},
      });
  return t;
}

const OptionTable& lr_schedule_table() {
  static const OptionTable t =
      make_table("lr_schedule", {
                                    {"cosine", "warmup: int = 0, min_lr: float = 0.0"},
                                    {"step", "every: int = 1000, gamma: float = 0.1"},
                                    {"warmup", "steps: int = 1000"},
                                });
  return t;
}

const OptionTable& device_table() {
  static const OptionTable t = make_table("device", {{"auto", ""}, {"cpu", ""}, {"cuda", ""}});
  return t;
}

const OptionTable& precision_table() {
  static const OptionTable t = make_table("precision", {{"fp32", ""}, {"bf16", ""}, {"fp16", ""}});
  return t;
}

const std::vector<std::string>& keywords() {
  static const std::vector<std::string> k = {
      "batch",       "epochs", "steps",     "seed",       "clip_grad", "ema",  "optimizer",
      "lr_schedule", "device", "precision", "checkpoint", "log",       "eval", "sample"};
  return k;
}

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
  std::optional<ir::Setting> setting(const ast::TrainSetting& s);
  std::optional<Value> number(const ast::Expr* e, bool integer, double min, bool min_inclusive,
                              const char* what);
  bool period(const ast::TrainSetting& s, ir::Setting& out, bool required);
  void check_data(const ir::Dataset& ds, SourceRange at);
  void mismatch(const ir::Dataset& ds, SourceRange at, const std::string& yields,
                const std::string& role, const std::string& takes);

  const ast::TrainDecl& decl_;
  const TrainContext& ctx_;
  DiagnosticEngine& diags_;
  Evaluator ct_;
  Scope scope_;
  const ModelResult* model_ = nullptr;
};

std::optional<Value> TrainAnalyzer::number(const ast::Expr* e, bool integer, double min,
                                           bool min_inclusive, const char* what) {
  if (!e) return std::nullopt;
  Value v = ct_.eval(*e, scope_);
  if (v.is_error()) return std::nullopt;
  bool kind_ok = integer ? v.is(VKind::Int) : v.is_number();
  bool range_ok = kind_ok && (min_inclusive ? v.as_double() >= min : v.as_double() > min);
  if (!kind_ok || !range_ok) {
    diags_.report(DiagKind::InvalidOptionValue, e->range,
                  {v.compile_time() ? value_text(v) : kind_text(v), what,
                   fmt::format("{} {} {}", integer ? "an integer" : "a number",
                               min_inclusive ? ">=" : ">", min)});
    return std::nullopt;
  }
  return integer ? v : Value::number(v.as_double());
}

bool TrainAnalyzer::period(const ast::TrainSetting& s, ir::Setting& out, bool required) {
  int64_t every = 1;
  bool per_epoch = true;
  if (s.period) {
    per_epoch = s.period->per_epoch;
    if (s.period->count) {
      std::optional<Value> n = number(s.period->count.get(), true, 1, true, "every");
      if (!n) return false;
      every = n->i;
    }
  } else if (required) {
    diags_.report(DiagKind::TypeError, s.range,
                  {fmt::format("'{}' needs a period: every N or every epoch", s.keyword)});
    return false;
  }
  out.args["every"] = every;
  out.args["unit"] = std::string(per_epoch ? "epochs" : "steps");
  return true;
}

std::optional<ir::Setting> TrainAnalyzer::setting(const ast::TrainSetting& s) {
  ir::Setting out;
  out.name = s.keyword;
  out.loc = s.range;
  const std::string& k = s.keyword;
  auto store = [&](std::optional<Value> v) -> std::optional<ir::Setting> {
    if (!v) return std::nullopt;
    out.args["value"] = *to_attr(*v);
    return out;
  };
  if (k == "batch" || k == "epochs" || k == "steps")
    return store(number(s.value.get(), true, 1, true, k.c_str()));
  if (k == "seed") return store(number(s.value.get(), true, 0, true, "seed"));
  if (k == "clip_grad") return store(number(s.value.get(), false, 0, false, "clip_grad"));
  if (k == "ema") {
    std::optional<Value> v = number(s.value.get(), false, 0, false, "ema");
    if (v && v->f >= 1.0) {
      diags_.report(DiagKind::InvalidOptionValue, s.value->range,
                    {value_text(*v), "ema", "a number below 1"});
      return std::nullopt;
    }
    return store(v);
  }
  if (k == "optimizer" || k == "lr_schedule" || k == "device" || k == "precision") {
    if (!s.value) return std::nullopt;
    const OptionTable& table = k == "optimizer"     ? optimizer_table()
                               : k == "lr_schedule" ? lr_schedule_table()
                               : k == "device"      ? device_table()
                                                    : precision_table();
    std::optional<ir::Setting> st =
        eval_setting(*s.value, table, DiagKind::UnknownSetting, ct_, scope_);
    if (!st) return std::nullopt;
    out.args = std::move(st->args);
    if (k == "device" || k == "precision")
      out.args["value"] = st->name;
    else
      out.args["kind"] = st->name;
    return out;
  }
  if (k == "checkpoint" || k == "log") {
    if (!period(s, out, k == "log")) return std::nullopt;
    if (k == "checkpoint") out.args["dir"] = s.has_path ? s.path : std::string("checkpoints");
    return out;
  }
  if (k == "eval") {
    if (!ctx_.data_names->count(s.target)) {
      Diagnostic& d = diags_.report(DiagKind::UnknownData, s.target_range, {s.target});
      add_suggestion(d, s.target, {ctx_.data_names->begin(), ctx_.data_names->end()});
      return std::nullopt;
    }
    if (auto it = ctx_.datasets->find(s.target); it != ctx_.datasets->end())
      check_data(it->second, s.target_range);
    out.args["data"] = s.target;
    return period(s, out, false) ? std::optional<ir::Setting>(out) : std::nullopt;
  }
  if (k == "sample") {
    std::optional<Value> n = number(s.value.get(), true, 1, true, "sample");
    if (!n || !period(s, out, false)) return std::nullopt;
    out.args["n"] = n->i;
    out.args["dir"] = s.has_path ? s.path : std::string("samples");
    return out;
  }
  Diagnostic& d = diags_.report(DiagKind::UnknownTrainSetting, s.range, {k});
  add_suggestion(d, k, keywords());
  return std::nullopt;
}

void TrainAnalyzer::mismatch(const ir::Dataset& ds, SourceRange at, const std::string& yields,
                             const std::string& role, const std::string& takes) {
  diags_.report(DiagKind::DataShapeMismatch, at, {ds.name, yields, role, takes});
}

void TrainAnalyzer::check_data(const ir::Dataset& ds, SourceRange at) {
  if (!model_) return;
  const ir::Model& m = model_->model;
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
    check_data(it->second, decl_.data_range);
  }
  ir::Train train;
  train.model = decl_.model;
  train.data = decl_.data;
  train.loc = decl_.range;
  std::map<std::string, SourceRange> seen;
  for (const ast::TrainSetting& s : decl_.settings) {
    if (diags_.limit_reached()) break;
    if (auto it = seen.find(s.keyword); it != seen.end()) {
      Diagnostic& d = diags_.report(DiagKind::DuplicateTrainSetting, s.range, {s.keyword});
      diags_.add_note(d, it->second, "first given here");
      continue;
    }
    seen.emplace(s.keyword, s.range);
    if (std::optional<ir::Setting> st = setting(s)) train.settings.push_back(std::move(*st));
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
