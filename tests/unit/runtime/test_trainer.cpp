// Trainer tests: metrics.jsonl, evaluation, sample grids, checkpoints and exact resumption
// (the losses after resuming equal an uninterrupted run on the CPU), damaged checkpoints
// refused by the reader, and the stop on a non-finite loss.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <torch/serialize.h>

#include "runtime/checkpoint.h"
#include "runtime/errors.h"
#include "runtime/trainer.h"
#include "tests/unit/runtime/exec_test_util.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime::testing {
namespace {

const char* kToyVae = R"gen(
data moons = moons(n: 320, noise: 0.05)
data moons_test = moons(n: 96, noise: 0.05)
model vae(latent: 2, hidden: 16) {
  encoder q(x: [2]) -> gaussian {
    h = x |> linear(hidden) |> relu
    return gaussian(mean: linear(h, latent), logvar: linear(h, latent))
  }
  decoder p(z: [latent]) -> gaussian {
    h = z |> linear(hidden) |> tanh
    return gaussian(mean: linear(h, 2), logvar: linear(h, 2))
  }
  objective elbo(iw: 4)
}
train vae on moons {
  batch 32
  optimizer adam(lr: 1e-2)
  lr_schedule cosine(warmup: 3)
  ema 0.9
  steps 24
  seed 7
  log every 1
  eval on moons_test every 6
  checkpoint every 12
}
)gen";

const char* kToyGan = R"gen(
data moons = moons(n: 320, noise: 0.05)
model gan(nz: 4) {
  generator G(z: [nz]) -> [2] {
    return z |> linear(16) |> batchnorm |> relu |> linear(2)
  }
  discriminator D(x: [2]) -> [1] {
    return x |> linear(16) |> leaky_relu(0.2) |> linear(1)
  }
  objective gan(loss: "wgan-gp", d_steps: 2)
}
train gan on moons {
  batch 32
  optimizer adam(lr: 1e-3, betas: [0.5, 0.9])
  clip_grad 5.0
  steps 12
  seed 3
  log every 1
  checkpoint every 6
}
)gen";

std::vector<nlohmann::json> read_metrics(const std::string& dir) {
  std::ifstream in(dir + "/metrics.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

/// One compiled source, trained into `out`.
struct ToyRun {
  std::unique_ptr<Compiled> compiled;
  lower::TrainingProgram plan;
  TrainConfig config;
  std::ostringstream progress;
  bool prefetch_from_host = false;

  explicit ToyRun(const char* text)
      : compiled(compile(text)), plan(lower_first(*compiled)), config(ir::train_config(compiled->train())) {}
  std::unique_ptr<Trainer> trainer(const std::string& out) {
    TrainerOptions o;
    o.out_dir = out;
    o.source_path = "toy.gen";
    o.source_text = "// the source";
    o.overrides = {{"vae.hidden", "16"}};
    o.device = "cpu";
    o.progress = &progress;
    o.prefetch_from_host = prefetch_from_host;
    return std::make_unique<Trainer>(*compiled->program, 0, plan, config, o);
  }
};

std::vector<double> train_losses(const std::vector<nlohmann::json>& metrics) {
  std::vector<double> out;
  for (const auto& m : metrics)
    if (m["split"] == "train") out.push_back(m["loss"].get<double>());
  return out;
}

class Resume : public ::testing::TestWithParam<const char*> {};

TEST_P(Resume, ContinuesExactlyLikeAnUninterruptedRun) {
  TempDir full_dir, part_dir;
  ToyRun full(GetParam());
  int64_t steps = *full.config.steps, half = full.config.checkpoint.every;

  auto ta = full.trainer(full_dir.path());
  TrainSummary a = ta->run();
  EXPECT_EQ(a.steps, steps);
  ASSERT_TRUE(a.checkpoint.has_value());
  EXPECT_EQ(*a.checkpoint, checkpoint_path(full_dir.file("checkpoints"), steps));
  EXPECT_EQ(latest_checkpoint(full_dir.file("checkpoints")), a.checkpoint);

  // Continue from the middle checkpoint in a fresh trainer and output directory.
  std::string middle = checkpoint_path(full_dir.file("checkpoints"), half);
  CheckpointMeta meta = read_checkpoint_meta(middle);
  EXPECT_EQ(meta.step, half);
  EXPECT_EQ(meta.source_text, "// the source");
  EXPECT_EQ(meta.overrides, (std::vector<std::pair<std::string, std::string>>{{"vae.hidden", "16"}}));
  ToyRun resumed(GetParam());
  auto t = resumed.trainer(part_dir.path());
  t->resume(middle);
  EXPECT_EQ(t->executor().iteration(), half);
  TrainSummary b = t->run();
  EXPECT_EQ(b.steps, steps);

  std::vector<double> expected = train_losses(read_metrics(full_dir.path()));
  std::vector<double> got = train_losses(read_metrics(part_dir.path()));
  ASSERT_EQ(expected.size(), static_cast<size_t>(steps));
  ASSERT_EQ(got.size(), static_cast<size_t>(steps - half));
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[half + i]) << "step " << half + i + 1;
  ASSERT_EQ(a.last.size(), b.last.size());
  for (size_t s = 0; s < a.last.size(); ++s) EXPECT_EQ(a.last[s].host(), b.last[s].host());
  auto pa = ta->executor().params().named_parameters(), pb = t->executor().params().named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(at::equal(pa[i].second, pb[i].second)) << pa[i].first;
}

INSTANTIATE_TEST_SUITE_P(VaeAndGan, Resume, ::testing::Values(kToyVae, kToyGan),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.index == 0 ? "Vae" : "WganGp");
                         });

// Batches gathered by the prefetch thread (the path of data too large for a GPU) are the
// resident batcher's: the same losses, also after resuming from the middle checkpoint.
/// The message read_checkpoint_meta(path) throws, or "" when it reads the file.
std::string checkpoint_refusal(const std::string& path) {
  try {
    (void)read_checkpoint_meta(path);
  } catch (const RuntimeUserError& e) {
    return e.what();
  }
  return "";
}

uint32_t read_le32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[at + i]);
  return v;
}
void write_le32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i) & 0xFF);
}

// The reading side of a checkpoint (the code the checkpoint fuzzer drives): a real checkpoint
// reads back, and each kind of damage its zip check knows is refused with the path and the
// reason, before LibTorch's reader sees the file.
TEST(CheckpointRead, ReadsARealCheckpointAndRefusesDamagedOnes) {
  TempDir dir;
  ToyRun run(kToyVae);
  run.trainer(dir.path())->run();
  const std::string good = checkpoint_path(dir.file("checkpoints"), 12);
  CheckpointMeta meta = read_checkpoint_meta(good);
  EXPECT_EQ(meta.model, "vae");
  EXPECT_EQ(meta.step, 12);
  EXPECT_EQ(meta.source_path, "toy.gen");
  torch::serialize::InputArchive archive;
  open_checkpoint(good, archive);
  RunState state = read_run_state(good, archive);
  EXPECT_EQ(state.batcher.epoch, meta.epoch);
  EXPECT_EQ(state.batcher.epoch * 10 + state.batcher.batch, 12);  // 320 examples in batches of 32

  const std::string bytes = read_all(good);
  const size_t eocd = bytes.rfind(std::string("PK\x05\x06", 4));
  ASSERT_NE(eocd, std::string::npos);
  const size_t directory = read_le32(bytes, eocd + 16);
  // An entry of the directory and where its data starts, as the zip format lays them out.
  struct Entry {
    size_t at, data;
    std::string name;
  };
  auto le16 = [&](size_t at) { return read_le32(bytes, at) & 0xFFFF; };
  auto first_entry = [&](auto wanted) -> std::optional<Entry> {
    for (size_t at = directory; at + 46 < eocd; at += 46 + le16(at + 28) + le16(at + 30) + le16(at + 32)) {
      size_t local = read_le32(bytes, at + 42);
      if (wanted(at)) return Entry{at, local + 30 + le16(local + 26) + le16(local + 28), bytes.substr(at + 46, le16(at + 28))};
    }
    return std::nullopt;
  };
  // LibTorch stores the tensors (the first are often empty) and deflates its code/ files.
  const std::optional<Entry> stored = first_entry([&](size_t at) { return le16(at + 10) == 0 && read_le32(bytes, at + 20) > 0; });
  const std::optional<Entry> deflated = first_entry([&](size_t at) { return le16(at + 10) == 8; });
  ASSERT_TRUE(stored && deflated);

  std::map<std::string, std::pair<std::string, std::string>> damaged;  // name -> bytes, reason
  damaged["truncated"] = {bytes.substr(0, bytes.size() / 2), "no zip directory"};
  std::string zip64 = bytes;
  write_le32(zip64, eocd + 16, 0xFFFFFFFF);
  damaged["zip64_offset"] = {zip64, "a damaged zip directory"};
  std::string more_entries = bytes;
  more_entries[eocd + 10] = static_cast<char>(static_cast<uint8_t>(more_entries[eocd + 10]) + 1);
  damaged["more_entries"] = {more_entries, "a damaged zip directory"};
  std::string moved = bytes;
  write_le32(moved, stored->at + 42, static_cast<uint32_t>(bytes.size() + 100));
  damaged["moved_entry"] = {moved, "a damaged entry '" + stored->name + "'"};
  std::string zip64_size = bytes;  // LibTorch allocated 4 GiB for it (fuzz_checkpoint)
  write_le32(zip64_size, stored->at + 20, 0xFFFFFFFF);
  damaged["zip64_size"] = {zip64_size, "a damaged entry '" + stored->name + "'"};
  std::string patched = bytes;  // the "patched data" flag
  patched[stored->at + 8] = static_cast<char>(patched[stored->at + 8] | 0x20);
  damaged["patched_flag"] = {patched, "a damaged entry '" + stored->name + "'"};
  std::string flipped = bytes;
  flipped[stored->data] = static_cast<char>(flipped[stored->data] ^ 0x5A);
  damaged["flipped_byte"] = {flipped, "a damaged entry '" + stored->name + "' (CRC mismatch)"};
  std::string flipped_code = bytes;  // LibTorch's TorchScript parser segfaulted on one (fuzz_checkpoint)
  flipped_code[deflated->data + 2] = static_cast<char>(flipped_code[deflated->data + 2] ^ 0x5A);
  damaged["flipped_code"] = {flipped_code, "a damaged entry '" + deflated->name + "' ("};
  for (const auto& [name, damage] : damaged) {
    std::string path = dir.write(name + ".pt", damage.first);
    std::string why = checkpoint_refusal(path);
    EXPECT_NE(why.find(path), std::string::npos) << name << ": " << why;
    EXPECT_NE(why.find("not a genc checkpoint (" + damage.second), std::string::npos) << name << ": " << why;
  }

  const std::string foreign = dir.file("foreign.pt");
  torch::save(at::ones({3}), foreign);
  EXPECT_NE(checkpoint_refusal(foreign).find("not a genc checkpoint"), std::string::npos);
  EXPECT_NE(checkpoint_refusal(dir.file("missing.pt")).find("no such file"), std::string::npos);
}

TEST(Trainer, PrefetchedBatchesTrainAndResumeLikeResidentOnes) {
  TempDir resident_dir, prefetch_dir, resumed_dir;
  ToyRun resident(kToyVae), prefetched(kToyVae), resumed(kToyVae);
  prefetched.prefetch_from_host = resumed.prefetch_from_host = true;
  resident.trainer(resident_dir.path())->run();
  prefetched.trainer(prefetch_dir.path())->run();
  EXPECT_NE(prefetched.progress.str().find("kept in host memory, batches prefetched to cpu"), std::string::npos)
      << prefetched.progress.str();
  std::vector<double> expected = train_losses(read_metrics(resident_dir.path()));
  EXPECT_EQ(train_losses(read_metrics(prefetch_dir.path())), expected);

  const int64_t half = resumed.config.checkpoint.every;
  auto t = resumed.trainer(resumed_dir.path());
  t->resume(checkpoint_path(prefetch_dir.file("checkpoints"), half));
  t->run();
  std::vector<double> got = train_losses(read_metrics(resumed_dir.path()));
  EXPECT_EQ(got, std::vector<double>(expected.begin() + half, expected.end()));
}

TEST(Trainer, WritesTrainAndTestMetrics) {
  TempDir dir;
  ToyRun run(kToyVae);
  run.config.checkpoint.every = 0;
  TrainSummary s = run.trainer(dir.path())->run();
  EXPECT_FALSE(s.checkpoint.has_value());
  EXPECT_FALSE(std::filesystem::exists(dir.file("checkpoints")));
  std::vector<nlohmann::json> m = read_metrics(dir.path());
  int tests = 0;
  for (const auto& r : m) {
    EXPECT_TRUE(r.contains("step") && r.contains("epoch") && r.contains("loss"));
    if (r["split"] == "test") {
      ++tests;
      EXPECT_EQ(r["step"].get<int64_t>() % 6, 0);
      // elbo = -(recon + kl); the importance-weighted bound is at least as tight on average.
      EXPECT_NEAR(r["elbo"].get<double>(), -r["loss"].get<double>(), 1e-6);
      EXPECT_TRUE(r.contains("iw_elbo") && r.contains("bpd"));
    } else {
      EXPECT_TRUE(r.contains("recon") && r.contains("kl") && r.contains("lr"));
    }
  }
  EXPECT_EQ(tests, 4);
  EXPECT_NE(run.progress.str().find("eval at step 6"), std::string::npos) << run.progress.str();
}

/// The progress line shows the loss of the last log, never a loss it does not know yet: a
/// one-step run (its only log comes after the step) ends on that step's loss, not "loss 0".
TEST(Trainer, ProgressShowsTheLoggedLoss) {
  TempDir dir;
  ToyRun run(kToyVae);
  run.config.steps = 1;
  run.config.log.every = 100;
  run.trainer(dir.path())->run();
  std::vector<double> losses = train_losses(read_metrics(dir.path()));
  ASSERT_EQ(losses.size(), 1u);
  const std::string shown = run.progress.str();
  EXPECT_NE(shown.find(fmt::format("step 1/1 (100.0%)  epoch 0  loss {:.4g}", losses[0])), std::string::npos) << shown;
  EXPECT_EQ(shown.find("loss 0 "), std::string::npos) << shown;
}

/// The message of the RuntimeUserError that training `run` into `out` ends with ("" and a
/// test failure when it ends without one).
std::string training_error(ToyRun& run, const std::string& out) {
  try {
    run.trainer(out)->run();
  } catch (const RuntimeUserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "training went on without an error";
  return "";
}

/// SGD at lr 1e30 and no schedule: the run diverges within two iterations.
void diverge(TrainConfig& config) {
  config.optimizer.kind = "sgd";
  config.optimizer.lr = 1e30;
  config.schedule = {};
}

TEST(Trainer, ANonFiniteLossStopsAndNamesTheLastGoodCheckpoint) {
  TempDir dir;
  ToyRun run(kToyVae);
  diverge(run.config);
  run.config.checkpoint = {1, "steps"};
  std::string msg = training_error(run, dir.path());
  EXPECT_NE(msg.find("the loss of step 'elbo' became"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the last good checkpoint is " + dir.file("checkpoints") + "/step_"), std::string::npos) << msg;
}

// A critic that takes the log of its (mostly negative) score: the loss of step D is NaN
// from the first iteration, and the replay names the op and where the user wrote it.
const char* kLogCritic = R"gen(
data moons = moons(n: 320, noise: 0.05)
model gan(nz: 4) {
  generator G(z: [nz]) -> [2] { return z |> linear(16) |> relu |> linear(2) }
  discriminator D(x: [2]) -> [1] {
    score = x |> linear(16) |> relu |> linear(1)
    return log(score - 100.0)
  }
  objective gan
}
train gan on moons { batch 32  steps 20  seed 1  log every 10 }
)gen";

TEST(Trainer, ANonFiniteLossIsTracedToTheOpThatMadeIt) {
  TempDir dir;
  ToyRun run(kLogCritic);
  std::string msg = training_error(run, dir.path());
  EXPECT_NE(msg.find("the loss of step 'D' became nan at step 1: step 'D': the first non-finite value comes "
                     "from 'log' at test.gen:7:"),
            std::string::npos)
      << msg;
}

// lr 1e30: the first update leaves huge (still finite) weights, and the next forward pass
// overflows in the encoder's first layer that multiplies by them.
TEST(Trainer, ADivergingRunIsTracedToTheLayerThatOverflows) {
  TempDir dir;
  ToyRun run(kToyVae);
  diverge(run.config);
  std::string msg = training_error(run, dir.path());
  EXPECT_NE(msg.find("the loss of step 'elbo' became"), std::string::npos) << msg;
  EXPECT_NE(msg.find("at step 2: step 'elbo': the first non-finite value comes from 'linear' ('q."), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("at test.gen:"), std::string::npos) << msg;
}

TEST(Trainer, ResumingAnotherModelIsAUserError) {
  TempDir gan_dir, vae_dir;
  ToyRun gan(kToyGan);
  gan.config.steps = 6;
  gan.trainer(gan_dir.path())->run();
  ToyRun vae(kToyVae);
  auto t = vae.trainer(vae_dir.path());
  EXPECT_THROW(t->resume(*latest_checkpoint(gan_dir.file("checkpoints"))), RuntimeUserError);
  EXPECT_THROW(t->resume(gan_dir.file("nothing.pt")), RuntimeUserError);
}

/// A 2-D diffusion model on the moons with noise schedule `schedule`.
std::string toy_diffusion(const std::string& schedule) {
  return "data moons = moons(n: 64)\nmodel dm() {\n  schedule s = " + schedule +
         "\n  denoiser e(x: [2], t: time) -> [2] {\n    return concat(x, sinusoidal(t, 4), 0) |> linear(2)\n  }\n"
         "  objective denoise\n}\ntrain dm on moons { batch 8 }\n";
}

TEST(Trainer, ACheckpointKeepsItsNoiseScheduleAndRefusesAnother) {
  ToyRun linear(toy_diffusion("linear(steps: 20)").c_str()), cosine(toy_diffusion("cosine(steps: 20)").c_str());
  Executor a(linear.plan, linear.compiled->model(), linear.config, at::kCPU);
  Executor same(linear.plan, linear.compiled->model(), linear.config, at::kCPU);
  Executor other(cosine.plan, cosine.compiled->model(), cosine.config, at::kCPU);
  ASSERT_EQ(a.noise_schedule().numel(), 20);
  EXPECT_NEAR(a.noise_schedule()[0].item<double>(), 1.0 - 1e-4, 1e-15);  // alpha_bar_0 = 1 - beta_start
  torch::serialize::OutputArchive out;
  a.save(out);
  std::ostringstream bytes;
  out.save_to(bytes);
  auto load = [&](Executor& e) {
    std::istringstream in(bytes.str());
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    e.load(archive);
  };
  EXPECT_NO_THROW(load(same));
  try {
    load(other);
    ADD_FAILURE() << "a linear schedule's checkpoint loaded into a cosine model";
  } catch (const RuntimeUserError& e) {
    EXPECT_NE(std::string(e.what()).find("noise schedule of 20 steps that differs"), std::string::npos) << e.what();
  }
}

TEST(Trainer, WritesSampleGridsOfImages) {
  TempDir dir;
  auto c = compile(example_text("vae_fashion.gen"), {{"vae.latent", "2"}, {"vae.hidden", "8"}});
  lower::TrainingProgram plan = lower_first(*c);
  TrainConfig config = ir::train_config(c->train());
  config.steps = 2;
  config.eval = {};
  config.sample = {1, "steps"};
  config.sample_n = 9;
  TrainerOptions o;
  o.out_dir = dir.path();
  o.device = "cpu";
  std::ostringstream progress;
  o.progress = &progress;
  Trainer(*c->program, 0, plan, config, o).run();
  EXPECT_TRUE(std::filesystem::exists(dir.file("samples/vae/step_00000001.png")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("samples/vae/step_00000002.png")));
}

TEST(Trainer, TrainsAClassifier) {
  const char* text = R"gen(
data fashion = fashion_mnist(split: "train")
model net(hidden: 64) {
  discriminator C(x: [1,28,28]) -> [10] {
    return x |> flatten |> linear(hidden) |> relu |> linear(10)
  }
  objective classify
}
train net on fashion { batch 64  optimizer sgd(lr: 0.1)  steps 60  seed 1 }
)gen";
  TempDir dir;
  ToyRun run(text);
  auto t = run.trainer(dir.path());
  t->run();
  std::vector<std::pair<std::string, double>> eval = t->evaluate();
  ASSERT_EQ(eval.size(), 2u);
  EXPECT_EQ(eval[1].first, "accuracy");
  EXPECT_GT(eval[1].second, 0.6) << "60 SGD steps of an MLP reach well over 60% on Fashion-MNIST";
  EXPECT_LT(eval[0].second, 1.5);
}

TEST(Ema, AveragesAndSwapsValuesInPlace) {
  at::Tensor a = at::zeros({2}), b = at::ones({3});
  Ema ema({a, b}, 0.75);
  a.fill_(4);
  b.fill_(5);
  ema.update();
  EXPECT_TRUE(at::allclose(ema.shadow()[0], at::full({2}, 1.0)));
  EXPECT_TRUE(at::allclose(ema.shadow()[1], at::full({3}, 2.0)));
  ema.swap();
  EXPECT_TRUE(at::allclose(a, at::full({2}, 1.0)));
  EXPECT_TRUE(at::allclose(ema.shadow()[0], at::full({2}, 4.0)));
  ema.swap();
  EXPECT_TRUE(at::allclose(a, at::full({2}, 4.0)));
  EXPECT_TRUE(at::allclose(b, at::full({3}, 5.0)));
}

TEST(Ema, EvaluationAndSamplingUseTheAverageAndRestoreTheWeights) {
  ToyRun run(kToyVae);
  run.config.ema = 0.5;
  Executor with(run.plan, run.compiled->model(), run.config, at::kCPU);
  run.config.ema = 0.0;
  Executor without(run.plan, run.compiled->model(), run.config, at::kCPU);
  Data batch{at::randn({32, 2}), std::nullopt};
  for (int i = 0; i < 3; ++i) {
    with.train_iteration([&] { return batch; });
    without.train_iteration([&] { return batch; });
  }
  auto pa = with.params().named_parameters(), pb = without.params().named_parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(at::equal(pa[i].second, pb[i].second)) << pa[i].first;
  EXPECT_FALSE(at::equal(with.sample(4, 1).x, without.sample(4, 1).x));
  EXPECT_NE(with.eval_all(EvalBatches(batch, 32)).first[0], without.eval_all(EvalBatches(batch, 32)).first[0]);
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(at::equal(pa[i].second, pb[i].second)) << "restored " << pa[i].first;
}

TEST(Schedules, FactorsFollowTheirDefinitions) {
  ScheduleConfig constant;
  EXPECT_EQ(constant.factor(50, 100, 1e-3), 1.0);
  ScheduleConfig warmup{"warmup", 4};
  EXPECT_DOUBLE_EQ(warmup.factor(0, 100, 1e-3), 0.25);
  EXPECT_DOUBLE_EQ(warmup.factor(3, 100, 1e-3), 1.0);
  EXPECT_DOUBLE_EQ(warmup.factor(50, 100, 1e-3), 1.0);
  ScheduleConfig step{"step", 0, 0.0, 10, 0.5};
  EXPECT_DOUBLE_EQ(step.factor(9, 100, 1e-3), 1.0);
  EXPECT_DOUBLE_EQ(step.factor(10, 100, 1e-3), 0.5);
  EXPECT_DOUBLE_EQ(step.factor(25, 100, 1e-3), 0.25);
  ScheduleConfig cosine{"cosine", 10, 1e-4};
  EXPECT_DOUBLE_EQ(cosine.factor(4, 110, 1e-3), 0.5);
  EXPECT_DOUBLE_EQ(cosine.factor(10, 110, 1e-3), 1.0);
  EXPECT_NEAR(cosine.factor(60, 110, 1e-3), 0.1 + 0.9 * 0.5, 1e-12);
  EXPECT_NEAR(cosine.factor(110, 110, 1e-3), 0.1, 1e-12);
}

TEST(TrainConfigs, SettingsAreRead) {
  auto c = compile(kToyGan);
  TrainConfig config = ir::train_config(c->train());
  EXPECT_EQ(config.batch, 32);
  EXPECT_EQ(config.steps, 12);
  EXPECT_EQ(config.optimizer.kind, "adam");
  EXPECT_DOUBLE_EQ(config.optimizer.beta1, 0.5);
  EXPECT_DOUBLE_EQ(config.optimizer.beta2, 0.9);
  EXPECT_DOUBLE_EQ(config.clip_grad, 5.0);
  EXPECT_EQ(config.checkpoint.every, 6);
  EXPECT_EQ(config.checkpoint.unit, "steps");
}

}  // namespace
}  // namespace genc::runtime::testing
