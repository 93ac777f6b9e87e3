// The CUDA path: from the same weights and random numbers a GPU run computes what a CPU run
// computes; iterations replayed from a captured CUDA graph repeat the eager ones; bf16 and
// fp16 train. Skipped where no CUDA GPU is available (CPU CI); scripts/gpu/test.sh runs them
// on the GPU machine. On the CPU, precision bf16 is refused with a clear error.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/cuda.h>

#include <cmath>

#include "runtime/errors.h"
#include "runtime/checkpoint.h"
#include "runtime/data/prefetch.h"
#include "runtime/executor.h"
#include "tests/unit/runtime/exec_test_util.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime::testing {
namespace {

/// Deterministic cuDNN algorithms without TF32 while a test runs: cuDNN's default
/// algorithms may sum in another order on every run, which a GAN amplifies in 20 steps.
class Cuda : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA GPU here (scripts/gpu/test.sh runs these on one)";
    at::globalContext().setDeterministicCuDNN(true);
    at::globalContext().setAllowTF32CuDNN(false);
  }
  void TearDown() override {
    at::globalContext().setDeterministicCuDNN(false);
    at::globalContext().setAllowTF32CuDNN(true);
  }
};

/// Images in [0,1] (or [-1,1] with `centred`), with labels, drawn from `seed`.
Data images(int64_t n, uint64_t seed, bool centred) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor x = at::rand({n, 1, 28, 28}, gen);
  return {centred ? x * 2 - 1 : x, at::randint(10, {n}, gen)};
}

/// The loss of every step of `iterations` training iterations (a captured one refills its
/// input buffers through next_into, as the Trainer's do).
std::vector<double> losses(Executor& e, BatchSource& batches, int iterations) {
  std::vector<double> out;
  for (int i = 0; i < iterations; ++i)
    for (const StepMetrics& m : e.train_iteration([&] { return batches.next(); }, [&](Data& into) { batches.next_into(into); }))
      out.push_back(m.host()[0]);
  return out;
}

void copy_weights(Executor& from, Executor& to) {
  at::NoGradGuard no_grad;
  std::vector<std::pair<std::string, at::Tensor>> source = from.params().named_parameters();
  std::vector<std::pair<std::string, at::Tensor>> target = to.params().named_parameters();
  ASSERT_EQ(source.size(), target.size());
  for (size_t i = 0; i < source.size(); ++i) {
    ASSERT_EQ(source[i].first, target[i].first);
    target[i].second.copy_(source[i].second);
  }
}

struct Model {
  std::string example;
  std::vector<std::pair<std::string, std::string>> overrides;
  bool centred;  ///< the data is scale(-1, 1)'s
  /// Iterations the CPU and CUDA runs agree within 1e-3: a GAN's two players amplify the
  /// rounding differences of CPU and cuDNN reductions (measured on the H200: the DCGAN's
  /// losses within 1e-3 for 8 iterations, up to 0.3% apart by iteration 20).
  int agreeing_iterations;
};
const Model kVae{"vae_fashion.gen", {}, false, 20};
const Model kDcgan{"dcgan.gen", {}, true, 8};

void expect_close(const std::vector<double>& a, const std::vector<double>& b, double relative, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_LE(std::abs(a[i] - b[i]), relative * std::abs(b[i])) << what << ": loss " << i << ": " << a[i] << " vs "
                                                                << b[i];
}

/// m.agreeing_iterations iterations on the CPU and, eagerly in fp32, on CUDA from the CPU's
/// weights and random numbers: the losses agree within 1e-3 relative.
void expect_cuda_matches_cpu(const Model& m) {
  std::unique_ptr<Compiled> c = compile(example_text(m.example), m.overrides);
  lower::TrainingProgram program = lower_first(*c);
  TrainConfig config = ir::train_config(c->train());
  config.cuda_graph = false;
  Data data = images(8 * config.batch, 11, m.centred);
  Executor cpu(program, c->model(), config, at::kCPU);
  Executor gpu(program, c->model(), config, at::Device(at::kCUDA, 0));
  copy_weights(cpu, gpu);
  gpu.use_cpu_random_stream();
  Batcher cpu_batches(data, config.batch, 5), gpu_batches(to_device(data, at::Device(at::kCUDA, 0)), config.batch, 5);
  const int n = m.agreeing_iterations;
  expect_close(losses(gpu, gpu_batches, n), losses(cpu, cpu_batches, n), 1e-3, m.example.c_str());
}

TEST_F(Cuda, VaeLossesAgreeWithTheCpuFromTheSameWeights) { expect_cuda_matches_cpu(kVae); }
TEST_F(Cuda, DcganLossesAgreeWithTheCpuFromTheSameWeights) { expect_cuda_matches_cpu(kDcgan); }

/// 12 iterations on CUDA eagerly and with the capture (3 eager, 1 captured, 8 replays),
/// same seed: the same losses, and the second executor did capture.
void expect_capture_repeats_eager(const Model& m) {
  std::unique_ptr<Compiled> c = compile(example_text(m.example), m.overrides);
  lower::TrainingProgram program = lower_first(*c);
  TrainConfig config = ir::train_config(c->train());
  at::Device cuda(at::kCUDA, 0);
  Data data = to_device(images(16 * config.batch, 12, m.centred), cuda);
  config.cuda_graph = false;
  Executor eager(program, c->model(), config, cuda);
  config.cuda_graph = true;
  Executor captured(program, c->model(), config, cuda);
  Batcher eager_batches(data, config.batch, 5), captured_batches(data, config.batch, 5);
  std::vector<double> replayed = losses(captured, captured_batches, 12);
  EXPECT_EQ(captured.capture_status(), "cuda graph (captured at iteration 4)") << m.example;
  expect_close(replayed, losses(eager, eager_batches, 12), 1e-6, m.example.c_str());
}

TEST_F(Cuda, CapturedVaeIterationsRepeatTheEagerOnes) { expect_capture_repeats_eager(kVae); }
TEST_F(Cuda, CapturedDcganIterationsRepeatTheEagerOnes) { expect_capture_repeats_eager(kDcgan); }

/// An iteration hook that reads a result on the host cannot be captured (a capturing stream
/// cannot synchronise): the capture breaks off, the executor says why and goes on eagerly
/// with the losses of a run that never tried, and eager random draws, from its own
/// generators and from the device's default one, still work afterwards.
TEST_F(Cuda, ABrokenCaptureLeavesEagerTrainingWorking) {
  std::unique_ptr<Compiled> c = compile(example_text(kVae.example));
  lower::TrainingProgram program = lower_first(*c);
  TrainConfig config = ir::train_config(c->train());
  at::Device cuda(at::kCUDA, 0);
  Data data = to_device(images(16 * config.batch, 16, false), cuda);
  Executor broken(program, c->model(), config, cuda);
  broken.set_iteration_hook([](const std::vector<StepMetrics>& m) { (void)m.front().host(); });
  config.cuda_graph = false;
  Executor eager(program, c->model(), config, cuda);
  Batcher broken_batches(data, config.batch, 5), eager_batches(data, config.batch, 5);
  std::vector<double> fell_back = losses(broken, broken_batches, 8);
  EXPECT_EQ(broken.capture_status().rfind("eager: the training iteration could not be captured as a CUDA graph: ", 0),
            0u)
      << broken.capture_status();
  expect_close(fell_back, losses(eager, eager_batches, 8), 1e-6, "after the broken capture");
  EXPECT_TRUE(at::randn({16}, at::TensorOptions().device(cuda)).isfinite().all().item<bool>());
}

/// The VAE captured, its batches once resident on the GPU and once prefetched from pinned
/// host memory: the same batches, so the same losses.
TEST_F(Cuda, PrefetchedHostBatchesTrainLikeResidentOnes) {
  std::unique_ptr<Compiled> c = compile(example_text(kVae.example));
  lower::TrainingProgram program = lower_first(*c);
  TrainConfig config = ir::train_config(c->train());
  at::Device cuda(at::kCUDA, 0);
  Data data = images(16 * config.batch, 14, false);
  Executor resident(program, c->model(), config, cuda), prefetched(program, c->model(), config, cuda);
  Batcher resident_batches(to_device(data, cuda), config.batch, 5);
  PrefetchBatcher host_batches(data, config.batch, 5, cuda);
  std::vector<double> from_host = losses(prefetched, host_batches, 12);
  EXPECT_EQ(prefetched.capture_status(), "cuda graph (captured at iteration 4)");
  expect_close(from_host, losses(resident, resident_batches, 12), 1e-6, "prefetched");
}

void expect_same_weights(Executor& a, Executor& b) {
  auto pa = a.params().named_parameters(), pb = b.params().named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pb[i].second.device(), b.device()) << pb[i].first;
    EXPECT_TRUE(at::equal(pa[i].second.cpu(), pb[i].second.cpu())) << pa[i].first;
  }
}

/// A checkpoint of a CPU run of `example` resumes on CUDA (the weights, the iteration and the
/// batch position restored, training goes on), and one written there loads back on the CPU.
void move_checkpoint_between_devices(const std::string& example, bool centred) {
  std::unique_ptr<Compiled> c = compile(example_text(example));
  lower::TrainingProgram program = lower_first(*c);
  TrainConfig config = ir::train_config(c->train());
  at::Device cuda(at::kCUDA, 0);
  Data data = images(8 * config.batch, 15, centred);
  TempDir dir;
  Executor cpu(program, c->model(), config, at::kCPU);
  Batcher cpu_batches(data, config.batch, 5);
  losses(cpu, cpu_batches, 3);
  save_checkpoint(dir.file("cpu.pt"), cpu, RunState{cpu_batches.state(), {1.0, 2.0}, 1}, CheckpointMeta{});

  Executor gpu(program, c->model(), config, cuda);
  RunState state = load_checkpoint(dir.file("cpu.pt"), gpu);
  EXPECT_EQ(state.batcher, cpu_batches.state());
  EXPECT_EQ(state.log_sums, (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(gpu.iteration(), 3);
  EXPECT_EQ(gpu.capture_status(), "cuda graph (to be captured at iteration 7)");  // after its own warm-up
  expect_same_weights(cpu, gpu);
  Batcher gpu_batches(to_device(data, cuda), config.batch, 5);
  gpu_batches.restore(state.batcher);
  for (double loss : losses(gpu, gpu_batches, 6)) EXPECT_TRUE(std::isfinite(loss));
  EXPECT_EQ(gpu.capture_status(), "cuda graph (captured at iteration 7)");
  save_checkpoint(dir.file("gpu.pt"), gpu, RunState{gpu_batches.state(), {}, 0}, CheckpointMeta{});

  Executor back(program, c->model(), config, at::kCPU);
  EXPECT_EQ(load_checkpoint(dir.file("gpu.pt"), back).batcher, gpu_batches.state());
  EXPECT_EQ(back.iteration(), 9);
  expect_same_weights(gpu, back);
}

TEST_F(Cuda, CheckpointsMoveBetweenTheCpuAndTheGpu) { move_checkpoint_between_devices(kVae.example, false); }

/// A diffusion checkpoint also carries its noise schedule, compared on load wherever the
/// archive was mapped (a CUDA copy against the host's once ended `genc eval` on the GPU).
TEST_F(Cuda, DiffusionCheckpointsMoveBetweenTheCpuAndTheGpu) {
  move_checkpoint_between_devices("ddpm.gen", true);
}

/// bf16 and fp16 (with its loss scale) train the VAE, captured: 60 iterations lower the
/// mean loss of the last ten below that of the first ten.
TEST_F(Cuda, Bf16AndFp16TrainTheVae) {
  for (const char* precision : {"bf16", "fp16"}) {
    std::unique_ptr<Compiled> c = compile(example_text(kVae.example));
    lower::TrainingProgram program = lower_first(*c);
    TrainConfig config = ir::train_config(c->train());
    config.precision = precision;
    at::Device cuda(at::kCUDA, 0);
    Executor e(program, c->model(), config, cuda);
    Batcher batches(to_device(images(64 * config.batch, 13, false), cuda), config.batch, 5);
    std::vector<double> l = losses(e, batches, 60);
    double first = 0, last = 0;
    for (int i = 0; i < 10; ++i) {
      first += l[i];
      last += l[l.size() - 1 - i];
    }
    EXPECT_TRUE(std::isfinite(last)) << precision;
    EXPECT_LT(last, first) << precision;
    EXPECT_EQ(e.capture_status(), "cuda graph (captured at iteration 4)") << precision;
  }
}

TEST(CudaOnTheCpu, ReducedPrecisionIsRefusedWithAClearError) {
  std::unique_ptr<Compiled> c = compile(example_text(kVae.example));
  lower::TrainingProgram program = lower_first(*c);
  TrainConfig config = ir::train_config(c->train());
  config.precision = "bf16";
  try {
    Executor e(program, c->model(), config, at::kCPU);
    FAIL() << "bf16 on the CPU was accepted";
  } catch (const RuntimeUserError& e) {
    EXPECT_EQ(std::string(e.what()), "precision bf16 is autocast on a CUDA GPU; on the cpu train with precision fp32");
  }
}

}  // namespace
}  // namespace genc::runtime::testing
