// Executor: builds parameters, compiled graphs, optimizers and EMA from a TrainingProgram
// and runs training iterations, evaluation and sampling; saves and restores its state.
#include "runtime/executor.h"

#include <torch/csrc/autograd/autograd.h>

#include <set>

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

at::Tensor labels_of(const Data& d) { return d.y ? *d.y : at::Tensor(); }

}  // namespace

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
    steps_.push_back({std::make_unique<CompiledGraph>(s, *params_, &trainable), opt, s.repeat});
  }
  if (program.eval) eval_ = std::make_unique<CompiledGraph>(*program.eval, *params_, nullptr);
  if (program.sample) sample_ = std::make_unique<CompiledGraph>(*program.sample, *params_, nullptr);
  if (config.ema > 0) {
    std::vector<at::Tensor> all;
    for (auto& [name, p] : params_->named_parameters()) all.push_back(p);
    ema_ = std::make_unique<Ema>(all, config.ema);
  }
}

std::vector<StepMetrics> Executor::train_iteration(const NextBatch& next_batch) {
  std::vector<StepMetrics> out;
  double factor = config_.schedule.factor(iteration_, total_iterations_, config_.optimizer.lr);
  for (StepRun& s : steps_) {
    StepMetrics m;
    m.step = s.graph->name();
    m.names = s.graph->output_names();
    for (int r = 0; r < s.repeat; ++r) {
      if (s.graph->reads(0) || !last_batch_) last_batch_ = to_device(next_batch(), device_);
      const Data& batch = *last_batch_;
      s.graph->run({batch.x, labels_of(batch)}, batch.size(), /*training=*/true, train_rng_);
      at::Tensor loss = s.graph->output(0).mean();
      std::vector<at::Tensor> grads =
          torch::autograd::grad({loss}, s.optimizer->params(), /*grad_outputs=*/{}, /*retain_graph=*/false,
                                /*create_graph=*/false, /*allow_unused=*/true);
      s.optimizer->set_grads(grads);
      s.optimizer->set_lr_factor(factor);
      s.optimizer->step();
      if (r + 1 == s.repeat) {
        std::vector<at::Tensor> means{loss.detach()};
        for (size_t i = 1; i < m.names.size(); ++i) means.push_back(s.graph->output(i).detach().mean());
        at::Tensor values = at::stack(means).to(at::kDouble).cpu();
        m.values.assign(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
      }
    }
    out.push_back(std::move(m));
  }
  if (ema_) ema_->update();
  ++iteration_;
  return out;
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
  eval_->run({b.x, labels_of(b)}, b.size(), /*training=*/false, eval_rng_);
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
  GENC_ASSERT(sample_ != nullptr, "the program has no sample graph");
  Data out;
  at::Generator rng = compat::make_generator(device_, seed);
  with_eval_weights([&] {
    sample_->run({}, n, /*training=*/false, rng);
    out.x = sample_->output(0).detach().cpu();
    const std::vector<std::string>& names = sample_->output_names();
    for (size_t i = 1; i < names.size(); ++i)
      if (names[i] == "y") out.y = sample_->output(i).detach().cpu();
  });
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
