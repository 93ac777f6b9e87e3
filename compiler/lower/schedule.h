// Diffusion noise schedules: linear, cosine and sigmoid, computed at compile time in
// float64 from a model's `schedule` setting, and the per-timestep coefficients that the
// training step (schedule_coef nodes) and the samplers' iteration tables are made of.
//
// 1. linear(steps T, beta_start, beta_end): beta_t = beta_start + (beta_end - beta_start) t/(T-1);
//    alpha_bar_t = prod_{s<=t} (1 - beta_s) (Ho et al. 2020).
// 2. cosine(steps, s): f(u) = cos^2((u + s)/(1 + s) pi/2), alpha_bar_t = f((t+1)/T) / f(0)
//    (Nichol & Dhariwal 2021).
// 3. sigmoid(steps, start, end, tau): g(u) = sigmoid((start + (end - start) u) / tau),
//    alpha_bar_t = (g(1) - g((t+1)/T)) / (g(1) - g(0)) (Jabri et al. 2022).
// For 2 and 3 the betas 1 - alpha_bar_t/alpha_bar_{t-1} are clipped to 0.999 and alpha_bar
// is recomputed from them, so every schedule is a product of its betas.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.h"

namespace genc::lower {

struct ScheduleSpec {
  std::string kind = "linear";  ///< "linear" | "cosine" | "sigmoid"
  int64_t steps = 1000;
  double beta_start = 1e-4, beta_end = 0.02;  ///< linear
  double s = 0.008;                           ///< cosine
  double start = -3.0, end = 3.0, tau = 1.0;  ///< sigmoid

  /// From a model's table-checked `schedule NAME = KIND(...)` setting.
  static ScheduleSpec of_setting(const ir::Setting& schedule);
  /// From a schedule_coef node's attributes (those attrs() writes).
  static ScheduleSpec of_attrs(const ir::Attrs& attrs);
  /// The schedule_coef attributes that describe it.
  ir::Attrs attrs() const;
  /// "cosine(steps: 1000, s: 0.008)".
  std::string str() const;
  /// Why the parameters give no usable schedule ({value, option, expected} for
  /// InvalidOptionValue, reported at that option), or nullopt.
  std::optional<std::vector<std::string>> error() const;
};

/// alpha_bar_t for t = 0..T-1, decreasing, in (0, 1).
std::vector<double> alpha_bars(const ScheduleSpec& spec);

/// Coefficient `coef` of a schedule_coef node at every t: sqrt_alpha_bar,
/// sqrt_one_minus_alpha_bar, or the min-SNR weight of a target (min_snr_eps: min(snr, g)/snr,
/// min_snr_x0: min(snr, g), min_snr_v: min(snr, g)/(snr + 1), snr = ab/(1 - ab)).
std::vector<double> schedule_coefficients(const ScheduleSpec& spec, const std::string& coef, double gamma);

}  // namespace genc::lower
