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
#include "runtime/data/prefetch.h"
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

Data load(const ir::Dataset& decl, const TrainerOptions& o, uint64_t seed) {
  LoadOptions lo;
  lo.seed = seed;
  lo.fashion_mnist_dir = o.fashion_mnist_dir;
  return load_dataset(decl, lo);
}

int64_t bytes_of(const Data& d) { return d.x.nbytes() + (d.y ? d.y->nbytes() : 0); }

/// Whether the training data stay in host memory: asked for, or on a GPU with less free
/// memory than twice their size (the rest is for the model and its activations).
bool keep_on_host(const Data& d, torch::Device device, bool asked) {
  if (asked) return true;
  if (!device.is_cuda()) return false;
  std::optional<int64_t> free = free_memory_bytes(device);
  return free && bytes_of(d) * 2 > *free;
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
  BatchShard shard;
  if (options_.group) {
    shard = {options_.group->rank(), options_.group->world_size()};
    device_ = options_.group->device();
  }

  train_data_ = load(*train_data_decl_, options_, data_seed(config_.seed));
  const bool on_host = keep_on_host(train_data_, device_, options_.prefetch_from_host);
  if (on_host) {
    // Evaluation batches are copied to the device one at a time (Executor::batch_sums).
    batcher_ = std::make_unique<PrefetchBatcher>(batched(train_data_), config_.batch, batch_seed(config_.seed), device_,
                                                 PrefetchBatcher::kDepth, shard);
    data_note_ = fmt::format("training data ({:.1f} MiB) kept in host memory, batches prefetched to {}",
                             bytes_of(train_data_) / 1048576.0, device_.str());
  } else {
    train_data_ = to_device(train_data_, device_);
    batcher_ = std::make_unique<Batcher>(batched(train_data_), config_.batch, batch_seed(config_.seed),
                                         /*pinned=*/false, shard);
  }
  if (config_.eval.every > 0 && plan.eval) {
    const ir::Dataset* eval_decl = program.dataset(config_.eval_data);
    if (!eval_decl) throw RuntimeUserError("unknown eval dataset '" + config_.eval_data + "'");
    eval_data_ = load(*eval_decl, options_, data_seed(config_.seed));
    if (!on_host) eval_data_ = to_device(*eval_data_, device_);
  }
  eval_batch_ = std::max<int64_t>(1, config_.batch / (plan.eval ? plan.eval->rows_per_example() : 1));
  executor_ = std::make_unique<Executor>(plan, *model, config_, device_);
  if (options_.group) executor_->set_data_parallel(*options_.group);
  executor_->set_iteration_hook([this](const std::vector<StepMetrics>& m) { accumulate(m); });

  int64_t per_iteration = 0;
  for (const lower::Step& s : plan.steps)
    if (s.reads("x")) per_iteration += s.repeat;
  int64_t per_epoch = std::max<int64_t>(1, batcher_->batches_per_epoch() / std::max<int64_t>(1, per_iteration));
  total_steps_ = config_.steps ? *config_.steps : config_.epochs.value_or(1) * per_epoch;
  executor_->set_total_iterations(total_steps_);

  if (writer()) {
    make_dirs(options_.out_dir);
    metrics_ = std::make_unique<MetricsLog>(options_.out_dir);
  }
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
  std::vector<at::Tensor> values;
  for (const StepMetrics& m : metrics) values.push_back(m.values);
  // One step: a view of its values, no copy (each kernel counts on a GPU).
  at::Tensor all = values.size() == 1 ? values[0] : at::cat(values);
  if (metric_names_.empty()) {
    metric_names_ = metric_names(metrics);
    headline_ = metric_names_.size() - metrics.back().names.size();
    size_t slot = 0;
    for (const StepMetrics& m : metrics) {
      loss_slots_.push_back(slot);
      slot += m.names.size();
    }
  }
  // Allocated on the first (eager) iteration and updated in place from then on, so that a
  // captured CUDA graph keeps updating the same tensor.
  if (!window_sums_.defined()) window_sums_ = at::zeros_like(all);
  window_sums_.add_(all);
}

void Trainer::check_finite(int64_t step) {
  if (window_count_ == 0) return;
  if (options_.group) {
    // The window's sums become the means over the ranks (the global batch's): every rank
    // then holds the same sums, and sums added later are averaged at the next check.
    options_.group->all_reduce_sum(window_sums_, fmt::format("the all-reduce of the step metrics at step {}", step));
    window_sums_.div_(options_.group->world_size());
  }
  std::vector<double> sums = host_doubles(window_sums_);
  if (std::all_of(loss_slots_.begin(), loss_slots_.end(), [&](size_t i) { return std::isfinite(sums[i]); })) return;
  // Every rank sees the same sums; rank 0 replays the run alone at the global batch (which
  // data-parallel training equals) and reports.
  if (!writer()) throw ReportedByRankZero("a loss became non-finite");
  std::string last_good = last_checkpoint_ ? "the last good checkpoint is " + *last_checkpoint_
                                           : "no checkpoint was written before it";
  NonFinite bad = replay(step);
  if (bad.step < 0)  // every loss finite, their sum not: it overflowed
    throw RuntimeUserError(fmt::format("the losses grew past the float range by step {} (their sum over the "
                                       "log window overflowed); {}", step, last_good));
  size_t k = 0;
  while (k + 1 < bad.losses.size() && std::isfinite(bad.losses[k])) ++k;
  throw RuntimeUserError(fmt::format("the loss of step '{}' became {} at step {}: {}; {}", plan_->steps[k].name,
                                     bad.losses[k], bad.step, bad.origin, last_good));
}

std::pair<std::unique_ptr<Executor>, std::unique_ptr<Batcher>> Trainer::replayer() {
  TrainConfig eager = config_;
  eager.cuda_graph = false;  // the traced iteration runs eagerly: so do the ones before it
  auto executor = std::make_unique<Executor>(*plan_, *model_, eager, device_);
  executor->set_total_iterations(total_steps_);
  auto batcher = std::make_unique<Batcher>(batched(train_data_), config_.batch, batch_seed(config_.seed));
  if (last_checkpoint_) batcher->restore(load_checkpoint(*last_checkpoint_, *executor).batcher);
  return {std::move(executor), std::move(batcher)};
}

Trainer::NonFinite Trainer::replay(int64_t upto) {
  NonFinite bad;
  {  // 1. The iteration: the first whose losses are not all finite.
    auto [executor, batcher] = replayer();
    auto next = [&, b = batcher.get()] { return b->next(); };
    while (executor->iteration() < upto) {
      std::vector<double> losses;
      for (const StepMetrics& m : executor->train_iteration(next)) losses.push_back(m.host()[0]);
      if (!std::all_of(losses.begin(), losses.end(), [](double l) { return std::isfinite(l); })) {
        bad.step = executor->iteration();
        bad.losses = losses;
        break;
      }
    }
  }
  if (bad.step < 0) return bad;
  // 2. That iteration again, with every kernel's results checked.
  auto [executor, batcher] = replayer();
  auto next = [&, b = batcher.get()] { return b->next(); };
  while (executor->iteration() + 1 < bad.step) executor->train_iteration(next);
  std::optional<std::string> fault = executor->trace_non_finite(next);
  bad.origin = fault ? *fault : "replaying that iteration with checks on found no non-finite value";
  return bad;
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
  if (options_.group) executor_->broadcast_buffers();
  auto [sums, count] = executor_->eval_all(EvalBatches(eval_data_ ? *eval_data_ : train_data_, eval_batch_));
  const std::vector<std::string>& names = executor_->eval_outputs();
  std::vector<std::pair<std::string, double>> out;
  for (size_t k = 0; k < names.size(); ++k) out.emplace_back(names[k], sums[k] / std::max<int64_t>(1, count));
  return out;
}

void Trainer::record(const MetricsRecord& r) {
  if (!writer()) return;
  metrics_->append(r);
  std::vector<std::pair<std::string, double>> values = {{"loss", r.loss}};
  values.insert(values.end(), r.extra.begin(), r.extra.end());
  events_->add_scalars(r.step, r.split, values);
}

void Trainer::write_samples(const std::string& tag, int64_t step) {
  if (!writer()) return;  // sampling draws from a stream of its own: the other ranks skip it
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
  if (writer()) make_dirs(checkpoint_dir_);
  CheckpointMeta meta{options_.source_path, options_.source_text, options_.overrides, model_->name, step,
                      batcher_->state().epoch};
  run_state_.batcher = batcher_->state();
  save_window();
  std::string path = checkpoint_path(checkpoint_dir_, step);
  // Rank 0's state is the run's: parameters, optimizer states, random stream, batch order
  // and metric sums are the same on every rank (batchnorm statistics are rank 0's).
  if (writer()) save_checkpoint(path, *executor_, run_state_, meta);
  last_checkpoint_ = path;
  return path;
}

TrainSummary Trainer::run() {
  started_ = std::chrono::steady_clock::now();
  if (options_.group) executor_->broadcast_state();
  if (writer()) events_ = std::make_unique<EventsFile>(options_.out_dir, executor_->iteration());
  std::optional<Progress> progress;
  if (options_.progress)
    progress.emplace(total_steps_, *options_.progress, false);
  else
    progress.emplace(Progress::to_stdout(total_steps_));
  if (!data_note_.empty()) progress->message(data_note_);
  TrainSummary summary;
  int64_t step = executor_->iteration();
  int64_t epoch = batcher_->state().epoch;
  std::optional<int64_t> saved_at;
  auto done = [&] { return config_.steps ? step >= *config_.steps : epoch >= config_.epochs.value_or(1); };
  while (!done()) {
    std::vector<StepMetrics> m = executor_->train_iteration([&] { return batcher_->next(); },
                                                            [&](Data& into) { batcher_->next_into(into); });
    ++window_count_;
    step = executor_->iteration();
    if (std::string how = executor_->capture_status(); how != shown_capture_) {
      if (device_.is_cuda()) progress->message("training iterations on " + device_.str() + ": " + how);
      shown_capture_ = how;
    }
    bool epoch_ended = batcher_->state().epoch > epoch;
    epoch = batcher_->state().epoch;
    bool eval_due = executor_->has_eval() && due(config_.eval, step, epoch_ended);
    bool sample_due = executor_->can_sample() && due(config_.sample, step, epoch_ended);
    bool checkpoint_due = due(config_.checkpoint, step, epoch_ended);
    bool log_due = due(config_.log, step, epoch_ended);
    if (log_due || eval_due || sample_due || checkpoint_due) check_finite(step);
    if (log_due) log(step);
    progress->update(step, epoch, shown_loss_);
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
  check_finite(step);
  log(step);
  progress->update(step, epoch, shown_loss_);
  if ((config_.checkpoint.every > 0 || summary.interrupted) && saved_at != step) save(step);
  progress->finish();
  summary.steps = step;
  summary.epochs = epoch;
  summary.checkpoint = last_checkpoint_;
  return summary;
}

}  // namespace genc::runtime
