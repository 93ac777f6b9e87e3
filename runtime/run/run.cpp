// `genc run` (see run.h).
#include "runtime/run/run.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "compiler/lower/summary.h"
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

}  // namespace

std::optional<PreparedRun> prepare_run(pipeline::Compilation& c, const RunRequest& request) {
  std::optional<RunPlan> plan = plan_run(c, request);
  if (!plan) return std::nullopt;
  std::optional<Training> t = compile_training(c, std::move(plan->source), plan->model);
  if (!t) return std::nullopt;
  std::string device = apply_run_settings(request, plan->record, t->config);
  // Before the run folder or any tensor exists: a model that cannot fit is refused here.
  const torch::Device resolved = resolve_device(device.empty() ? t->config.device : device);
  if (std::optional<int64_t> available = available_memory_bytes(resolved))
    check_fits_in_memory(lower::summarize(t->model(), t->plan, t->config), resolved, *available);
  std::string out = plan->resume_from ? request.resume : !request.out.empty() ? request.out : "runs/" + t->model().name;
  return PreparedRun{std::move(*t), std::move(device), std::move(out), std::move(plan->resume_from)};
}

int execute_run(PreparedRun& run, std::ostream& log) {
  return execute_training(run.training, run.training.config, {run.device, run.out, run.resume_from}, log);
}

int execute_training(const Training& t, const TrainConfig& config, const RunTarget& run, std::ostream& log) {
  const bool resuming = run.resume_from.has_value();
  RunDir dir = run_dir(run.out, config);
  TrainerOptions o;
  o.out_dir = run.out;
  o.source_path = fs::absolute(t.source.path).string();
  o.source_text = t.source.text;
  o.overrides = t.source.overrides;
  o.device = run.device;
  o.stop_requested = &InterruptGuard::interrupted;

  std::unique_ptr<Trainer> trainer = discarding_on_failure(dir, resuming, [&] {
    auto made = std::make_unique<Trainer>(t.program, t.train_index, t.plan, config, o);
    if (resuming) made->resume(*run.resume_from);
    return made;
  });
  if (resuming)
    truncate_metrics_after(dir.metrics, trainer->executor().iteration());
  else
    clear_previous_run(dir, log);
  remove_temporaries(dir);
  write_run_record(dir.record, {config.seed, config.steps, config.epochs, run.device, config.checkpoint_dir});

  auto start = std::chrono::steady_clock::now();
  InterruptGuard ctrl_c;
  TrainSummary summary = discarding_on_failure(dir, resuming, [&] { return trainer->run(); });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log << fmt::format("genc: trained {} to step {} (epoch {}) in {}; metrics in {}", t.model().name, summary.steps,
                     summary.epochs, duration(seconds), dir.metrics);
  if (summary.checkpoint) log << ", checkpoint " << *summary.checkpoint;
  log << "\n";
  if (!summary.interrupted) return 0;
  log << fmt::format("genc: interrupted at step {}; resume with genc run --resume {}\n", summary.steps, run.out);
  return kInterruptedExit;
}

}  // namespace genc::runtime
