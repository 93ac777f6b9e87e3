// train_config(): each train setting's generated struct applied to a TrainConfig, and the
// learning-rate schedules' factors.
#include "compiler/ir/train_config.h"

#include <algorithm>
#include <cmath>

#include "compiler/support/diagnostics.h"

namespace genc::ir {
namespace {

// --- optimizer kinds

template <class Adam>
void set_adam(const Adam& a, OptimizerConfig& o) {
  o.lr = a.lr;
  o.beta1 = a.betas[0];
  o.beta2 = a.betas[1];
  o.eps = a.eps;
  o.weight_decay = a.weight_decay;
}

void set(const AdamOptions& a, OptimizerConfig& o) { set_adam(a, o); }
void set(const AdamwOptions& a, OptimizerConfig& o) { set_adam(a, o); }

void set(const SgdOptions& a, OptimizerConfig& o) {
  o.lr = a.lr;
  o.momentum = a.momentum;
  o.weight_decay = a.weight_decay;
  o.nesterov = a.nesterov;
}

void set(const RmspropOptions& a, OptimizerConfig& o) {
  o.lr = a.lr;
  o.alpha = a.alpha;
  o.eps = a.eps;
  o.momentum = a.momentum;
  o.weight_decay = a.weight_decay;
}

// --- lr_schedule kinds

void set(const CosineLrOptions& a, ScheduleConfig& c) {
  c.warmup = a.warmup;
  c.min_lr = a.min_lr;
}

void set(const StepLrOptions& a, ScheduleConfig& c) {
  c.every = a.every;
  c.gamma = a.gamma;
}

void set(const WarmupLrOptions& a, ScheduleConfig& c) { c.warmup = a.steps; }

/// `Config` with `kind` and the options of construct `kind` of group G, read from `s`.
template <Group G, class Config>
Config of_kind(const std::string& kind, const Setting& s) {
  Config c;
  c.kind = kind;
  bool known = visit_construct<G>(kind, [&](auto tag) { set(read_options<decltype(tag)>(s), c); });
  GENC_ASSERT(known, "unchecked train setting '" + s.name + "' of kind '" + kind + "'");
  return c;
}

// --- train settings

Every every(int64_t n, const std::string& unit) { return {n, unit}; }

void apply(const BatchSetting& v, const Setting&, TrainConfig& c) { c.batch = v.value; }
void apply(const EpochsSetting& v, const Setting&, TrainConfig& c) { c.epochs = v.value; }
void apply(const StepsSetting& v, const Setting&, TrainConfig& c) { c.steps = v.value; }
void apply(const SeedSetting& v, const Setting&, TrainConfig& c) {
  c.seed = static_cast<uint64_t>(v.value);
}
void apply(const ClipGradSetting& v, const Setting&, TrainConfig& c) { c.clip_grad = v.value; }
void apply(const EmaSetting& v, const Setting&, TrainConfig& c) { c.ema = v.value; }
void apply(const OptimizerSetting& v, const Setting& s, TrainConfig& c) {
  c.optimizer = of_kind<Group::Optimizer, OptimizerConfig>(v.kind, s);
}
void apply(const LrScheduleSetting& v, const Setting& s, TrainConfig& c) {
  c.schedule = of_kind<Group::LrSchedule, ScheduleConfig>(v.kind, s);
}
void apply(const DeviceSetting& v, const Setting&, TrainConfig& c) { c.device = v.value; }
void apply(const PrecisionSetting& v, const Setting&, TrainConfig& c) { c.precision = v.value; }
void apply(const CudaGraphSetting& v, const Setting&, TrainConfig& c) { c.cuda_graph = v.value == "on"; }
void apply(const CheckpointSetting& v, const Setting&, TrainConfig& c) {
  c.checkpoint = every(v.every, v.unit);
  c.checkpoint_dir = v.dir;
}
void apply(const LogSetting& v, const Setting&, TrainConfig& c) { c.log = every(v.every, v.unit); }
void apply(const EvalSetting& v, const Setting&, TrainConfig& c) {
  c.eval = every(v.every, v.unit);
  c.eval_data = v.data;
}
void apply(const SampleSetting& v, const Setting&, TrainConfig& c) {
  c.sample = every(v.every, v.unit);
  c.sample_n = v.n;
  c.sample_dir = v.dir;
}

}  // namespace

TrainConfig train_config(const Train& train) {
  TrainConfig c;
  for (const Setting& s : train.settings) {
    bool known = visit_construct<Group::Train>(
        s.name, [&](auto tag) { apply(read_options<decltype(tag)>(s), s, c); });
    GENC_ASSERT(known, "unchecked train setting '" + s.name + "'");
  }
  return c;
}

double ScheduleConfig::factor(int64_t step, int64_t total, double lr) const {
  auto ramp = [&](int64_t n) { return static_cast<double>(step + 1) / static_cast<double>(n); };
  if (kind == WarmupLrOptions::kName) return step < warmup ? ramp(warmup) : 1.0;
  if (kind == StepLrOptions::kName) return std::pow(gamma, static_cast<double>(step / every));
  if (kind == CosineLrOptions::kName) {
    if (step < warmup) return ramp(warmup);
    int64_t span = std::max<int64_t>(1, total - warmup);
    double progress = std::min(1.0, static_cast<double>(step - warmup) / static_cast<double>(span));
    double floor = lr > 0 ? min_lr / lr : 0.0;
    return floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
  }
  return 1.0;
}

}  // namespace genc::ir
