// Executor: builds parameters, compiled graphs, optimizers and EMA from a TrainingProgram
// and runs training iterations, evaluation and sampling; saves and restores its state.
#include "runtime/executor.h"

#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/lower/schedule.h"
#include "compiler/lower/step_handoff.h"
#include "compiler/support/diagnostics.h"
#include "runtime/compat.h"
#include "runtime/data/rng.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

enum Stream : uint64_t { kInit = 0, kTrain = 1, kEval = 2 };

/// "the first non-finite value comes from 'log' at critic.gen:6:12" for a checked run's fault.
std::string first_non_finite(const CompiledGraph::Fault& f) {
  return fmt::format("the first non-finite value comes from '{}'{} at {}", f.op,
                     f.param.empty() ? "" : " ('" + f.param + "')", f.loc.valid() ? f.loc.str() : "an op genc added");
}

at::Tensor field(const Data& d, DataField f) {
  if (f == DataField::X) return d.x;
  GENC_ASSERT(d.y.has_value(), "a routine reads labels, but the batch has none");
  return *d.y;
}

std::vector<DataField> data_fields(const lower::Routine& r) {
  std::vector<DataField> out;
  for (const std::string& name : r.inputs) out.push_back(data_field(r.name, name));
  return out;
}

std::vector<at::Tensor> bind_inputs(const Data& batch, const std::vector<DataField>& fields) {
  std::vector<at::Tensor> out;
  out.reserve(fields.size());
  for (DataField f : fields) out.push_back(field(batch, f));
  return out;
}

/// The batch mean of each of `graph`'s outputs `which`, as float64 on the device. On the CPU
/// one float mean per output (the order of additions every loss trace was recorded with); on
/// a GPU, where each kernel launch counts, the per-example outputs stacked and averaged in two.
at::Tensor batch_means(const CompiledGraph& graph, const std::vector<size_t>& which, const at::Device& device) {
  std::vector<at::Tensor> outputs;
  for (size_t i : which) outputs.push_back(graph.output(i).detach());
  bool stackable = std::all_of(outputs.begin(), outputs.end(),
                               [&](const at::Tensor& t) { return t.sizes() == outputs[0].sizes(); });
  if (device.is_cuda() && stackable) return at::stack(outputs).flatten(1).mean(1, /*keepdim=*/false, at::kDouble);
  std::vector<at::Tensor> means;
  for (const at::Tensor& t : outputs) means.push_back(t.mean());
  return at::stack(means).to(at::kDouble);
}

bool all_finite(const std::vector<at::Tensor>& ts) {
  return std::all_of(ts.begin(), ts.end(), [](const at::Tensor& t) { return is_finite(t); });
}

}  // namespace

DataField data_field(const std::string& routine, const std::string& name) {
  if (name == "x") return DataField::X;
  if (name == "y") return DataField::Y;
  internal_error("routine " + routine + " reads '" + name + "', which no batch provides");
}

std::vector<double> host_doubles(const at::Tensor& t) {
  at::Tensor v = t.to(at::kDouble).cpu().contiguous();
  return {v.data_ptr<double>(), v.data_ptr<double>() + v.numel()};
}

std::vector<double> StepMetrics::host() const { return host_doubles(values); }

uint64_t Executor::init_seed(uint64_t seed) { return mix_seed(seed, kInit); }
uint64_t Executor::train_seed(uint64_t seed) { return mix_seed(seed, kTrain); }

Executor::Executor(const lower::TrainingProgram& program, const ir::Model& model, const TrainConfig& config,
                   torch::Device device)
    : device_(device),
      config_(config),
      params_(std::make_unique<ParamStore>(model, device, mix_seed(config.seed, kInit))),
      train_rng_(compat::make_generator(device, mix_seed(config.seed, kTrain))),
      eval_rng_(compat::make_generator(device, mix_seed(config.seed, kEval))) {
  std::string no_fused;
  bool fused = GroupOptimizer::fused_available(config.optimizer, device, &no_fused);
  for (const lower::OptimizerGroup& g : program.optimizers) {
    optimizers_.push_back(std::make_unique<GroupOptimizer>(g.name, params_->parameters(g.params), config.optimizer,
                                                           config.clip_grad, fused));
  }
  if (config.precision != "fp32") {
    if (!device.is_cuda())
      throw RuntimeUserError("precision " + config.precision + " is autocast on a CUDA GPU; on the " + device.str() +
                             " train with precision fp32");
    autocast_ = config.precision == "bf16" ? at::kBFloat16 : at::kHalf;
  }
  if (config.precision == "fp16") {
    if (!fused)
      throw RuntimeUserError("precision fp16 needs a loss scale that skips overflowing updates, which genc has for "
                             "adam and adamw on CUDA: " + no_fused);
    at::TensorOptions f32 = at::TensorOptions().dtype(at::kFloat).device(device);
    loss_scale_ = LossScale{at::full({}, 65536.0, f32), at::zeros({}, f32.dtype(at::kInt)), at::zeros({}, f32)};
  }
  for (size_t k = 0; k < program.steps.size(); ++k) add_step(program, k);
  if (program.eval) {
    eval_ = std::make_unique<CompiledGraph>(*program.eval, *params_, nullptr);
    eval_inputs_ = data_fields(*program.eval);
  }
  if (program.sample) sample_ = std::make_unique<LoopRunner>(*program.sample, *params_);
  if (program.objective == ir::DenoiseOptions::kName && !model.schedules.empty()) {
    lower::ScheduleSpec spec = lower::ScheduleSpec::of_setting(model.schedules.front());
    noise_schedule_ = at::tensor(lower::alpha_bars(spec), at::kDouble);
    noise_schedule_text_ = spec.str();
  }
  if (config.ema > 0) {
    std::vector<at::Tensor> all;
    for (auto& [name, p] : params_->named_parameters()) all.push_back(p);
    ema_ = std::make_unique<Ema>(all, config.ema);
  }
  if (device.is_cuda() && config.cuda_graph) {
    capture_off_ = fused ? capture_blocker(program) : no_fused;
    if (capture_off_.empty()) {
      capture_.emplace(Capture{});  // clang cannot value-initialise it in place
      use_capture_stream(device);
    }
  }
}

void Executor::set_data_parallel(dist::ProcessGroup& group) {
  group_ = &group;
  for (auto& o : optimizers_) reducers_.push_back(std::make_unique<dist::GradReducer>(group, o->name()));
  for (StepRun& s : steps_)
    for (size_t i = 0; i < optimizers_.size(); ++i)
      if (optimizers_[i].get() == s.optimizer) s.reducer = reducers_[i].get();
  if (capture_) {
    capture_.reset();
    capture_off_ = "data-parallel training runs its iterations eagerly";
  }
}

void Executor::broadcast_state() {
  GENC_ASSERT(group_ != nullptr, "broadcast_state outside data-parallel training");
  std::vector<at::Tensor> all = params_->root().parameters();
  for (const at::Tensor& b : params_->root().buffers()) all.push_back(b);
  if (ema_)
    for (const at::Tensor& s : ema_->shadow()) all.push_back(s);
  group_->broadcast(all, "the broadcast of rank 0's parameters");
}

void Executor::broadcast_buffers() {
  GENC_ASSERT(group_ != nullptr, "broadcast_buffers outside data-parallel training");
  std::vector<at::Tensor> buffers = params_->root().buffers();
  if (!buffers.empty()) group_->broadcast(buffers, "the broadcast of rank 0's batchnorm statistics");
}

void Executor::add_step(const lower::TrainingProgram& program, size_t index) {
  const lower::Step& s = program.steps[index];
  StepRun run;
  run.repeat = s.repeat;
  run.reads_x = s.reads("x");
  for (auto& o : optimizers_)
    if (o->name() == s.optimizer) run.optimizer = o.get();
  GENC_ASSERT(run.optimizer, "step " + s.name + " names no optimizer group");
  std::set<std::string> handed_in;
  for (const std::string& name : s.inputs) {
    StepInput in;
    if (std::optional<lower::Handoff> h = lower::handoff_of(name)) {
      for (size_t k = 0; k < index; ++k) {
        if (program.steps[k].name != h->step) continue;
        in.from = steps_[k].graph.get();
        in.output = static_cast<size_t>(program.steps[k].output_index(h->output));
      }
      GENC_ASSERT(in.from, "step " + s.name + " reads " + name + ", which no earlier step makes");
      handed_in.insert(name);
    } else {
      in.field = data_field(s.name, name);
    }
    run.inputs.push_back(in);
  }
  for (size_t i = 0; i < s.outputs.size(); ++i) {
    if (lower::handed_on(program, index, s.outputs[i])) continue;
    run.metrics.push_back(i);
    run.metric_names.push_back(s.outputs[i]);
  }
  // Its group's parameters and those of the later steps that differentiate what it hands on.
  std::set<std::string> recorded = lower::recorded_params(program, index);
  run.graph = std::make_unique<CompiledGraph>(s, *params_, &recorded, handed_in);
  steps_.push_back(std::move(run));
}

std::vector<at::Tensor> Executor::step_inputs(const StepRun& s, const Data& batch) const {
  std::vector<at::Tensor> out;
  out.reserve(s.inputs.size());
  for (const StepInput& in : s.inputs) out.push_back(in.from ? in.from->output(in.output) : field(batch, in.field));
  return out;
}

void Executor::use_cpu_random_stream() {
  train_rng_ = compat::make_generator(at::kCPU, mix_seed(config_.seed, kTrain));
  capture_.reset();
  capture_off_ = "the training random numbers come from the CPU";
}

std::string Executor::capture_blocker(const lower::TrainingProgram& program) const {
  if (!steps_.empty() && !steps_.front().reads_x)
    return "its first step, '" + program.steps.front().name + "', takes no batch of its own";
  return "";
}

std::string Executor::capture_status() const {
  if (capture_ && capture_->graph)
    return "cuda graph (captured at iteration " + std::to_string(capture_->captured_at) + ")";
  if (capture_)
    return "cuda graph (to be captured at iteration " +
           std::to_string(iteration_ + std::max<int64_t>(0, kWarmupIterations - eager_iterations_) + 1) + ")";
  return capture_off_.empty() ? "eager" : "eager: " + capture_off_;
}

int64_t Executor::batches_per_iteration() const {
  int64_t n = 0;
  for (const StepRun& s : steps_)
    if (s.reads_x) n += s.repeat;
  return n;
}

std::optional<std::string> Executor::run_step(StepRun& s, const NextBatch& next_batch, bool trace) {
  if (s.reads_x || !last_batch_) last_batch_ = to_device(next_batch(), device_);
  const Data& batch = *last_batch_;
  std::optional<std::string> fault;
  if (trace && !all_finite(s.optimizer->params()))
    fault = "its parameters were already non-finite before it (an earlier update diverged: a lower learning "
            "rate or clip_grad may help)";
  std::vector<at::Tensor> inputs = step_inputs(s, batch);
  if (group_) s.graph->set_shard({group_->rank() * batch.size(), group_->world_size() * batch.size()});
  std::optional<compat::CudaAutocast> autocast;
  if (autocast_) autocast.emplace(*autocast_);
  if (trace) {
    std::optional<CompiledGraph::Fault> f = s.graph->run_checked(inputs, batch.size(), /*training=*/true, train_rng_);
    if (f && !fault)
      fault = first_non_finite(*f);
  } else {
    s.graph->run(inputs, batch.size(), /*training=*/true, train_rng_);
  }
  at::Tensor loss = autocast_ ? s.graph->output(0).to(at::kFloat).mean() : s.graph->output(0).mean();
  autocast.reset();  // the backward pass follows the forward pass's number formats
  if (loss_scale_) loss = loss * loss_scale_->scale;
  std::vector<at::Tensor> grads =
      torch::autograd::grad({loss}, s.optimizer->params(), /*grad_outputs=*/{}, /*retain_graph=*/false,
                            /*create_graph=*/false, /*allow_unused=*/true);
  if (s.reducer) s.reducer->average(grads, "step '" + s.graph->name() + "' of iteration " + std::to_string(iteration_ + 1));
  if (trace && !fault && !all_finite(grads)) fault = "its forward pass is finite, but its gradient is not";
  s.optimizer->set_grads(grads);
  if (!loss_scale_) {
    s.optimizer->step();
    return fault;
  }
  // fp16 (GradScaler's recipe): unscale, skip the update on overflow, adapt the scale.
  LossScale& ls = *loss_scale_;
  std::vector<at::Tensor> defined;
  for (const at::Tensor& g : grads)
    if (g.defined()) defined.push_back(g);
  ls.found_inf.zero_();
  at::_amp_foreach_non_finite_check_and_unscale_(defined, ls.found_inf, ls.scale.reciprocal());
  s.optimizer->step(ls.found_inf);
  at::_amp_update_scale_(ls.scale, ls.growth_tracker, ls.found_inf, /*growth_factor=*/2.0,
                         /*backoff_factor=*/0.5, /*growth_interval=*/2000);
  return fault;
}

void Executor::set_learning_rates() {
  double factor = config_.schedule.factor(iteration_, total_iterations_, config_.optimizer.lr);
  for (auto& o : optimizers_) o->set_lr_factor(factor);
}

std::vector<StepMetrics> Executor::iteration_body(const NextBatch& next_batch, std::optional<std::string>* trace) {
  std::vector<StepMetrics> out;
  for (StepRun& s : steps_) {
    StepMetrics m;
    m.step = s.graph->name();
    m.names = s.metric_names;
    for (int r = 0; r < s.repeat; ++r) {
      std::optional<std::string> fault = run_step(s, next_batch, trace != nullptr);
      if (fault && trace && !*trace) *trace = "step '" + m.step + "': " + *fault;
    }
    m.values = batch_means(*s.graph, s.metrics, device_);
    out.push_back(std::move(m));
  }
  if (ema_) ema_->update();
  if (hook_) hook_(out);
  return out;
}

std::vector<StepMetrics> Executor::iteration(const NextBatch& next_batch, std::optional<std::string>* trace) {
  set_learning_rates();
  std::vector<StepMetrics> out = iteration_body(next_batch, trace);
  ++iteration_;
  ++eager_iterations_;
  return out;
}

std::vector<StepMetrics> Executor::captured_iteration(const NextBatch& next_batch, const FillBatch& fill) {
  Capture& c = *capture_;
  set_learning_rates();
  // This iteration's batches into the static buffers the graph reads.
  for (int64_t k = 0; k < batches_per_iteration(); ++k) {
    if (static_cast<size_t>(k) == c.batches.size()) {
      Data b = to_device(next_batch(), device_);
      c.batches.push_back({b.x.clone(), b.y ? std::optional<at::Tensor>(b.y->clone()) : std::nullopt});
      continue;
    }
    Data& slot = c.batches[static_cast<size_t>(k)];
    if (fill) {
      fill(slot);
      continue;
    }
    Data b = to_device(next_batch(), device_);
    slot.x.copy_(b.x);
    if (b.y) slot.y->copy_(*b.y);
  }
  if (!c.graph) {
    std::string why;
    c.graph = make_iteration_graph(device_, {train_rng_}, &why);
    size_t served = 0;
    NextBatch from_buffers = [&] { return c.batches.at(served++); };
    try {
      if (!c.graph) throw RuntimeUserError(why);
      c.graph->capture([&] { c.metrics = iteration_body(from_buffers, nullptr); });
      c.captured_at = iteration_ + 1;
    } catch (const std::exception& e) {
      // Nothing of the iteration ran: run it eagerly, and every later one too.
      const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
      capture_off_ = std::string("the training iteration could not be captured as a CUDA graph: ") +
                     (torch_error ? torch_error->what_without_backtrace() : e.what());
      std::vector<Data> batches = std::move(c.batches);
      capture_.reset();
      served = 0;
      NextBatch again = [&] { return batches.at(served++); };
      return iteration(again, nullptr);
    }
  }
  c.graph->replay();
  ++iteration_;
  return c.metrics;
}

std::vector<StepMetrics> Executor::train_iteration(const NextBatch& next_batch, const FillBatch& fill) {
  if (capture_ && eager_iterations_ >= kWarmupIterations) return captured_iteration(next_batch, fill);
  return iteration(next_batch, nullptr);
}

std::optional<std::string> Executor::trace_non_finite(const NextBatch& next_batch) {
  std::optional<std::string> fault;
  iteration(next_batch, &fault);
  return fault;
}

const std::vector<std::string>& Executor::eval_outputs() const {
  GENC_ASSERT(eval_ != nullptr, "the program has no eval graph");
  return eval_->output_names();
}

void Executor::reset_eval_rng() { eval_rng_ = compat::make_generator(device_, mix_seed(config_.seed, kEval)); }

void Executor::with_eval_weights(const std::function<void()>& fn) {
  if (ema_) ema_->swap();
  try {
    fn();
  } catch (...) {
    if (ema_) ema_->swap();
    throw;
  }
  if (ema_) ema_->swap();
}

std::vector<double> Executor::batch_sums(const Data& batch) {
  GENC_ASSERT(eval_ != nullptr, "the program has no eval graph");
  Data b = to_device(batch, device_);
  eval_->run(bind_inputs(b, eval_inputs_), b.size(), /*training=*/false, eval_rng_);
  std::vector<at::Tensor> parts;
  for (size_t i = 0; i < eval_->output_names().size(); ++i) parts.push_back(eval_->output(i).sum());
  at::Tensor values = at::stack(parts).to(at::kDouble).cpu();
  return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}

std::pair<std::vector<double>, int64_t> Executor::shard_sums(const Data& batch) {
  const int64_t n = batch.size(), rank = group_->rank(), world = group_->world_size();
  const int64_t begin = n * rank / world, end = n * (rank + 1) / world;
  if (begin == end) {
    eval_->set_shard({});
    batch_sums(batch);
    return {std::vector<double>(eval_outputs().size(), 0.0), 0};
  }
  eval_->set_shard({begin, n});
  Data rows{batch.x.narrow(0, begin, end - begin),
            batch.y ? std::optional<at::Tensor>(batch.y->narrow(0, begin, end - begin)) : std::nullopt};
  std::vector<double> sums = batch_sums(rows);
  eval_->set_shard({});
  return {sums, end - begin};
}

std::pair<std::vector<double>, int64_t> Executor::eval_all(const EvalBatches& batches) {
  reset_eval_rng();
  std::vector<double> sums(eval_outputs().size(), 0.0);
  int64_t count = 0;
  with_eval_weights([&] {
    for (int64_t i = 0; i < batches.size(); ++i) {
      Data b = batches[i];
      auto [s, rows] = group_ ? shard_sums(b) : std::make_pair(batch_sums(b), b.size());
      for (size_t k = 0; k < sums.size(); ++k) sums[k] += s[k];
      count += rows;
    }
  });
  if (group_) {  // the sums and the count over every rank, in one all-reduce
    sums.push_back(static_cast<double>(count));
    sums = group_->all_reduce_sum(sums, "the all-reduce of the evaluation sums");
    count = static_cast<int64_t>(sums.back() + 0.5);
    sums.pop_back();
  }
  return {sums, count};
}

Data Executor::sample(int64_t n, uint64_t seed, const std::vector<int64_t>& prompt) {
  GENC_ASSERT(sample_ != nullptr, "the program has no sampler");
  Data out;
  std::string sample_fault;  // where a non-finite sample first went wrong, when found
  at::Generator rng = compat::make_generator(device_, seed);
  std::optional<LoopRunner::Start> start;
  if (!prompt.empty())
    start = LoopRunner::Start{"x", at::tensor(prompt, at::TensorOptions().dtype(at::kLong)),
                              static_cast<int64_t>(prompt.size())};
  with_eval_weights([&] {
    std::vector<at::Tensor> results = sample_->run(n, /*training=*/false, rng, start ? &*start : nullptr);
    if (!results.empty() && results[0].is_floating_point() && !is_finite(results[0])) {
      // Replayed from the same seed with every kernel checked: where it first went wrong.
      at::Generator again = compat::make_generator(device_, seed);
      std::optional<CompiledGraph::Fault> f;
      sample_->run(n, /*training=*/false, again, start ? &*start : nullptr, &f);
      if (f) sample_fault = "; " + first_non_finite(*f);
    }
    const std::vector<std::string>& names = sample_->results();
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "x") out.x = results[i].detach().cpu();
      if (names[i] == "y") out.y = results[i].detach().cpu();
    }
  });
  GENC_ASSERT(out.x.defined(), "the sampler returns no x");
  if (out.x.is_floating_point() && !is_finite(out.x)) {
    // (A flow's inverse can overflow where training never went: exp of a large log-scale.)
    int64_t bad = (~at::isfinite(out.x)).reshape({out.x.size(0), -1}).any(1).sum().item<int64_t>();
    throw RuntimeUserError(fmt::format("{} of the {} samples drawn hold non-finite values (NaN or inf){}; "
                                       "nothing is written (a lower sampler temperature or more training may help)",
                                       bad, n, sample_fault));
  }
  return out;
}

void Executor::save(torch::serialize::OutputArchive& archive) {
  torch::serialize::OutputArchive model;
  params_->root().save(model);
  archive.write("model", model);
  for (auto& o : optimizers_) {
    torch::serialize::OutputArchive opt;
    o->save(opt);
    archive.write("optimizer_" + o->name(), opt);
  }
  if (ema_) {
    torch::serialize::OutputArchive ema;
    for (size_t i = 0; i < ema_->shadow().size(); ++i) ema.write("p" + std::to_string(i), ema_->shadow()[i], true);
    archive.write("ema", ema);
  }
  archive.write("iteration", at::tensor(iteration_, at::kLong), /*is_buffer=*/true);
  archive.write("train_rng", train_rng_.get_state(), /*is_buffer=*/true);
  if (noise_schedule_.defined()) archive.write("noise_schedule", noise_schedule_, /*is_buffer=*/true);
}

void Executor::check_noise_schedule(torch::serialize::InputArchive& archive) const {
  at::Tensor saved;
  if (!noise_schedule_.defined() || !archive.try_read("noise_schedule", saved, /*is_buffer=*/true)) return;
  // The archive is mapped onto this executor's device; noise_schedule_ stays on the host.
  saved = saved.cpu();
  if (saved.sizes() == noise_schedule_.sizes() && at::allclose(saved, noise_schedule_, 1e-12, 1e-15)) return;
  throw RuntimeUserError(fmt::format("the checkpoint was trained on a noise schedule of {} steps that differs from the "
                                     "one its source gives now, {}",
                                     saved.numel(), noise_schedule_text_));
}

void Executor::load(torch::serialize::InputArchive& archive) {
  check_noise_schedule(archive);
  try {
    torch::serialize::InputArchive model;
    archive.read("model", model);
    params_->root().load(model);
    for (auto& o : optimizers_) {
      torch::serialize::InputArchive opt;
      archive.read("optimizer_" + o->name(), opt);
      o->load(opt);
    }
    if (ema_) {
      torch::serialize::InputArchive ema;
      archive.read("ema", ema);
      at::NoGradGuard no_grad;
      for (size_t i = 0; i < ema_->shadow().size(); ++i) {
        at::Tensor t;
        ema.read("p" + std::to_string(i), t, true);
        ema_->shadow()[i].copy_(t);
      }
    }
    at::Tensor iteration, rng;
    archive.read("iteration", iteration, true);
    archive.read("train_rng", rng, true);
    iteration_ = iteration.item<int64_t>();
    if (rng.numel() == train_rng_.get_state().numel()) {
      train_rng_.set_state(rng.cpu());
    } else {
      // Written on another kind of device (CPU and CUDA generators keep different states):
      // the weights, optimizer state, EMA and batch order continue exactly, the random
      // draws from a stream of the seed and the step.
      train_rng_ = compat::make_generator(device_, mix_seed(mix_seed(config_.seed, kTrain), iteration_));
    }
  } catch (const c10::Error& e) {
    throw RuntimeUserError(std::string("the checkpoint does not fit this model and training setup: ") +
                           e.what_without_backtrace());
  }
  last_batch_.reset();
}

}  // namespace genc::runtime
