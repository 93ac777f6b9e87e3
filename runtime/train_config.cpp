// Reads a `train` block's settings into a TrainConfig, and the learning-rate schedules.
#include "runtime/train_config.h"

#include <cmath>

#include "compiler/lower/option_reader.h"

namespace genc::runtime {
namespace {

using lower::OptionReader;

Every read_every(OptionReader& r, Every fallback) {
  Every e;
  e.every = r.non_negative_int("every", fallback.every);
  e.unit = r.choice("unit", fallback.unit, {"steps", "epochs"});
  return e;
}

void read_optimizer(OptionReader& r, OptimizerConfig& o) {
  o.kind = r.choice("kind", "adam", {"adam", "adamw", "sgd", "rmsprop"});
  if (o.kind == "adamw") o.weight_decay = 0.01;
  o.lr = r.number("lr", o.lr, /*positive=*/true);
  std::vector<double> betas = r.numbers("betas", {o.beta1, o.beta2}, 2);
  o.beta1 = betas[0];
  o.beta2 = betas[1];
  o.eps = r.number("eps", o.eps, true);
  o.weight_decay = r.non_negative("weight_decay", o.weight_decay);
  o.momentum = r.non_negative("momentum", o.momentum);
  o.nesterov = r.boolean("nesterov", o.nesterov);
  o.alpha = r.non_negative("alpha", o.alpha);
}

void read_schedule(OptionReader& r, ScheduleConfig& s) {
  s.kind = r.choice("kind", "constant", {"cosine", "step", "warmup"});
  if (s.kind == "cosine") {
    s.warmup = r.non_negative_int("warmup", 0);
    s.min_lr = r.non_negative("min_lr", 0.0);
  } else if (s.kind == "step") {
    s.every = r.positive_int("every", 1000);
    s.gamma = r.number("gamma", 0.1, true);
  } else if (s.kind == "warmup") {
    s.warmup = r.positive_int("steps", 1000);
  }
}

}  // namespace

double ScheduleConfig::factor(int64_t step, int64_t total, double lr) const {
  auto ramp = [&](int64_t n) { return static_cast<double>(step + 1) / static_cast<double>(n); };
  if (kind == "warmup") return step < warmup ? ramp(warmup) : 1.0;
  if (kind == "step") return std::pow(gamma, static_cast<double>(step / every));
  if (kind == "cosine") {
    if (step < warmup) return ramp(warmup);
    int64_t span = std::max<int64_t>(1, total - warmup);
    double progress = std::min(1.0, static_cast<double>(step - warmup) / static_cast<double>(span));
    double floor = lr > 0 ? min_lr / lr : 0.0;
    return floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
  }
  return 1.0;
}

std::optional<TrainConfig> train_config(const ir::Train& train, DiagnosticEngine& diags) {
  TrainConfig c;
  bool ok = true;
  for (const ir::Setting& s : train.settings) {
    OptionReader r(s, diags);
    const std::string& key = s.name;
    if (key == "batch") {
      c.batch = r.positive_int("value", c.batch);
    } else if (key == "epochs") {
      c.epochs = r.positive_int("value", 1);
    } else if (key == "steps") {
      c.steps = r.positive_int("value", 1);
    } else if (key == "seed") {
      c.seed = static_cast<uint64_t>(r.non_negative_int("value", 0));
    } else if (key == "clip_grad") {
      c.clip_grad = r.number("value", 0.0, true);
    } else if (key == "ema") {
      c.ema = r.number("value", 0.0, true);
      if (c.ema >= 1.0) {
        diags.report(DiagKind::InvalidOptionValue, s.loc, {ir::attr_str(s.args.at("value")), "ema", "a decay in (0, 1)"});
        ok = false;
      }
    } else if (key == "device") {
      c.device = r.choice("value", "auto", {"auto", "cpu", "cuda"});
    } else if (key == "precision") {
      c.precision = r.choice("value", "fp32", {"fp32", "bf16", "fp16"});
    } else if (key == "optimizer") {
      read_optimizer(r, c.optimizer);
    } else if (key == "lr_schedule") {
      read_schedule(r, c.schedule);
    } else if (key == "log") {
      c.log = read_every(r, c.log);
    } else if (key == "checkpoint") {
      c.checkpoint = read_every(r, {1, "epochs"});
      c.checkpoint_dir = r.string("dir", c.checkpoint_dir);
    } else if (key == "eval") {
      c.eval = read_every(r, {1, "epochs"});
      c.eval_data = r.string("data", "");
    } else if (key == "sample") {
      c.sample = read_every(r, {1, "epochs"});
      c.sample_n = r.positive_int("n", c.sample_n);
      c.sample_dir = r.string("dir", c.sample_dir);
    } else {
      diags.report(DiagKind::UnknownTrainSetting, s.loc, {key});
      ok = false;
      continue;
    }
    ok = r.done() && ok;
  }
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace genc::runtime
