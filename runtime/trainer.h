// The training driver behind `genc run`: loads the data, runs the Executor's iterations
// for the configured epochs or steps, and on schedule logs metrics, evaluates, writes
// sample grids and checkpoints (metrics and grids also as TensorBoard events); resumes
// exactly from a checkpoint.
#pragma once

#include <torch/types.h>

#include <chrono>
#include <cmath>
#include <iosfwd>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "runtime/checkpoint.h"
#include "runtime/data/batcher.h"
#include "runtime/data/data.h"
#include "runtime/executor.h"
#include "runtime/io/metrics.h"
#include "runtime/io/tfevents.h"
#include "runtime/io/progress.h"
#include "runtime/train_config.h"

namespace genc::runtime {

struct TrainerOptions {
  /// OUT: metrics.jsonl, events.out.tfevents.* (TensorBoard), checkpoints/ and samples/ go
  /// here (created if missing).
  std::string out_dir = "out";
  /// Stored in checkpoints so `genc sample` / `genc eval` / `--resume` can recompile.
  std::string source_path;
  std::string source_text;
  std::vector<std::pair<std::string, std::string>> overrides;
  /// Where fashion_mnist is read from.
  std::string fashion_mnist_dir = default_fashion_mnist_dir();
  /// "auto", "cpu" or "cuda"; empty: the train block's `device` setting.
  std::string device;
  /// Progress output; null: standard output (live on a terminal).
  std::ostream* progress = nullptr;
  /// Keeps the training data in host memory, a thread gathering batches that are copied
  /// to the device; otherwise that is done only on a GPU whose free memory is less than
  /// twice the data's size (the data then stay resident on the device).
  bool prefetch_from_host = false;
  /// Asked after every iteration; true stops the run there with a checkpoint (Ctrl-C). In
  /// data-parallel training every rank must give the same answer (ProcessGroup::any).
  std::function<bool()> stop_requested;
  /// Data-parallel training: this process is one rank of `group` (null: it trains alone).
  /// Each rank trains on its rows of every batch (the train block's batch is the global
  /// one), on the GPU of its local rank; only rank 0 writes files and progress.
  dist::ProcessGroup* group = nullptr;
};

/// What a finished run reports.
struct TrainSummary {
  int64_t steps = 0;                ///< completed iterations
  int64_t epochs = 0;               ///< the batcher's epoch at the end
  std::vector<StepMetrics> last;    ///< the last iteration's metrics
  std::optional<std::string> checkpoint;  ///< the final checkpoint, if one was written
  bool interrupted = false;               ///< stopped early by stop_requested
};

/// One `train` block run. Usage: Trainer t(program, plan, config, options);
/// optionally t.resume(path); then t.run().
class Trainer {
 public:
  /// Loads the train (and eval) data of `program.trains[train_index]`, builds the
  /// Executor on the chosen device and opens OUT/metrics.jsonl. Throws RuntimeUserError
  /// for data or output problems. `program` and `plan` must outlive the Trainer.
  Trainer(const ir::Program& program, size_t train_index, const lower::TrainingProgram& plan, TrainConfig config,
          TrainerOptions options);

  /// Continues from `checkpoint` (written by a run of the same program and config):
  /// parameters, optimizer states, EMA, random streams and the batch sequence, so the
  /// following iterations equal those of an uninterrupted run on the CPU.
  void resume(const std::string& checkpoint);

  /// Trains until `steps` iterations or `epochs` epochs are done, logging, evaluating,
  /// sampling and checkpointing on schedule; writes a final checkpoint when checkpoints
  /// are configured. Step metrics stay on the device and are read at log, eval, sample
  /// and checkpoint times and at the end. A non-finite loss found then throws
  /// RuntimeUserError naming the step and the iteration where it first happened, the op
  /// where the first non-finite value came from (found by replaying that iteration with
  /// checks on, from the last good checkpoint or the start) and the last good checkpoint.
  TrainSummary run();

  /// Evaluates on the eval data (or the training data when none is configured): the
  /// mean of every eval output over all examples, in eval_outputs() order.
  std::vector<std::pair<std::string, double>> evaluate();

  Executor& executor() { return *executor_; }
  const TrainConfig& config() const { return config_; }
  /// Total iterations this run aims for.
  int64_t total_steps() const { return total_steps_; }

 private:
  bool due(const Every& e, int64_t step, bool epoch_ended) const;
  /// What the batches are gathered from: `data`, without its labels when no step reads them.
  Data batched(const Data& data) const;
  /// Adds one iteration's metrics to the log window (on the device). The Executor's
  /// iteration hook: one in-place add (inside the iteration's CUDA graph when captured);
  /// a non-finite loss leaves its window's sum non-finite, which check_finite() reads.
  void accumulate(const std::vector<StepMetrics>& metrics);
  /// Reads the window's sums at iteration `step`: when a loss sum is not finite, finds the
  /// iteration where that happened by replaying and throws the located RuntimeUserError.
  void check_finite(int64_t step);
  /// The first iteration after the last good checkpoint (or the start), at most `upto`,
  /// whose loss is not finite, its step losses and what made them so; replayed eagerly
  /// (training is deterministic), that iteration with checks on.
  struct NonFinite {
    int64_t step = -1;
    std::vector<double> losses;
    std::string origin;
  };
  NonFinite replay(int64_t upto);
  /// An executor and batches at the state of the last good checkpoint (or the start).
  std::pair<std::unique_ptr<Executor>, std::unique_ptr<Batcher>> replayer();
  void log(int64_t step);
  /// Appends `r` to metrics.jsonl and its values to the events file as scalars.
  void record(const MetricsRecord& r);
  /// Writes the sample files OUT/SAMPLE_DIR/TAG.*; PNGs also go to the events file at `step`.
  void write_samples(const std::string& tag, int64_t step);
  std::string save(int64_t step);
  std::vector<std::string> metric_names(const std::vector<StepMetrics>& m) const;
  /// Whether this process writes the run's files: alone, or as rank 0.
  bool writer() const { return options_.group == nullptr || options_.group->rank() == 0; }
  /// The window's sums and count as a checkpoint stores them.
  void save_window();

  TrainConfig config_;
  TrainerOptions options_;
  const lower::TrainingProgram* plan_;
  const ir::Model* model_;
  torch::Device device_ = torch::kCPU;
  /// The log window, on the device: metric sums since the last log line and their count.
  std::vector<std::string> metric_names_;
  std::vector<size_t> loss_slots_;  ///< where each step's loss sits among metric_names_
  size_t headline_ = 0;  ///< which metric is the record's `loss` (the last step's)
  at::Tensor window_sums_;
  int64_t window_count_ = 0;
  double shown_loss_ = std::nan("");  ///< the loss the progress line shows (read at log times)
  std::string shown_capture_;  ///< the executor's capture status as last reported
  const ir::Dataset* train_data_decl_;
  std::unique_ptr<Executor> executor_;
  Data train_data_;
  std::unique_ptr<BatchSource> batcher_;
  std::string data_note_;  ///< said once when training starts (where the data are kept)
  std::optional<Data> eval_data_;
  int64_t eval_batch_ = 0;
  std::unique_ptr<MetricsLog> metrics_;
  std::unique_ptr<EventsFile> events_;  ///< this segment's TensorBoard events (opened by run())
  int64_t total_steps_ = 0;
  RunState run_state_;
  /// When run() began: train records carry the seconds since then (time_s).
  std::chrono::steady_clock::time_point started_;
  std::optional<std::string> last_checkpoint_;
  std::string checkpoint_dir_;
  std::string sample_dir_;
};

/// The seed of the generated data sets (the toy sets) of a run seeded with `seed`, so that
/// `genc eval` regenerates the sets the run trained and evaluated on.
uint64_t data_seed(uint64_t seed);

/// Resolves "auto" / "cpu" / "cuda" to a device ("cuda" without a GPU is a RuntimeUserError).
torch::Device resolve_device(const std::string& device);

}  // namespace genc::runtime
