// A train block's settings as one typed struct (no LibTorch): what the runtime's Executor
// and Trainer read and what the CLI overrides (--steps, --epochs, --seed, --device).
// train_config() builds it from the table-checked settings; a default TrainConfig is that
// of a train block without settings. Its defaults are options.def's, through the
// generated structs of options.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "compiler/ir/options.h"
#include "compiler/ir/program.h"

namespace genc::ir {

/// `optimizer adam|adamw|sgd|rmsprop(...)`: one struct for every kind. The kind's options
/// set their fields; the others keep these values (the default kind's, adam's).
struct OptimizerConfig {
  std::string kind = OptimizerSetting{}.kind;
  double lr = AdamOptions{}.lr;
  double beta1 = AdamOptions{}.betas[0], beta2 = AdamOptions{}.betas[1];
  double eps = AdamOptions{}.eps;
  double weight_decay = AdamOptions{}.weight_decay;
  double momentum = SgdOptions{}.momentum;  ///< sgd, rmsprop
  bool nesterov = SgdOptions{}.nesterov;    ///< sgd
  double alpha = RmspropOptions{}.alpha;    ///< rmsprop's smoothing
};

/// `lr_schedule cosine | step | warmup`, in optimizer steps (iterations); kind "constant"
/// when the train block has none. cosine decays from lr to min_lr over the whole run after
/// a linear warmup; step multiplies by gamma every `every` iterations; warmup ramps
/// linearly from lr/warmup to lr over the first `warmup` iterations, then holds.
struct ScheduleConfig {
  std::string kind = "constant";
  int64_t warmup = CosineLrOptions{}.warmup;  ///< cosine's warmup, warmup's steps
  double min_lr = CosineLrOptions{}.min_lr;
  int64_t every = StepLrOptions{}.every;
  double gamma = StepLrOptions{}.gamma;

  /// The learning-rate factor at iteration `step` (0-based) of `total`.
  double factor(int64_t step, int64_t total, double lr) const;
};

/// When something happens: every `every` units.
struct Every {
  int64_t every = 0;           ///< 0 = never
  std::string unit = "steps";  ///< "steps" or "epochs"
};

struct TrainConfig {
  int64_t batch = BatchSetting{}.value;
  std::optional<int64_t> epochs;  ///< neither set: 1 epoch
  std::optional<int64_t> steps;   ///< iterations; a train block sets one of the two (--steps wins over epochs)
  uint64_t seed = static_cast<uint64_t>(SeedSetting{}.value);
  std::string device = DeviceSetting{}.value;        ///< auto | cpu | cuda
  std::string precision = PrecisionSetting{}.value;  ///< fp32 | bf16 | fp16
  bool cuda_graph = CudaGraphSetting{}.value == "on";  ///< capture iterations on CUDA
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  double clip_grad = 0.0;  ///< max gradient norm per step; 0 = off
  double ema = 0.0;        ///< EMA decay of the parameters; 0 = off
  Every log{LogSetting{}.every, LogSetting{}.unit};
  Every checkpoint;
  std::string checkpoint_dir = CheckpointSetting{}.dir;
  Every eval;
  std::string eval_data;
  Every sample;
  int64_t sample_n = SampleSetting{}.n;
  std::string sample_dir = SampleSetting{}.dir;
};

/// The settings of a table-checked train block (sema's, or a verified .gir's) as a
/// TrainConfig. Cannot fail.
TrainConfig train_config(const Train& train);

}  // namespace genc::ir
