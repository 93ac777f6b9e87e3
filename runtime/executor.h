// The plan executor: runs a lowered TrainingProgram on LibTorch — its training steps
// with one optimizer per group (a VAE's single loss, a GAN's alternating D and G steps),
// its eval graph and its sample graph — and saves/restores all of its state.
#pragma once

#include <torch/serialize/archive.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "runtime/compiled_graph.h"
#include "runtime/cuda_support.h"
#include "runtime/data/batcher.h"
#include "runtime/data/data.h"
#include "runtime/dist/grad_reducer.h"
#include "runtime/dist/process_group.h"
#include "runtime/ema.h"
#include "runtime/loop_runner.h"
#include "runtime/optimizer.h"
#include "runtime/param_store.h"
#include "runtime/train_config.h"

namespace genc::runtime {

/// The batch means of one step's metric outputs (not those it hands on to later steps) in
/// its last run of an iteration. They stay on the executor's device (reading them is a host
/// sync: the Trainer does it at log intervals, not per step).
struct StepMetrics {
  std::string step;                  ///< the step's name ("elbo", "D", "G", ...)
  std::vector<std::string> names;    ///< output names; names[0] is "loss"
  at::Tensor values;                 ///< float64 [names.size()], on the device

  /// The values on the host.
  std::vector<double> host() const;
};

/// A float64 tensor's values on the host (a sync when it lives on a GPU).
std::vector<double> host_doubles(const at::Tensor& t);

/// Where a routine input comes from in a batch: the runtime binds data inputs by name.
enum class DataField { X, Y };
/// The field of input `name` of routine `routine` (an internal error for other names).
DataField data_field(const std::string& routine, const std::string& name);

/// Runs a TrainingProgram. Everything per step is resolved when it is built: each graph
/// is a CompiledGraph (a flat kernel vector over fixed slots), each optimizer group owns
/// its parameter list. Random draws come from the executor's generators, seeded from the
/// configuration's seed only (training, evaluation and sampling have separate streams,
/// so evaluating or sampling never changes the training run).
///
/// On CUDA (with `cuda_graph on`, the default) the first kWarmupIterations iterations that
/// this executor runs (also after a checkpoint was loaded: the warm-up makes LibTorch's lazy
/// set-up happen outside the capture) run eagerly; the next one is captured as one CUDA graph (every step's forward and backward
/// pass, the fused optimizer updates reading the learning rate from a device tensor, the
/// EMA, the iteration hook) over static batch buffers, and every later iteration copies its
/// batches into those buffers and replays the graph. What cannot be captured runs eagerly,
/// and capture_status() says why.
class Executor {
 public:
  /// Creates the parameters (initialised from config.seed), compiles every graph and
  /// builds the optimizers and the EMA. Throws RuntimeUserError for ops the runtime
  /// cannot execute.
  Executor(const lower::TrainingProgram& program, const ir::Model& model, const TrainConfig& config,
           torch::Device device);

  /// Seeds derived from the configuration's seed: parameters are initialised from
  /// init_seed(seed); training draws come from a private generator of the device seeded
  /// with train_seed(seed), evaluation and sampling from generators of their own.
  static uint64_t init_seed(uint64_t seed);
  static uint64_t train_seed(uint64_t seed);

  /// Gives the next training batch (any device; it is moved to the executor's).
  using NextBatch = std::function<Data()>;
  /// Writes the next training batch into `into` (tensors of a batch's shape on the
  /// executor's device): a captured iteration's static input buffers, filled with one
  /// gather instead of a gather and a copy (BatchSource::next_into).
  using FillBatch = std::function<void(Data& into)>;

  /// One training iteration: every step in program order, each `repeat` times. A step
  /// that reads x takes a fresh batch per run; one that does not reuses the last batch's
  /// size and labels, and values an earlier step hands on (lower/step_handoff.h) come from
  /// that step's last run. Each run: forward in training mode, gradient of the batch-mean
  /// loss with respect to the step's optimizer group only, schedule, clipping, update.
  /// Then the EMA (if any) is updated. Returns one StepMetrics per step.
  /// `fill`, when given, refills a captured iteration's input buffers from the same sequence.
  std::vector<StepMetrics> train_iteration(const NextBatch& next_batch, const FillBatch& fill = nullptr);

  /// train_iteration() with every kernel's results checked: when a value is not finite,
  /// says where it first appeared — "step 'D': the first non-finite value comes from
  /// 'log' at critic.gen:6:12" — or that the step's parameters were not finite before
  /// it, or that its gradient was not. Nullopt when the whole iteration stays finite.
  /// For replaying the iteration in which a loss became non-finite.
  std::optional<std::string> trace_non_finite(const NextBatch& next_batch);

  /// Eager iterations before the capture (they also initialise lazily built state:
  /// cuBLAS workspaces, actnorm's data-dependent start).
  static constexpr int64_t kWarmupIterations = 3;

  /// Device work run at the end of every training iteration, inside its CUDA graph when
  /// captured (e.g. the Trainer's metric sums): it must only launch device ops that update
  /// tensors in place, tensors that outlive the executor's iterations.
  using IterationHook = std::function<void(const std::vector<StepMetrics>&)>;
  void set_iteration_hook(IterationHook hook) { hook_ = std::move(hook); }

  /// How training iterations run: "eager", "cuda graph (captured at iteration N)", or
  /// "eager: <why the capture is off>" when a capture was wanted and is not possible.
  std::string capture_status() const;

  /// Total iterations of the run, for schedules that need it (cosine).
  void set_total_iterations(int64_t total) { total_iterations_ = total; }
  /// Completed training iterations.
  int64_t iteration() const { return iteration_; }

  bool has_eval() const { return eval_ != nullptr; }
  /// The eval graph's output names (eval_all's order).
  const std::vector<std::string>& eval_outputs() const;
  /// Restarts the evaluation random stream, so every evaluation pass draws the same noise.
  void reset_eval_rng();
  /// Evaluates all of `batches` from a restarted evaluation stream, with the EMA weights
  /// swapped in once: each output summed over every example, and the example count.
  std::pair<std::vector<double>, int64_t> eval_all(const EvalBatches& batches);

  bool can_sample() const { return sample_ != nullptr; }
  /// `n` samples in eval mode (EMA weights when configured), drawn from a stream seeded
  /// by `seed` alone: x [n, ...] on the CPU, and y when the sampler draws labels.
  /// With `prompt`, an autoregressive sampler continues it (tokens at positions 0..k-1).
  Data sample(int64_t n, uint64_t seed, const std::vector<int64_t>& prompt = {});

  /// Draws the training random numbers from the CPU's generator, seeded as an executor on
  /// the CPU seeds it, so that a GPU run can be checked against a CPU run number for number.
  /// Turns the capture off (CPU draws cannot be captured). For tests.
  void use_cpu_random_stream();

  /// Makes this executor one rank of data-parallel training over `group` (which must
  /// outlive it); call before the first iteration. Its batches must then be this rank's rows
  /// of each global batch (BatchShard): every step's random draws are the global batch's,
  /// of which it keeps its rows (so every rank's generator stays that of one process at the
  /// global batch); every step's gradients are averaged over the ranks (in buckets, after
  /// the step's backward pass and before its update: a GAN's D and G steps each their own
  /// group's); eval_all() splits each batch over the ranks and sums over them; iterations
  /// run eagerly (no CUDA graph). Batchnorm normalises with each rank's own rows.
  void set_data_parallel(dist::ProcessGroup& group);
  /// Rank 0's parameters, buffers and EMA weights into every rank's (data-parallel start).
  void broadcast_state();
  /// Rank 0's buffers (batchnorm's running statistics, which each rank keeps from its own
  /// rows) into every rank's, before a data-parallel evaluation.
  void broadcast_buffers();

  ParamStore& params() { return *params_; }
  torch::Device device() const { return device_; }

  /// Writes parameters, buffers, optimizer states, EMA, iteration count and the
  /// training random stream (and a diffusion model's noise schedule) into `archive`.
  void save(torch::serialize::OutputArchive& archive);
  /// Restores what save() wrote. Throws RuntimeUserError when the archive does not fit
  /// this program (another model or configuration).
  void load(torch::serialize::InputArchive& archive);
  /// A diffusion model's alpha_bar_t, saved with the state and compared on load (float64).
  const at::Tensor& noise_schedule() const { return noise_schedule_; }

 private:
  /// Where a step input comes from: a field of the batch, or (`from` set) output `output`
  /// of an earlier step's last run in this iteration, a tensor kept in that step's graph
  /// between the steps (also inside a captured iteration: nothing reads it on the host).
  struct StepInput {
    DataField field = DataField::X;
    const CompiledGraph* from = nullptr;
    size_t output = 0;
  };
  struct StepRun {
    std::unique_ptr<CompiledGraph> graph;
    GroupOptimizer* optimizer = nullptr;
    int repeat = 1;
    std::vector<StepInput> inputs;  ///< by routine input
    bool reads_x = false;           ///< takes a fresh batch per run
    std::vector<size_t> metrics;    ///< the outputs that are metrics (not handed on), [0] the loss
    std::vector<std::string> metric_names;
    dist::GradReducer* reducer = nullptr;  ///< data-parallel: averages its gradients
  };

  /// The capture of training iterations on CUDA: the graph once captured, the static
  /// batches it reads (one per batch an iteration takes) and the metrics it writes.
  struct Capture {
    std::unique_ptr<IterationGraph> graph;
    std::vector<Data> batches;
    std::vector<StepMetrics> metrics;
    int64_t captured_at = 0;  ///< the iteration (1-based) that was captured
  };
  /// fp16's dynamic loss scale (GradScaler's): the scale, the count of good steps since
  /// it last grew, and the overflow flag of the current step, all device scalars.
  struct LossScale {
    at::Tensor scale, growth_tracker, found_inf;
  };

  /// Compiles program.steps[index] (its inputs bound to the batch or to earlier steps).
  void add_step(const lower::TrainingProgram& program, size_t index);
  /// The tensors of `s`'s inputs for a run on `batch`.
  std::vector<at::Tensor> step_inputs(const StepRun& s, const Data& batch) const;
  /// One run of `s` on a fresh or the last batch: forward, gradient, update. With
  /// `trace`, checks every result and returns what went non-finite first.
  std::optional<std::string> run_step(StepRun& s, const NextBatch& next_batch, bool trace);
  /// The learning rates of this iteration's schedule, set on every optimizer (host work:
  /// done before an iteration is run or replayed).
  void set_learning_rates();
  /// Every step, the EMA and the hook, without advancing iteration().
  std::vector<StepMetrics> iteration_body(const NextBatch& next_batch, std::optional<std::string>* trace);
  std::vector<StepMetrics> iteration(const NextBatch& next_batch, std::optional<std::string>* trace);
  /// The iteration as a graph replay (capturing it first when not yet captured); falls back
  /// to eager iterations for good when the capture fails.
  std::vector<StepMetrics> captured_iteration(const NextBatch& next_batch, const FillBatch& fill);
  /// Batches an iteration takes from next_batch (after the first iteration).
  int64_t batches_per_iteration() const;
  /// Why this program cannot be captured on this device ("" when it can).
  std::string capture_blocker(const lower::TrainingProgram& program) const;

  /// Runs `fn` with the EMA weights swapped in (when configured).
  void with_eval_weights(const std::function<void()>& fn);
  /// The eval graph's outputs summed over one batch (weights as they are).
  std::vector<double> batch_sums(const Data& batch);
  /// batch_sums of this rank's rows of `batch` (data-parallel) and their count. A rank
  /// with no rows (a last batch smaller than the world) runs the whole batch and counts
  /// nothing, so that its evaluation stream draws what the others' draw.
  std::pair<std::vector<double>, int64_t> shard_sums(const Data& batch);

  torch::Device device_;
  TrainConfig config_;
  std::unique_ptr<ParamStore> params_;
  std::vector<std::unique_ptr<GroupOptimizer>> optimizers_;
  std::optional<at::ScalarType> autocast_;  ///< bf16 / fp16 forward passes on CUDA
  std::optional<LossScale> loss_scale_;     ///< fp16
  std::optional<Capture> capture_;          ///< set when iterations are to be captured
  std::string capture_off_;                 ///< why not, when a capture was wanted
  IterationHook hook_;
  std::vector<StepRun> steps_;
  std::unique_ptr<CompiledGraph> eval_;
  std::vector<DataField> eval_inputs_;
  std::unique_ptr<LoopRunner> sample_;
  std::unique_ptr<Ema> ema_;
  at::Tensor noise_schedule_;        ///< diffusion: alpha_bar_t; undefined otherwise
  std::string noise_schedule_text_;  ///< "cosine(steps: 1000, s: 0.008)"
  /// Throws RuntimeUserError when the archive's noise schedule is not this model's.
  void check_noise_schedule(torch::serialize::InputArchive& archive) const;
  dist::ProcessGroup* group_ = nullptr;  ///< data-parallel training: this rank's group
  std::vector<std::unique_ptr<dist::GradReducer>> reducers_;  ///< one per optimizer group
  at::Generator train_rng_;
  at::Generator eval_rng_;
  std::optional<Data> last_batch_;
  int64_t iteration_ = 0;
  int64_t eager_iterations_ = 0;  ///< run eagerly by this executor: the capture's warm-up
  int64_t total_iterations_ = 0;
};

}  // namespace genc::runtime
