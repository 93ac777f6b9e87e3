// `genc run` (see run.h).
#include "runtime/run/run.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <torch/cuda.h>

#include "compiler/lower/summary.h"
#include "runtime/cuda_support.h"
#include "runtime/dist/process_group.h"
#include "runtime/errors.h"
#include "runtime/run/interrupt.h"
#include "runtime/run/memory_check.h"
#include "runtime/run/run_dir.h"
#include "runtime/trainer.h"

namespace genc::runtime {
namespace {

namespace fs = std::filesystem;

std::string duration(double seconds) {
  auto s = static_cast<int64_t>(seconds + 0.5);
  if (s < 60) return fmt::format("{:.1f} s", seconds);
  if (s < 3600) return fmt::format("{}m {:02d}s", s / 60, s % 60);
  return fmt::format("{}h {:02d}m", s / 3600, s % 3600 / 60);
}

/// Runs `step`; when it throws RuntimeUserError in a fresh run, first removes what the run
/// left if it produced nothing.
template <typename F>
auto discarding_on_failure(const RunDir& dir, bool resuming, F step) {
  try {
    return step();
  } catch (const RuntimeUserError&) {
    if (!resuming) discard_if_empty(dir);
    throw;
  }
}

/// Where the output of a process that does not print goes (a data-parallel rank other than 0).
std::ostream& discarded() {
  static std::ostream sink(nullptr);
  return sink;
}

/// This process's group of the data-parallel run `env` on `device` ("cpu", "cuda", "auto"):
/// NCCL on the GPU of its local rank, Gloo on the CPU.
std::unique_ptr<dist::ProcessGroup> join_run(const dist::DistEnv& env, const std::string& device) {
  dist::set_communication_defaults();
  torch::Device d = resolve_device(device);
  if (d.is_cuda()) {
    int64_t gpus = static_cast<int64_t>(torch::cuda::device_count());
    if (env.local_rank >= gpus)
      throw RuntimeUserError(fmt::format("rank {} trains on GPU {} (its local rank), but this machine has {} GPU{}",
                                         env.rank, env.local_rank, gpus, gpus == 1 ? "" : "s"));
    d = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(env.local_rank));
    set_current_device(d);
  }
  return dist::ProcessGroup::join(env, d);
}

}  // namespace

std::optional<PreparedRun> prepare_run(pipeline::Compilation& c, const RunRequest& request) {
  std::optional<RunPlan> plan = plan_run(c, request);
  if (!plan) return std::nullopt;
  std::optional<Training> t = compile_training(c, std::move(plan->source), plan->model);
  if (!t) return std::nullopt;
  std::string device = apply_run_settings(request, plan->record, t->config);
  if (request.devices > 1 && t->config.batch % request.devices != 0)
    throw RuntimeUserError(fmt::format("--devices {} cannot split the batch of {} of model '{}': each process "
                                       "trains batch / N examples, so N must divide the train block's `batch`",
                                       request.devices, t->config.batch, t->model().name));
  // Before the run folder or any tensor exists: a model that cannot fit is refused here.
  const torch::Device resolved = resolve_device(device.empty() ? t->config.device : device);
  if (std::optional<int64_t> available = available_memory_bytes(resolved))
    check_fits_in_memory(lower::summarize(t->model(), t->plan, t->config), resolved, *available);
  std::string out = plan->resume_from ? request.resume : !request.out.empty() ? request.out : "runs/" + t->model().name;
  return PreparedRun{std::move(*t), std::move(device), std::move(out), std::move(plan->resume_from), std::nullopt};
}

int execute_run(PreparedRun& run, std::ostream& log) {
  return execute_training(run.training, run.training.config, {run.device, run.out, run.resume_from, run.dist}, log);
}

int execute_training(const Training& t, const TrainConfig& config, const RunTarget& run, std::ostream& full_log) {
  // Data-parallel: the rendezvous comes first, so that a rank that cannot start (no data, a
  // bad checkpoint) ends the others' wait at once instead of at their first collective.
  std::unique_ptr<dist::ProcessGroup> group;
  if (run.dist) group = join_run(*run.dist, run.device.empty() ? config.device : run.device);
  const bool writer = !group || group->rank() == 0;  // only rank 0 touches OUT and prints
  std::ostream& log = writer ? full_log : discarded();
  // What a failure leaves in OUT: a fresh run that produced nothing is removed (by rank 0).
  const bool keep_out = run.resume_from.has_value() || !writer;
  RunDir dir = run_dir(run.out, config);
  TrainerOptions o;
  o.out_dir = run.out;
  o.source_path = fs::absolute(t.source.path).string();
  o.source_text = t.source.text;
  o.overrides = t.source.overrides;
  o.device = run.device;
  o.stop_requested = &InterruptGuard::interrupted;
  if (group) {
    o.group = group.get();
    // Every rank stops after the same iteration: a Ctrl-C seen by any of them stops all.
    o.stop_requested = [g = group.get()] { return g->any(InterruptGuard::interrupted(), "the vote on stopping"); };
    if (!writer) o.progress = &discarded();
  }

  std::unique_ptr<Trainer> trainer = discarding_on_failure(dir, keep_out, [&] {
    auto made = std::make_unique<Trainer>(t.program, t.train_index, t.plan, config, o);
    if (run.resume_from) made->resume(*run.resume_from);
    return made;
  });
  if (writer) {
    if (run.resume_from)
      truncate_metrics_after(dir.metrics, trainer->executor().iteration());
    else
      clear_previous_run(dir, log);
    remove_temporaries(dir);
    write_run_record(dir.record, {config.seed, config.steps, config.epochs, run.device, config.checkpoint_dir});
  }

  auto start = std::chrono::steady_clock::now();
  InterruptGuard ctrl_c;
  TrainSummary summary = discarding_on_failure(dir, keep_out, [&] { return trainer->run(); });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log << fmt::format("genc: trained {} to step {} (epoch {}) in {}; metrics in {}", t.model().name, summary.steps,
                     summary.epochs, duration(seconds), dir.metrics);
  if (summary.checkpoint) log << ", checkpoint " << *summary.checkpoint;
  if (group) log << fmt::format(" ({} processes, {})", group->world_size(), group->backend_name());
  log << "\n";
  if (!summary.interrupted) return 0;
  log << fmt::format("genc: interrupted at step {}; resume with genc run --resume {}\n", summary.steps, run.out);
  return kInterruptedExit;
}

}  // namespace genc::runtime
