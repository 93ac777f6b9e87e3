// Noise schedules (see schedule.h).
#include "compiler/lower/schedule.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compiler/ir/options.h"
#include "compiler/support/diagnostics.h"

namespace genc::lower {
namespace {

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

/// alpha_bar as the product of betas 1 - ab_t/ab_{t-1}, clipped to 0.999.
std::vector<double> from_continuous(const std::vector<double>& ab) {
  std::vector<double> out;
  double prod = 1.0, prev = 1.0;
  for (double a : ab) {
    double beta = std::min(1.0 - a / prev, 0.999);
    prod *= 1.0 - beta;
    out.push_back(prod);
    prev = a;
  }
  return out;
}

}  // namespace

ScheduleSpec ScheduleSpec::of_setting(const ir::Setting& schedule) {
  ScheduleSpec spec;
  spec.kind = ir::attr_string(schedule.args, "kind");
  if (spec.kind == "linear") {
    auto o = ir::read_options<ir::LinearScheduleOptions>(schedule);
    spec.steps = o.steps, spec.beta_start = o.beta_start, spec.beta_end = o.beta_end;
  } else if (spec.kind == "cosine") {
    auto o = ir::read_options<ir::CosineScheduleOptions>(schedule);
    spec.steps = o.steps, spec.s = o.s;
  } else {
    auto o = ir::read_options<ir::SigmoidScheduleOptions>(schedule);
    spec.steps = o.steps, spec.start = o.start, spec.end = o.end, spec.tau = o.tau;
  }
  return spec;
}

ScheduleSpec ScheduleSpec::of_attrs(const ir::Attrs& a) {
  ScheduleSpec spec;
  spec.kind = ir::attr_string(a, "schedule");
  spec.steps = ir::attr_int(a, "steps");
  spec.beta_start = ir::attr_float_or(a, "beta_start", spec.beta_start);
  spec.beta_end = ir::attr_float_or(a, "beta_end", spec.beta_end);
  spec.s = ir::attr_float_or(a, "s", spec.s);
  spec.start = ir::attr_float_or(a, "start", spec.start);
  spec.end = ir::attr_float_or(a, "end", spec.end);
  spec.tau = ir::attr_float_or(a, "tau", spec.tau);
  return spec;
}

ir::Attrs ScheduleSpec::attrs() const {
  ir::Attrs a{{"schedule", kind}, {"steps", steps}};
  if (kind == "linear") a.insert({{"beta_start", beta_start}, {"beta_end", beta_end}});
  if (kind == "cosine") a.insert({"s", s});
  if (kind == "sigmoid") a.insert({{"start", start}, {"end", end}, {"tau", tau}});
  return a;
}

std::string ScheduleSpec::str() const {
  if (kind == "linear") return fmt::format("linear(steps: {}, beta_start: {}, beta_end: {})", steps, beta_start, beta_end);
  if (kind == "cosine") return fmt::format("cosine(steps: {}, s: {})", steps, s);
  return fmt::format("sigmoid(steps: {}, start: {}, end: {}, tau: {})", steps, start, end, tau);
}

std::optional<std::vector<std::string>> ScheduleSpec::error() const {
  auto num = [](double v) { return ir::attr_str(ir::Attr(v)); };
  // (options.def keeps each beta in (0, 1), steps >= 1 and s >= 0.)
  if (kind == "linear" && beta_end <= beta_start)
    return std::vector<std::string>{num(beta_end), "beta_end", "more than beta_start (" + num(beta_start) + ")"};
  if (kind == "cosine" && s > 1.0) return std::vector<std::string>{num(s), "s", "a small offset in [0, 1]"};
  if (kind == "sigmoid" && !(start < end))
    return std::vector<std::string>{num(end), "end", "more than start (" + num(start) + ")"};
  if (steps < 2) return std::vector<std::string>{std::to_string(steps), "steps", "at least 2"};
  return std::nullopt;
}

std::vector<double> alpha_bars(const ScheduleSpec& spec) {
  const int64_t T = spec.steps;
  std::vector<double> ab;
  if (spec.kind == "linear") {
    double prod = 1.0;
    for (int64_t t = 0; t < T; ++t) {
      double beta = spec.beta_start + (spec.beta_end - spec.beta_start) * static_cast<double>(t) / static_cast<double>(T - 1);
      prod *= 1.0 - beta;
      ab.push_back(prod);
    }
    return ab;
  }
  if (spec.kind == "cosine") {
    auto f = [&](double u) {
      double c = std::cos((u + spec.s) / (1.0 + spec.s) * M_PI / 2.0);
      return c * c;
    };
    for (int64_t t = 0; t < T; ++t) ab.push_back(f(static_cast<double>(t + 1) / static_cast<double>(T)) / f(0.0));
    return from_continuous(ab);
  }
  GENC_ASSERT(spec.kind == "sigmoid", "unknown schedule " + spec.kind);
  auto g = [&](double u) { return sigmoid((spec.start + (spec.end - spec.start) * u) / spec.tau); };
  for (int64_t t = 0; t < T; ++t)
    ab.push_back((g(1.0) - g(static_cast<double>(t + 1) / static_cast<double>(T))) / (g(1.0) - g(0.0)));
  return from_continuous(ab);
}

std::vector<double> schedule_coefficients(const ScheduleSpec& spec, const std::string& coef, double gamma) {
  std::vector<double> out;
  for (double ab : alpha_bars(spec)) {
    double snr = ab / (1.0 - ab);
    if (coef == "sqrt_alpha_bar") out.push_back(std::sqrt(ab));
    else if (coef == "sqrt_one_minus_alpha_bar") out.push_back(std::sqrt(1.0 - ab));
    else if (coef == "min_snr_eps") out.push_back(std::min(snr, gamma) / snr);
    else if (coef == "min_snr_x0") out.push_back(std::min(snr, gamma));
    else if (coef == "min_snr_v") out.push_back(std::min(snr, gamma) / (snr + 1.0));
    else internal_error("unknown schedule coefficient " + coef);
  }
  return out;
}

}  // namespace genc::lower
