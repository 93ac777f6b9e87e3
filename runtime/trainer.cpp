// Trainer: the epoch/step loop of `genc run` around the Executor — data and batches,
// schedules for logging, evaluation, sample grids and checkpoints, exact resumption, and
// the non-finite-loss stop.
#include "runtime/trainer.h"

#include <torch/cuda.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "compiler/support/diagnostics.h"
#include "runtime/data/read_file.h"
#include "runtime/data/rng.h"
#include "runtime/cuda_support.h"
#include "runtime/errors.h"
#include "runtime/io/out_paths.h"
#include "runtime/io/sample_grid.h"

namespace genc::runtime {
namespace {

enum Stream : uint64_t { kBatches = 4, kDataGen = 5, kSamples = 6 };

/// The order of the training batches of a run seeded with `seed`.
uint64_t batch_seed(uint64_t seed) { return mix_seed(seed, kBatches); }

void make_dirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw RuntimeUserError("cannot create directory '" + dir + "': " + ec.message());
}

Data load(const ir::Dataset& decl, const TrainerOptions& o, uint64_t seed, torch::Device device) {
  LoadOptions lo;
  lo.seed = seed;
  lo.fashion_mnist_dir = o.fashion_mnist_dir;
  Data d = load_dataset(decl, lo);
  d.x = d.x.to(device);
  if (d.y) d.y = d.y->to(device);
  return d;
}

}  // namespace

uint64_t data_seed(uint64_t seed) { return mix_seed(seed, kDataGen); }

torch::Device resolve_device(const std::string& device) {
  if (device == "cpu") return torch::kCPU;
  bool cuda = torch::cuda::is_available();
  if (device == "cuda" && !cuda) throw RuntimeUserError("device cuda was asked for, but no CUDA GPU is available");
  return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

Trainer::Trainer(const ir::Program& program, size_t train_index, const lower::TrainingProgram& plan,
                 TrainConfig config, TrainerOptions options)
    : config_(std::move(config)), options_(std::move(options)), plan_(&plan) {
  GENC_ASSERT(train_index < program.trains.size(), "no train block " + std::to_string(train_index));
  const ir::Train& train = program.trains[train_index];
  const ir::Model* model = program.model(train.model);
  train_data_decl_ = program.dataset(train.data);
  GENC_ASSERT(model && train_data_decl_, "train block names an unknown model or dataset");
  model_ = model;
  device_ = resolve_device(options_.device.empty() ? config_.device : options_.device);

  train_data_ = load(*train_data_decl_, options_, data_seed(config_.seed), device_);
  batcher_ = std::make_unique<Batcher>(batched(train_data_), config_.batch, batch_seed(config_.seed));
  if (config_.eval.every > 0 && plan.eval) {
    const ir::Dataset* eval_decl = program.dataset(config_.eval_data);
    if (!eval_decl) throw RuntimeUserError("unknown eval dataset '" + config_.eval_data + "'");
    eval_data_ = load(*eval_decl, options_, data_seed(config_.seed), device_);
  }
  eval_batch_ = std::max<int64_t>(1, config_.batch / (plan.eval ? plan.eval->rows_per_example() : 1));
  executor_ = std::make_unique<Executor>(plan, *model, config_, device_);
  executor_->set_iteration_hook([this](const std::vector<StepMetrics>& m) { accumulate(m); });

  int64_t per_iteration = 0;
  for (const lower::Step& s : plan.steps)
    if (s.reads("x")) per_iteration += s.repeat;
  int64_t per_epoch = std::max<int64_t>(1, batcher_->batches_per_epoch() / std::max<int64_t>(1, per_iteration));
  total_steps_ = config_.steps ? *config_.steps : config_.epochs.value_or(1) * per_epoch;
  executor_->set_total_iterations(total_steps_);

  make_dirs(options_.out_dir);
  metrics_ = std::make_unique<MetricsLog>(options_.out_dir);
  checkpoint_dir_ = under(options_.out_dir, config_.checkpoint_dir);
  sample_dir_ = under(options_.out_dir, config_.sample_dir);
}

void Trainer::resume(const std::string& checkpoint) {
  CheckpointMeta meta = read_checkpoint_meta(checkpoint);
  if (meta.model != model_->name)
    throw file_error(checkpoint, "it is a checkpoint of model '" + meta.model + "', not '" + model_->name + "'");
  run_state_ = load_checkpoint(checkpoint, *executor_);
  batcher_->restore(run_state_.batcher);
  if (run_state_.log_count > 0) {
    window_sums_ = at::tensor(run_state_.log_sums, at::kDouble).to(device_);
    window_count_ = run_state_.log_count;
  }
  last_checkpoint_ = checkpoint;
}

Data Trainer::batched(const Data& data) const {
  bool labels_read = std::any_of(plan_->steps.begin(), plan_->steps.end(), [](const lower::Step& s) { return s.reads("y"); });
  return labels_read ? data : Data{data.x, std::nullopt};
}

bool Trainer::due(const Every& e, int64_t step, bool epoch_ended) const {
  if (e.every <= 0) return false;
  if (e.unit == "epochs") return epoch_ended && batcher_->state().epoch % e.every == 0;
  return step % e.every == 0;
}

std::vector<std::string> Trainer::metric_names(const std::vector<StepMetrics>& m) const {
  std::vector<std::string> names;
  for (const StepMetrics& s : m)
    for (const std::string& n : s.names) names.push_back(m.size() == 1 ? n : s.step + "_" + n);
  return names;
}

void Trainer::accumulate(const std::vector<StepMetrics>& metrics) {
  std::vector<at::Tensor> values, losses;
  for (const StepMetrics& m : metrics) {
    values.push_back(m.values);
    losses.push_back(m.values.slice(0, 0, 1));
  }
  // One step: views of its values, no copies (each kernel counts on a GPU).
  at::Tensor all = values.size() == 1 ? values[0] : at::cat(values);
  at::Tensor loss = losses.size() == 1 ? losses[0] : at::cat(losses);
  if (metric_names_.empty()) {
    metric_names_ = metric_names(metrics);
    headline_ = metric_names_.size() - metrics.back().names.size();
  }
  // Allocated on the first (eager) iteration and updated in place from then on, so that a
  // captured CUDA graph keeps updating the same tensors.
  if (!window_sums_.defined()) window_sums_ = at::zeros_like(all);
  if (!first_bad_.defined()) {
    at::TensorOptions i64 = at::TensorOptions().dtype(at::kLong).device(device_);
    first_bad_ = at::full({}, -1, i64);
    bad_losses_ = at::zeros_like(loss);
    step_ = at::full({}, executor_->iteration(), i64);
  }
  window_sums_.add_(all);
  step_.add_(1);
  at::Tensor first = at::logical_and(first_bad_ < 0, at::logical_not(at::isfinite(loss).all()));
  at::where_out(first_bad_, first, step_, first_bad_);
  at::where_out(bad_losses_, first, loss, bad_losses_);
}

void Trainer::check_finite() {
  if (!first_bad_.defined()) return;
  int64_t bad = first_bad_.item<int64_t>();
  if (bad < 0) return;
  at::Tensor losses = bad_losses_.cpu();
  size_t k = 0;
  while (k + 1 < plan_->steps.size() && std::isfinite(losses[static_cast<int64_t>(k)].item<double>())) ++k;
  std::string origin = replay(bad);
  throw RuntimeUserError(fmt::format(
      "the loss of step '{}' became {} at step {}: {}; {}", plan_->steps[k].name,
      losses[static_cast<int64_t>(k)].item<double>(), bad, origin,
      last_checkpoint_ ? "the last good checkpoint is " + *last_checkpoint_ : "no checkpoint was written before it"));
}

std::string Trainer::replay(int64_t step) {
  TrainConfig eager = config_;
  eager.cuda_graph = false;  // the traced iteration runs eagerly: so do the ones before it
  Executor executor(*plan_, *model_, eager, device_);
  executor.set_total_iterations(total_steps_);
  Batcher batcher(batched(train_data_), config_.batch, batch_seed(config_.seed));
  if (last_checkpoint_) batcher.restore(load_checkpoint(*last_checkpoint_, executor).batcher);
  auto next = [&] { return batcher.next(); };
  while (executor.iteration() + 1 < step) executor.train_iteration(next);
  std::optional<std::string> fault = executor.trace_non_finite(next);
  return fault ? *fault : "replaying that iteration with checks on found no non-finite value";
}

void Trainer::log(int64_t step) {
  if (window_count_ == 0) return;
  std::vector<double> sums = host_doubles(window_sums_);
  MetricsRecord r;
  r.step = step;
  r.epoch = batcher_->state().epoch;
  r.split = "train";
  // The loss of the last step (the generator's for a GAN) is the headline; the rest follow.
  for (size_t i = 0; i < metric_names_.size(); ++i) {
    double mean = sums[i] / static_cast<double>(window_count_);
    if (i == headline_)
      r.loss = mean;
    else
      r.extra.emplace_back(metric_names_[i], mean);
  }
  shown_loss_ = r.loss;
  r.extra.emplace_back("lr", config_.optimizer.lr *
                                 config_.schedule.factor(step - 1, total_steps_, config_.optimizer.lr));
  r.extra.emplace_back("time_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  if (std::optional<int64_t> peak = peak_memory_bytes(device_))
    r.extra.emplace_back("gpu_peak_mb", static_cast<double>(*peak) / (1 << 20));
  record(r);
  window_sums_.zero_();
  window_count_ = 0;
}

void Trainer::save_window() {
  run_state_.log_sums = window_count_ > 0 ? host_doubles(window_sums_) : std::vector<double>{};
  run_state_.log_count = window_count_;
}

std::vector<std::pair<std::string, double>> Trainer::evaluate() {
  auto [sums, count] = executor_->eval_all(EvalBatches(eval_data_ ? *eval_data_ : train_data_, eval_batch_));
  const std::vector<std::string>& names = executor_->eval_outputs();
  std::vector<std::pair<std::string, double>> out;
  for (size_t k = 0; k < names.size(); ++k) out.emplace_back(names[k], sums[k] / std::max<int64_t>(1, count));
  return out;
}

void Trainer::record(const MetricsRecord& r) {
  metrics_->append(r);
  std::vector<std::pair<std::string, double>> values = {{"loss", r.loss}};
  values.insert(values.end(), r.extra.begin(), r.extra.end());
  events_->add_scalars(r.step, r.split, values);
}

void Trainer::write_samples(const std::string& tag, int64_t step) {
  Data s = executor_->sample(config_.sample_n, mix_seed(config_.seed, kSamples));
  const std::vector<std::string> files = default_sample_files(s.x, (std::filesystem::path(sample_dir_) / tag).string(), train_data_decl_);
  if (files.empty()) return;
  make_dirs(sample_dir_);
  for (const std::string& f : files) {
    runtime::write_samples(f, s, *train_data_decl_);
    if (std::filesystem::path(f).extension() == ".png") events_->add_png(step, "samples", read_data_file(f));
  }
}

std::string Trainer::save(int64_t step) {
  make_dirs(checkpoint_dir_);
  CheckpointMeta meta{options_.source_path, options_.source_text, options_.overrides, model_->name, step,
                      batcher_->state().epoch};
  run_state_.batcher = batcher_->state();
  save_window();
  std::string path = checkpoint_path(checkpoint_dir_, step);
  save_checkpoint(path, *executor_, run_state_, meta);
  last_checkpoint_ = path;
  return path;
}

TrainSummary Trainer::run() {
  started_ = std::chrono::steady_clock::now();
  events_ = std::make_unique<EventsFile>(options_.out_dir, executor_->iteration());
  std::optional<Progress> progress;
  if (options_.progress)
    progress.emplace(total_steps_, *options_.progress, false);
  else
    progress.emplace(Progress::to_stdout(total_steps_));
  TrainSummary summary;
  int64_t step = executor_->iteration();
  int64_t epoch = batcher_->state().epoch;
  std::optional<int64_t> saved_at;
  auto done = [&] { return config_.steps ? step >= *config_.steps : epoch >= config_.epochs.value_or(1); };
  while (!done()) {
    std::vector<StepMetrics> m = executor_->train_iteration([&] { return batcher_->next(); });
    ++window_count_;
    step = executor_->iteration();
    if (std::string how = executor_->capture_status(); how != shown_capture_) {
      if (device_.is_cuda()) progress->message("training iterations on " + device_.str() + ": " + how);
      shown_capture_ = how;
    }
    bool epoch_ended = batcher_->state().epoch > epoch;
    epoch = batcher_->state().epoch;
    progress->update(step, epoch, shown_loss_);
    bool eval_due = executor_->has_eval() && due(config_.eval, step, epoch_ended);
    bool sample_due = executor_->can_sample() && due(config_.sample, step, epoch_ended);
    bool checkpoint_due = due(config_.checkpoint, step, epoch_ended);
    bool log_due = due(config_.log, step, epoch_ended);
    if (log_due || eval_due || sample_due || checkpoint_due) check_finite();
    if (log_due) log(step);
    if (eval_due) {
      MetricsRecord r;
      r.step = step;
      r.epoch = epoch;
      r.split = "test";
      std::string text = fmt::format("eval at step {} (epoch {}):", step, epoch);
      for (const auto& [name, value] : evaluate()) {
        if (name == "loss")
          r.loss = value;
        else
          r.extra.emplace_back(name, value);
        text += fmt::format(" {} {:.4f}", name, value);
      }
      record(r);
      progress->message(text);
    }
    if (sample_due)
      write_samples(config_.sample.unit == "epochs" ? fmt::format("epoch_{:03d}", epoch)
                                                    : fmt::format("step_{:08d}", step),
                    step);
    if (checkpoint_due) {
      save(step);
      saved_at = step;
    }
    summary.last = std::move(m);
    if (options_.stop_requested && options_.stop_requested()) {
      summary.interrupted = true;
      break;
    }
  }
  check_finite();
  log(step);
  if ((config_.checkpoint.every > 0 || summary.interrupted) && saved_at != step) save(step);
  progress->finish();
  summary.steps = step;
  summary.epochs = epoch;
  summary.checkpoint = last_checkpoint_;
  return summary;
}

}  // namespace genc::runtime
