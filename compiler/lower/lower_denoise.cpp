// denoise(predict, weighting): a diffusion model's training step, eval routine and sampler
// loop (ancestral, ddim, dpm_solver), all from the model's noise schedule (schedule.h).
//
// 1. Step "denoise" (optimizer "model" over the denoiser): per example t ~ U{0..T-1}
//    (rand_label of T), eps ~ N(0, I), x_t = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps; the
//    denoiser sees (x_t, t [, y]) and its output is compared by MSE (mean over the
//    example) with the target of `predict`: eps, x0, or v = sqrt(ab_t) eps - sqrt(1 - ab_t) x0.
//    weighting min_snr multiplies each example's MSE by min(SNR_t, 5) / SNR_t (eps),
//    min(SNR_t, 5) (x0) or min(SNR_t, 5) / (SNR_t + 1) (v).
// 2. Eval: the unweighted MSE, with t and eps drawn from the evaluation stream, which
//    restarts for every evaluation: each test example meets the same t and noise each time.
// 3. Sampler, a loop (never unrolled): init draws x ~ N(0, I) (and labels for a
//    conditional denoiser); the step, run once per row of its table, is
//        pred = denoiser(x, t [, y]);  x0 = clip(u x + v pred);
//        x <- q x + p x0 [+ r x0_prev] [+ sigma z],  x0_prev <- x0,
//    with per-iteration columns t, u, v (pred -> x0 for `predict`), q, p, r, sigma (the
//    sampler's update) computed here in float64; clip is [-1, 1] for images ([C,H,W]), none
//    otherwise. ancestral: every t = T-1..0, the DDPM posterior mean with the fixed small
//    variance beta~_t; ddim(steps, eta): `steps` timesteps evenly spaced over T-1..0, with
//    eps recomputed from the clipped x0; dpm_solver(steps): DPM-Solver++ 2M on the same
//    timesteps (first order at the first step and at the step into the last timestep, whose
//    log-SNR step is far longer than the one before: 2M would extrapolate x0 by h/2h_prev). Each step's target after the
//    last timestep is the clean data (alpha_bar = 1).
// 4. Classifier-free guidance: with cfg_dropout p the training step drops each label to the
//    null class K with probability p (drop_label; sema gave the denoiser's label embeddings
//    that row); a sampler with guidance w != 1 runs the denoiser once on the batch doubled
//    (repeat_batch; guidance_labels nulls the second of each pair) and mixes each pair to
//    pred = u + w (c - u) (guidance_mix) before the update.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compiler/lower/graph_builder.h"
#include "compiler/lower/objectives.h"
#include "compiler/lower/schedule.h"

namespace genc::lower {
namespace {

using ir::Op;
using ir::ValueRef;

struct Diffusion {
  const ir::Function* denoiser;
  ir::ValueType x;
  std::optional<ir::ValueType> y;
  ScheduleSpec schedule;
  std::string predict;
  std::string weighting;
  double cfg_dropout = 0.0;  ///< > 0: labels dropped to the null class K in training
  double guidance = 1.0;     ///< the sampler's w; 1: the conditional prediction alone
};

ValueRef coef(GraphBuilder& b, const Diffusion& d, ValueRef t, const std::string& which) {
  ir::Attrs attrs = d.schedule.attrs();
  attrs["coef"] = which;
  return b.op(Op::ScheduleCoef, {t}, attrs);
}

ValueRef mul(GraphBuilder& b, ValueRef x, ValueRef y) { return b.op(Op::Mul, {x, y}); }

/// The per-example MSE of the denoiser on x noised at a random t (and its min-SNR weight);
/// in `training` with cfg_dropout, each label is dropped to the null class with that probability.
std::pair<ValueRef, ValueRef> denoising_loss(GraphBuilder& b, const Diffusion& d, bool training) {
  ValueRef x0 = b.input("x", d.x);
  std::optional<ValueRef> y;
  if (d.y) y = b.input("y", *d.y);
  if (y && training && d.cfg_dropout > 0.0) y = b.op(Op::DropLabel, {*y}, {{"p", d.cfg_dropout}});
  ValueRef t = b.op(Op::RandLabel, {}, {{"classes", d.schedule.steps}});
  ValueRef eps = b.op(Op::Randn, {}, {{"shape", d.x.dims}});
  ValueRef a = coef(b, d, t, "sqrt_alpha_bar");
  ValueRef s = coef(b, d, t, "sqrt_one_minus_alpha_bar");
  // Operands are built one statement at a time: C++ leaves the order of arguments' evaluation
  // open, and the node numbering (the printed plan) must not depend on the compiler.
  ValueRef noise = mul(b, s, eps);
  ValueRef xt = add(b, mul(b, a, x0), noise);
  std::vector<ValueRef> args{xt, t};
  if (y) args.push_back(*y);
  ValueRef pred = b.inline_role(*d.denoiser, args).values[0];
  ValueRef target = d.predict == "eps" ? eps
                    : d.predict == "x0" ? x0
                                        : b.op(Op::Sub, {mul(b, a, eps), mul(b, s, x0)});
  ValueRef diff = b.op(Op::Sub, {pred, target});
  ValueRef mse = b.op(Op::Mean, {mul(b, diff, diff)});
  return {mse, coef(b, d, t, "min_snr_" + d.predict)};
}

Step train_step(const Diffusion& d, SourceRange loc) {
  GraphBuilder b(loc);
  auto [mse, weight] = denoising_loss(b, d, true);
  if (d.weighting == "min_snr") {
    b.output("loss", mul(b, weight, mse));
    b.output("mse", mse);
  } else {
    b.output("loss", mse);
  }
  Step step;
  static_cast<Routine&>(step) = b.finish("denoise");
  step.optimizer = "model";
  return step;
}

Routine eval_routine(const Diffusion& d, SourceRange loc) {
  GraphBuilder b(loc);
  b.output("loss", denoising_loss(b, d, false).first);
  return b.finish("eval");
}

// --- samplers

/// The table of one sampler: per iteration the timestep and the update's coefficients.
struct Table {
  std::vector<double> t, u, v, q, p, r, sigma;
  void push(double t_, double u_, double v_, double q_, double p_, double r_, double sigma_) {
    t.push_back(t_), u.push_back(u_), v.push_back(v_), q.push_back(q_), p.push_back(p_), r.push_back(r_);
    sigma.push_back(sigma_);
  }
};

/// pred -> x0 = u x + v pred at alpha_bar `ab`.
std::pair<double, double> to_x0(const std::string& predict, double ab) {
  double a = std::sqrt(ab), s = std::sqrt(1.0 - ab);
  if (predict == "eps") return {1.0 / a, -s / a};
  if (predict == "x0") return {0.0, 1.0};
  return {a, -s};  // v
}

/// `steps` timesteps from T-1 down to 0, evenly spaced (steps <= T).
std::vector<int64_t> spaced(int64_t T, int64_t steps) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < steps; ++i)
    out.push_back(steps == 1 ? T - 1 : std::llround(static_cast<double>(T - 1) * static_cast<double>(steps - 1 - i) /
                                                    static_cast<double>(steps - 1)));
  return out;
}

Table ancestral_table(const std::vector<double>& ab, const std::string& predict) {
  Table tab;
  for (int64_t t = static_cast<int64_t>(ab.size()) - 1; t >= 0; --t) {
    double abt = ab[t], prev = t > 0 ? ab[t - 1] : 1.0, beta = 1.0 - abt / prev;
    auto [u, v] = to_x0(predict, abt);
    double p = std::sqrt(prev) * beta / (1.0 - abt);
    double q = std::sqrt(1.0 - beta) * (1.0 - prev) / (1.0 - abt);
    double sigma = t > 0 ? std::sqrt(beta * (1.0 - prev) / (1.0 - abt)) : 0.0;
    tab.push(static_cast<double>(t), u, v, q, p, 0.0, sigma);
  }
  return tab;
}

Table ddim_table(const std::vector<double>& ab, const std::string& predict, int64_t steps, double eta) {
  Table tab;
  std::vector<int64_t> ts = spaced(static_cast<int64_t>(ab.size()), steps);
  for (size_t i = 0; i < ts.size(); ++i) {
    double abt = ab[ts[i]], prev = i + 1 < ts.size() ? ab[ts[i + 1]] : 1.0;
    auto [u, v] = to_x0(predict, abt);
    double sd = eta * std::sqrt((1.0 - prev) / (1.0 - abt)) * std::sqrt(1.0 - abt / prev);
    double A = std::sqrt(prev), B = std::sqrt(std::max(0.0, 1.0 - prev - sd * sd));
    double a = std::sqrt(abt), s = std::sqrt(1.0 - abt);
    tab.push(static_cast<double>(ts[i]), u, v, B / s, A - B * a / s, 0.0, sd);
  }
  return tab;
}

Table dpm_solver_table(const std::vector<double>& ab, const std::string& predict, int64_t steps) {
  Table tab;
  std::vector<int64_t> ts = spaced(static_cast<int64_t>(ab.size()), steps);
  auto lambda = [&](size_t i) { return 0.5 * std::log(ab[ts[i]] / (1.0 - ab[ts[i]])); };
  for (size_t i = 0; i < ts.size(); ++i) {
    double abt = ab[ts[i]];
    auto [u, v] = to_x0(predict, abt);
    bool last = i + 1 == ts.size();
    double q = 0.0, p = 1.0, r = 0.0;  // last: to the clean data, x = x0
    if (!last) {
      double next = ab[ts[i + 1]];
      double h = lambda(i + 1) - lambda(i);
      q = std::sqrt((1.0 - next) / (1.0 - abt));
      p = std::sqrt(next) * (1.0 - std::exp(-h));
      if (i > 0 && i + 2 < ts.size()) {  // 2M: D = (1 + 1/2r) x0 - 1/2r x0_prev, r = h_prev / h
        double k = 1.0 / (2.0 * (lambda(i) - lambda(i - 1)) / h);
        r = -p * k;
        p = p * (1.0 + k);
      }
    }
    tab.push(static_cast<double>(ts[i]), u, v, q, p, r, 0.0);
  }
  return tab;
}

bool any_nonzero(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double x) { return x != 0.0; });
}

/// The denoiser's prediction at (x, t [, y]). With guidance w != 1, one call on the batch
/// doubled: each example once with its label and once with the null label, the pair (c, u)
/// mixed to u + w (c - u).
ValueRef guided_prediction(GraphBuilder& b, const Diffusion& d, ValueRef x, ValueRef t, std::optional<ValueRef> y) {
  if (!y || d.guidance == 1.0) {
    std::vector<ValueRef> args{x, b.op(Op::ExpandBatch, {t, x})};
    if (y) args.push_back(*y);
    return b.inline_role(*d.denoiser, args).values[0];
  }
  auto pairs = [&](ValueRef v) { return b.op(Op::RepeatBatch, {v}, {{"times", int64_t{2}}}); };
  ValueRef x2 = pairs(x);
  ValueRef y2 = b.op(Op::GuidanceLabels, {pairs(*y)});
  ValueRef pred2 = b.inline_role(*d.denoiser, {x2, b.op(Op::ExpandBatch, {t, x2}), y2}).values[0];
  return b.op(Op::GuidanceMix, {pred2}, {{"w", d.guidance}});
}

Loop sampler_loop(const Diffusion& d, const std::string& name, const Table& tab, SourceRange loc) {
  const bool multistep = any_nonzero(tab.r), noisy = any_nonzero(tab.sigma);
  Loop loop;
  loop.name = name;
  {
    GraphBuilder b(loc);
    ValueRef x = b.op(Op::Randn, {}, {{"shape", d.x.dims}});
    b.output("x", x);
    if (multistep) b.output("x0_prev", scale(b, 0.0, x));
    if (d.y) b.output("y", b.op(Op::RandLabel, {}, {{"classes", d.y->classes}}));
    loop.init = b.finish("init");
  }
  GraphBuilder b(loc);
  const ir::ValueType scalar = ir::ValueType::tensor({});
  ValueRef x = b.input("x", d.x);
  std::optional<ValueRef> x0_prev, y;
  if (multistep) x0_prev = b.input("x0_prev", d.x);
  if (d.y) y = b.input("y", *d.y);
  ValueRef t_in = b.input("t", ir::ValueType::tensor({}, ir::DType::I64));
  auto column = [&](const char* n) { return b.input(n, scalar); };
  ValueRef u = column("u"), v = column("v"), q = column("q"), p = column("p");
  ValueRef pred = guided_prediction(b, d, x, t_in, y);
  ValueRef v_pred = mul(b, v, pred);  // one operand per statement, as in the loss above
  ValueRef x0 = add(b, mul(b, u, x), v_pred);
  if (d.x.rank() == 3) x0 = b.op(Op::Clamp, {x0}, {{"lo", -1.0}, {"hi", 1.0}});
  ValueRef p_x0 = mul(b, p, x0);
  ValueRef next = add(b, mul(b, q, x), p_x0);
  if (multistep) next = add(b, next, mul(b, column("r"), *x0_prev));
  if (noisy) {
    ValueRef z = b.op(Op::Randn, {}, {{"shape", d.x.dims}});
    next = add(b, next, mul(b, column("sigma"), z));
  }
  b.output("x", next);
  if (multistep) b.output("x0_prev", x0);
  loop.step = b.finish("step");

  IterationTable& table = loop.table;
  table.iterations = static_cast<int64_t>(tab.t.size());
  table.columns.push_back({"t", ir::DType::I64, tab.t});
  for (auto [n, values] : {std::pair{"u", &tab.u}, {"v", &tab.v}, {"q", &tab.q}, {"p", &tab.p}})
    table.columns.push_back({n, ir::DType::F32, *values});
  if (multistep) table.columns.push_back({"r", ir::DType::F32, tab.r});
  if (noisy) table.columns.push_back({"sigma", ir::DType::F32, tab.sigma});
  return loop;
}

/// The guidance of sampler `s`, or an error (null) where the model cannot be guided.
std::optional<double> guidance(const ir::Model& model, const ir::Setting& s, const Diffusion& d,
                               DiagnosticEngine& diags) {
  double w = ir::attr_float_or(s.args, "guidance", 1.0);
  if (!s.given("guidance") || (d.y && d.cfg_dropout > 0.0)) return w;
  Diagnostic& err = diags.report(
      DiagKind::TypeError, s.loc_of("guidance"),
      {d.y ? fmt::format("guidance needs a model trained with classifier-free guidance; '{}' has no cfg_dropout",
                         model.name)
           : fmt::format("guidance needs a conditional denoiser (y: label of K); '{}' takes no label", d.denoiser->name)});
  diags.add_note(err, model.objective->loc,
                 d.y ? "add cfg_dropout: 0.1 to the objective to train the null class" : "the objective is here");
  return std::nullopt;
}

/// The sampler of the model's `sampler` setting (ancestral without one), or an error.
std::optional<Loop> sampler(const ir::Model& model, Diffusion d, DiagnosticEngine& diags) {
  std::vector<double> ab = alpha_bars(d.schedule);
  if (!model.sampler) return sampler_loop(d, "ancestral", ancestral_table(ab, d.predict), model.objective->loc);
  const ir::Setting& s = *model.sampler;
  std::optional<double> w = guidance(model, s, d, diags);
  if (!w) return std::nullopt;
  d.guidance = *w;
  int64_t steps = 0;
  if (s.name == "ddim") steps = ir::read_options<ir::DdimOptions>(s).steps;
  if (s.name == "dpm_solver") steps = ir::read_options<ir::DpmSolverOptions>(s).steps;
  if (steps > d.schedule.steps) {
    diags.report(DiagKind::InvalidOptionValue, s.loc_of("steps"),
                 {std::to_string(steps), "steps",
                  fmt::format("at most the schedule's {} steps ({})", d.schedule.steps, d.schedule.str())});
    return std::nullopt;
  }
  if (s.name == "ancestral") return sampler_loop(d, s.name, ancestral_table(ab, d.predict), s.loc);
  if (s.name == "ddim")
    return sampler_loop(d, s.name, ddim_table(ab, d.predict, steps, ir::read_options<ir::DdimOptions>(s).eta), s.loc);
  if (s.name == "dpm_solver") return sampler_loop(d, s.name, dpm_solver_table(ab, d.predict, steps), s.loc);
  diags.report(DiagKind::InvalidOptionValue, s.loc,
               {ir::attr_str(ir::Attr(s.name)), "sampler", "\"ancestral\", \"ddim\" or \"dpm_solver\""});
  return std::nullopt;
}

}  // namespace

std::optional<TrainingProgram> lower_denoise(const ir::Model& model, DiagnosticEngine& diags) {
  const ir::Setting& objective = *model.objective;
  const ir::DenoiseOptions options = ir::read_options<ir::DenoiseOptions>(objective);
  const ir::Function* denoiser = require_role(model, "denoiser", diags);
  if (!denoiser) return std::nullopt;
  if (model.schedules.empty()) {
    diags.report(DiagKind::MissingRole, objective.loc, {model.name, objective.name, "schedule"});
    return std::nullopt;
  }
  const ir::Setting& schedule = model.schedules.front();
  Diffusion d{denoiser,         denoiser->params[0].type, std::nullopt, ScheduleSpec::of_setting(schedule),
              options.predict,  options.weighting,        options.cfg_dropout};
  if (auto err = d.schedule.error()) {
    diags.report(DiagKind::InvalidOptionValue, schedule.loc_of((*err)[1]), *err);
    return std::nullopt;
  }
  if (denoiser->params.size() == 3) d.y = denoiser->params[2].type;
  std::optional<Loop> loop = sampler(model, d, diags);
  if (!loop) return std::nullopt;

  TrainingProgram program;
  program.model = model.name;
  program.objective = objective.name;
  program.optimizers.push_back({"model", {denoiser->name}, param_names(model, {denoiser->name})});
  program.steps.push_back(train_step(d, objective.loc));
  program.eval = eval_routine(d, objective.loc);
  program.sample = std::move(*loop);
  return program;
}

}  // namespace genc::lower
