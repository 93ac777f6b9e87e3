// The option table (compiler/ir/options.def) and its typed structs: sema's settings read as
// ElboOptions, GanOptions, ..., and train blocks as TrainConfig with today's defaults; the
// table is consistent with itself and with sema's signatures; the verifier checks settings.
#include "compiler/ir/option_table.h"
#include "compiler/ir/options.h"
#include "compiler/ir/train_config.h"
#include "compiler/ir/verifier.h"
#include "compiler/sema/options.h"
#include "sema_test_util.h"

namespace genc::test {
namespace {

const char* kGan = R"gen(data d = moons(n: 100)
model m(k: 8) {
  generator G(z: [k]) -> [2] {
    return z |> linear(2)
  }
  discriminator D(x: [2]) -> [1] {
    return x |> linear(1)
  }
  objective gan(loss: "hinge", gp: 5)
}
)gen";

const char* kVae = R"gen(data d = moons(n: 100)
model vae() {
  encoder q(x: [2]) -> gaussian {
    return gaussian(mean: linear(x, 2), logvar: linear(x, 2))
  }
  decoder p(z: [2]) -> gaussian {
    return gaussian(mean: linear(z, 2), logvar: linear(z, 2))
  }
  objective elbo(beta: 0.5)
}
)gen";

std::unique_ptr<Analyzed> analyzed(const std::string& text) {
  auto a = analyze(text);
  EXPECT_TRUE(a->program) << a->rendered();
  return a;
}

ir::TrainConfig config_of(const std::string& text) {
  auto a = analyzed(text);
  return a->program ? ir::train_config(a->program->trains.at(0)) : ir::TrainConfig{};
}

TEST(Options, ObjectivesReadAsTheirStructsWithDefaults) {
  auto vae = analyzed(kVae);
  ir::ElboOptions elbo = ir::read_options<ir::ElboOptions>(*vae->model().objective);
  EXPECT_DOUBLE_EQ(elbo.beta, 0.5);
  EXPECT_EQ(elbo.samples, 1);
  EXPECT_EQ(elbo.iw, 0);
  auto gan = analyzed(kGan);
  ir::GanOptions g = ir::read_options<ir::GanOptions>(*gan->model().objective);
  EXPECT_EQ(g.loss, "hinge");
  EXPECT_EQ(g.d_steps, 1);
  EXPECT_DOUBLE_EQ(g.gp, 5.0);  // an integer for a number option
}

TEST(Options, SamplersAndSchedulesReadAsTheirStructs) {
  auto a = analyzed(R"gen(model m() {
  schedule s = linear(steps: 100)
  denoiser e(x: [2], t: time) -> [2] {
    return x |> linear(2)
  }
  objective denoise(predict: "v")
  sampler ddim(steps: 20)
}
)gen");
  const ir::Model& m = a->model();
  EXPECT_EQ(ir::read_options<ir::DenoiseOptions>(*m.objective).predict, "v");
  EXPECT_DOUBLE_EQ(ir::read_options<ir::DenoiseOptions>(*m.objective).cfg_dropout, 0.0);
  ir::DdimOptions ddim = ir::read_options<ir::DdimOptions>(*m.sampler);
  EXPECT_EQ(ddim.steps, 20);
  EXPECT_DOUBLE_EQ(ddim.eta, 0.0);
  ASSERT_EQ(m.schedules.size(), 1u);
  ir::LinearScheduleOptions s = ir::read_options<ir::LinearScheduleOptions>(m.schedules[0]);
  EXPECT_EQ(s.steps, 100);
  EXPECT_DOUBLE_EQ(s.beta_start, 1e-4);
  EXPECT_DOUBLE_EQ(s.beta_end, 0.02);
}

TEST(Options, EverySettingReachesTheTrainConfig) {
  // A VAE: it both evaluates and samples, so every setting can take effect.
  ir::TrainConfig c = config_of(std::string(kVae) + R"gen(data t = moons(n: 50)
train vae on d {
  batch 32
  steps 1000
  seed 7
  device cuda
  precision bf16
  clip_grad 1
  ema 0.999
  optimizer sgd(lr: 0.1, momentum: 0.9)
  lr_schedule cosine(warmup: 100)
  checkpoint every 2 epochs to "ck"
  log every 50
  eval on t every 500 steps
  sample 16 to "out"
}
)gen");
  EXPECT_EQ(c.batch, 32);
  EXPECT_EQ(c.steps, 1000);
  EXPECT_FALSE(c.epochs.has_value());
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.device, "cuda");
  EXPECT_EQ(c.precision, "bf16");
  EXPECT_DOUBLE_EQ(c.clip_grad, 1.0);
  EXPECT_DOUBLE_EQ(c.ema, 0.999);
  EXPECT_EQ(c.optimizer.kind, "sgd");
  EXPECT_DOUBLE_EQ(c.optimizer.lr, 0.1);
  EXPECT_DOUBLE_EQ(c.optimizer.momentum, 0.9);
  EXPECT_DOUBLE_EQ(c.optimizer.weight_decay, 0.0);
  EXPECT_FALSE(c.optimizer.nesterov);
  EXPECT_EQ(c.schedule.kind, "cosine");
  EXPECT_EQ(c.schedule.warmup, 100);
  EXPECT_DOUBLE_EQ(c.schedule.min_lr, 0.0);
  EXPECT_EQ(c.checkpoint.every, 2);
  EXPECT_EQ(c.checkpoint.unit, "epochs");
  EXPECT_EQ(c.checkpoint_dir, "ck");
  EXPECT_EQ(c.log.every, 50);
  EXPECT_EQ(c.log.unit, "steps");
  EXPECT_EQ(c.eval.every, 500);
  EXPECT_EQ(c.eval.unit, "steps");
  EXPECT_EQ(c.eval_data, "t");
  EXPECT_EQ(c.sample.every, 1);
  EXPECT_EQ(c.sample.unit, "epochs");
  EXPECT_EQ(c.sample_n, 16);
  EXPECT_EQ(c.sample_dir, "out");
}

void expect_same(const ir::Every& a, const ir::Every& b, const char* what) {
  EXPECT_EQ(a.every, b.every) << what;
  EXPECT_EQ(a.unit, b.unit) << what;
}

/// Every field of `a` equals `b`'s.
void expect_same(const ir::TrainConfig& a, const ir::TrainConfig& b) {
  EXPECT_EQ(a.batch, b.batch);
  EXPECT_EQ(a.epochs, b.epochs);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.precision, b.precision);
  const ir::OptimizerConfig &o = a.optimizer, &p = b.optimizer;
  EXPECT_EQ(o.kind, p.kind);
  EXPECT_EQ(o.lr, p.lr);
  EXPECT_EQ(o.beta1, p.beta1);
  EXPECT_EQ(o.beta2, p.beta2);
  EXPECT_EQ(o.eps, p.eps);
  EXPECT_EQ(o.weight_decay, p.weight_decay);
  EXPECT_EQ(o.momentum, p.momentum);
  EXPECT_EQ(o.nesterov, p.nesterov);
  EXPECT_EQ(o.alpha, p.alpha);
  const ir::ScheduleConfig &s = a.schedule, &t = b.schedule;
  EXPECT_EQ(s.kind, t.kind);
  EXPECT_EQ(s.warmup, t.warmup);
  EXPECT_EQ(s.min_lr, t.min_lr);
  EXPECT_EQ(s.every, t.every);
  EXPECT_EQ(s.gamma, t.gamma);
  EXPECT_EQ(a.clip_grad, b.clip_grad);
  EXPECT_EQ(a.ema, b.ema);
  expect_same(a.log, b.log, "log");
  expect_same(a.checkpoint, b.checkpoint, "checkpoint");
  EXPECT_EQ(a.checkpoint_dir, b.checkpoint_dir);
  expect_same(a.eval, b.eval, "eval");
  EXPECT_EQ(a.eval_data, b.eval_data);
  expect_same(a.sample, b.sample, "sample");
  EXPECT_EQ(a.sample_n, b.sample_n);
  EXPECT_EQ(a.sample_dir, b.sample_dir);
}

TEST(Options, AnEmptyTrainBlockIsTheDefaultTrainConfig) {
  ir::TrainConfig c = config_of(std::string(kGan) + "train m on d { }\n");
  expect_same(c, ir::TrainConfig{});
  // The values training used before the table (PyTorch's defaults for adam).
  EXPECT_EQ(c.batch, 64);
  EXPECT_FALSE(c.epochs || c.steps);
  EXPECT_EQ(c.seed, 0u);
  EXPECT_EQ(c.device, "auto");
  EXPECT_EQ(c.precision, "fp32");
  EXPECT_EQ(c.optimizer.kind, "adam");
  EXPECT_DOUBLE_EQ(c.optimizer.lr, 1e-3);
  EXPECT_DOUBLE_EQ(c.optimizer.beta1, 0.9);
  EXPECT_DOUBLE_EQ(c.optimizer.beta2, 0.999);
  EXPECT_DOUBLE_EQ(c.optimizer.eps, 1e-8);
  EXPECT_DOUBLE_EQ(c.optimizer.weight_decay, 0.0);
  EXPECT_DOUBLE_EQ(c.optimizer.momentum, 0.0);
  EXPECT_DOUBLE_EQ(c.optimizer.alpha, 0.99);
  EXPECT_EQ(c.schedule.kind, "constant");
  EXPECT_DOUBLE_EQ(c.clip_grad, 0.0);
  EXPECT_DOUBLE_EQ(c.ema, 0.0);
  EXPECT_EQ(c.log.every, 100);
  EXPECT_EQ(c.log.unit, "steps");
  EXPECT_EQ(c.checkpoint.every, 0);
  EXPECT_EQ(c.checkpoint_dir, "checkpoints");
  EXPECT_EQ(c.eval.every, 0);
  EXPECT_EQ(c.sample.every, 0);
  EXPECT_EQ(c.sample_n, 64);
  EXPECT_EQ(c.sample_dir, "samples");
}

TEST(Options, EachOptimizerKindHasItsOwnDefaults) {
  auto optimizer = [](const char* kind) {
    return config_of(std::string(kGan) + "train m on d { optimizer " + kind + " }\n").optimizer;
  };
  ir::TrainConfig adam = config_of(std::string(kGan) + "train m on d { optimizer adam }\n");
  expect_same(adam, ir::TrainConfig{});
  ir::OptimizerConfig adamw = optimizer("adamw");
  EXPECT_EQ(adamw.kind, "adamw");
  EXPECT_DOUBLE_EQ(adamw.lr, 1e-3);
  EXPECT_DOUBLE_EQ(adamw.weight_decay, 0.01);
  ir::OptimizerConfig sgd = optimizer("sgd");
  EXPECT_DOUBLE_EQ(sgd.lr, 0.01);
  EXPECT_DOUBLE_EQ(sgd.weight_decay, 0.0);
  ir::OptimizerConfig rmsprop = optimizer("rmsprop");
  EXPECT_DOUBLE_EQ(rmsprop.lr, 0.01);
  EXPECT_DOUBLE_EQ(rmsprop.alpha, 0.99);
  EXPECT_DOUBLE_EQ(rmsprop.eps, 1e-8);
  ir::TrainConfig warmup = config_of(std::string(kGan) + "train m on d { lr_schedule warmup }\n");
  EXPECT_EQ(warmup.schedule.kind, "warmup");
  EXPECT_EQ(warmup.schedule.warmup, 1000);
  ir::TrainConfig step =
      config_of(std::string(kGan) + "train m on d { lr_schedule step(every: 10) }\n");
  EXPECT_EQ(step.schedule.every, 10);
  EXPECT_DOUBLE_EQ(step.schedule.gamma, 0.1);
}

TEST(Options, AMissingOptionTakesItsDefault) {
  ir::Setting s{"elbo", {{"samples", int64_t{4}}}, {}};
  ir::ElboOptions o = ir::read_options<ir::ElboOptions>(s);
  EXPECT_DOUBLE_EQ(o.beta, 1.0);
  EXPECT_EQ(o.samples, 4);
  EXPECT_TRUE(ir::check_setting(ir::Group::Objective, s).empty());
}

TEST(Options, TheTableFitsItself) {
  for (const ir::ConstructSpec& c : ir::option_constructs()) {
    EXPECT_NE(ir::group_spec(c.group).name, "") << c.name;
    for (const ir::OptionSpec& o : c.options) {
      EXPECT_FALSE(o.doc.empty()) << c.name << "." << o.name;
      if (o.default_value) {
        EXPECT_EQ(ir::check_value(o, *o.default_value), std::nullopt)
            << "the default of " << c.name << "." << o.name << " is outside its range";
      }
    }
    // sema's signature is the table's options in their order, without Kind options.
    if (c.group == ir::Group::Train) continue;
    const sema::Signature* sig = sema::option_table(c.group).find(c.name);
    ASSERT_NE(sig, nullptr) << c.name;
    std::vector<std::string> names;
    for (const ir::OptionSpec& o : c.options) names.push_back(o.name);
    EXPECT_EQ(sig->param_names(), names) << c.name;
  }
}

TEST(Options, TheVerifierChecksSettingsAgainstTheTable) {
  auto a = analyzed(std::string(kVae) + "train vae on d { batch 8 }\n");
  ir::Program p = *a->program;
  EXPECT_TRUE(ir::verify(p).empty());
  p.models[0].objective->args["beta"] = -1.0;
  p.models[0].objective->args["temperature"] = 2.0;
  p.trains[0].settings[0].args["value"] = std::string("many");
  EXPECT_EQ(ir::verify(p), (std::vector<std::string>{
                               "model vae, objective elbo: invalid value -1.0 for 'beta': expected "
                               "a number >= 0",
                               "model vae, objective elbo: 'elbo' has no option 'temperature'",
                               "train vae on d, batch: invalid value \"many\" for 'value': "
                               "expected an integer >= 1"}));
}

}  // namespace
}  // namespace genc::test
