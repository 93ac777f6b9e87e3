// A `train` block's settings as plain values (no LibTorch): what the Executor and the
// Trainer read, and what the CLI overrides (--steps, --epochs, --seed, --device).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/support/diagnostics.h"

namespace genc::runtime {

/// `optimizer adam|adamw|sgd|rmsprop(lr:, betas: [b1, b2], eps:, weight_decay:, momentum:,
/// nesterov:, alpha:)`. Defaults are PyTorch's (sema fills them in per kind).
struct OptimizerConfig {
  std::string kind = "adam";
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;  ///< sgd, rmsprop
  bool nesterov = false;  ///< sgd
  double alpha = 0.99;    ///< rmsprop's smoothing
};

/// `lr_schedule cosine(warmup: 0, min_lr: 0) | step(every: N, gamma: 0.1) | warmup(steps: N)`,
/// in optimizer steps (iterations). cosine decays from lr to min_lr over the whole run
/// after a linear warmup; step multiplies by gamma every N iterations; warmup ramps
/// linearly from lr/steps to lr over the first N iterations, then holds.
struct ScheduleConfig {
  std::string kind = "constant";
  int64_t warmup = 0;
  double min_lr = 0.0;
  int64_t every = 0;
  double gamma = 0.1;

  /// The learning-rate factor at iteration `step` (0-based) of `total`.
  double factor(int64_t step, int64_t total, double lr) const;
};

/// When something happens: every `every` units.
struct Every {
  int64_t every = 0;           ///< 0 = never
  std::string unit = "steps";  ///< "steps" or "epochs"
};

struct TrainConfig {
  int64_t batch = 64;
  std::optional<int64_t> epochs;  ///< neither set: 1 epoch
  std::optional<int64_t> steps;   ///< iterations; wins over epochs when both are set
  uint64_t seed = 0;
  std::string device = "auto";     ///< auto | cpu | cuda
  std::string precision = "fp32";  ///< fp32 | bf16 | fp16
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  double clip_grad = 0.0;  ///< max gradient norm per step; 0 = off
  double ema = 0.0;        ///< EMA decay of the parameters; 0 = off
  Every log{100, "steps"};
  Every checkpoint;
  std::string checkpoint_dir = "checkpoints";
  Every eval;
  std::string eval_data;
  Every sample;
  int64_t sample_n = 64;
  std::string sample_dir = "samples";
};

/// Reads `train`'s settings; bad option names and values are reported at the setting
/// (UnknownArgument, ArgumentType, InvalidOptionValue) and give nullopt.
std::optional<TrainConfig> train_config(const ir::Train& train, DiagnosticEngine& diags);

}  // namespace genc::runtime
