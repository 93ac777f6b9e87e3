// Executor: builds parameters, compiled graphs, optimizers and EMA from a TrainingProgram
// and runs training iterations, evaluation and sampling; saves and restores its state.
#include "runtime/executor.h"

#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/support/diagnostics.h"
#include "runtime/compat.h"
#include "runtime/data/rng.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

enum Stream : uint64_t { kInit = 0, kTrain = 1, kEval = 2 };

Data to_device(const Data& d, torch::Device device) {
  Data out;
  out.x = d.x.to(device);
  if (d.y) out.y = d.y->to(device);
  return out;
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
  for (const lower::OptimizerGroup& g : program.optimizers) {
    optimizers_.push_back(
        std::make_unique<GroupOptimizer>(g.name, params_->parameters(g.params), config.optimizer, config.clip_grad));
  }
  for (const lower::Step& s : program.steps) {
    const lower::OptimizerGroup* group = program.optimizer(s.optimizer);
    GENC_ASSERT(group, "step " + s.name + " names no optimizer group");
    std::set<std::string> trainable(group->params.begin(), group->params.end());
    GroupOptimizer* opt = nullptr;
    for (auto& o : optimizers_)
      if (o->name() == s.optimizer) opt = o.get();
    steps_.push_back({std::make_unique<CompiledGraph>(s, *params_, &trainable), opt, s.repeat, data_fields(s),
                      s.reads("x")});
  }
  if (program.eval) {
    eval_ = std::make_unique<CompiledGraph>(*program.eval, *params_, nullptr);
    eval_inputs_ = data_fields(*program.eval);
  }
  if (program.sample) sample_ = std::make_unique<LoopRunner>(*program.sample, *params_);
  if (config.ema > 0) {
    std::vector<at::Tensor> all;
    for (auto& [name, p] : params_->named_parameters()) all.push_back(p);
    ema_ = std::make_unique<Ema>(all, config.ema);
  }
}

std::optional<std::string> Executor::run_step(StepRun& s, const NextBatch& next_batch, double lr_factor,
                                              bool trace) {
  if (s.reads_x || !last_batch_) last_batch_ = to_device(next_batch(), device_);
  const Data& batch = *last_batch_;
  std::optional<std::string> fault;
  if (trace && !all_finite(s.optimizer->params()))
    fault = "its parameters were already non-finite before it (an earlier update diverged: a lower learning "
            "rate or clip_grad may help)";
  std::vector<at::Tensor> inputs = bind_inputs(batch, s.inputs);
  if (trace) {
    std::optional<CompiledGraph::Fault> f = s.graph->run_checked(inputs, batch.size(), /*training=*/true, train_rng_);
    if (f && !fault)
      fault = fmt::format("the first non-finite value comes from '{}'{} at {}", f->op,
                          f->param.empty() ? "" : " ('" + f->param + "')",
                          f->loc.valid() ? f->loc.str() : "an op genc added");
  } else {
    s.graph->run(inputs, batch.size(), /*training=*/true, train_rng_);
  }
  at::Tensor loss = s.graph->output(0).mean();
  std::vector<at::Tensor> grads =
      torch::autograd::grad({loss}, s.optimizer->params(), /*grad_outputs=*/{}, /*retain_graph=*/false,
                            /*create_graph=*/false, /*allow_unused=*/true);
  if (trace && !fault && !all_finite(grads)) fault = "its forward pass is finite, but its gradient is not";
  s.optimizer->set_grads(grads);
  s.optimizer->set_lr_factor(lr_factor);
  s.optimizer->step();
  return fault;
}

std::vector<StepMetrics> Executor::iteration(const NextBatch& next_batch, std::optional<std::string>* trace) {
  std::vector<StepMetrics> out;
  double factor = config_.schedule.factor(iteration_, total_iterations_, config_.optimizer.lr);
  for (StepRun& s : steps_) {
    StepMetrics m;
    m.step = s.graph->name();
    m.names = s.graph->output_names();
    for (int r = 0; r < s.repeat; ++r) {
      std::optional<std::string> fault = run_step(s, next_batch, factor, trace != nullptr);
      if (fault && trace && !*trace) *trace = "step '" + m.step + "': " + *fault;
    }
    std::vector<at::Tensor> means;
    for (size_t i = 0; i < m.names.size(); ++i) means.push_back(s.graph->output(i).detach().mean());
    m.values = at::stack(means).to(at::kDouble);
    out.push_back(std::move(m));
  }
  if (ema_) ema_->update();
  ++iteration_;
  return out;
}

std::vector<StepMetrics> Executor::train_iteration(const NextBatch& next_batch) {
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

std::pair<std::vector<double>, int64_t> Executor::eval_all(const EvalBatches& batches) {
  reset_eval_rng();
  std::vector<double> sums(eval_outputs().size(), 0.0);
  int64_t count = 0;
  with_eval_weights([&] {
    for (int64_t i = 0; i < batches.size(); ++i) {
      Data b = batches[i];
      std::vector<double> s = batch_sums(b);
      for (size_t k = 0; k < sums.size(); ++k) sums[k] += s[k];
      count += b.size();
    }
  });
  return {sums, count};
}

Data Executor::sample(int64_t n, uint64_t seed) {
  GENC_ASSERT(sample_ != nullptr, "the program has no sampler");
  Data out;
  at::Generator rng = compat::make_generator(device_, seed);
  with_eval_weights([&] {
    std::vector<at::Tensor> results = sample_->run(n, /*training=*/false, rng);
    const std::vector<std::string>& names = sample_->results();
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "x") out.x = results[i].detach().cpu();
      if (names[i] == "y") out.y = results[i].detach().cpu();
    }
  });
  GENC_ASSERT(out.x.defined(), "the sampler returns no x");
  return out;
}

void Executor::save(torch::serialize::OutputArchive& archive) {
  torch::serialize::OutputArchive model;
  params_->root().save(model);
  archive.write("model", model);
  for (auto& o : optimizers_) {
    torch::serialize::OutputArchive opt;
    o->optimizer().save(opt);
    archive.write("optimizer_" + o->name(), opt);
  }
  if (ema_) {
    torch::serialize::OutputArchive ema;
    for (size_t i = 0; i < ema_->shadow().size(); ++i) ema.write("p" + std::to_string(i), ema_->shadow()[i], true);
    archive.write("ema", ema);
  }
  archive.write("iteration", at::tensor(iteration_, at::kLong), /*is_buffer=*/true);
  archive.write("train_rng", train_rng_.get_state(), /*is_buffer=*/true);
}

void Executor::load(torch::serialize::InputArchive& archive) {
  try {
    torch::serialize::InputArchive model;
    archive.read("model", model);
    params_->root().load(model);
    for (auto& o : optimizers_) {
      torch::serialize::InputArchive opt;
      archive.read("optimizer_" + o->name(), opt);
      o->optimizer().load(opt);
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
    train_rng_.set_state(rng);
  } catch (const c10::Error& e) {
    throw RuntimeUserError(std::string("the checkpoint does not fit this model and training setup: ") +
                           e.what_without_backtrace());
  }
  last_batch_.reset();
}

}  // namespace genc::runtime
