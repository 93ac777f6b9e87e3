// `genc sweep` (see sweep.h).
#include "runtime/sweep/sweep.h"

#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "compiler/ir/printer.h"
#include "compiler/lower/summary.h"
#include "runtime/checkpoint.h"
#include "runtime/errors.h"
#include "runtime/run/memory_check.h"
#include "runtime/run/run.h"
#include "runtime/run/run_dir.h"
#include "runtime/run/run_record.h"
#include "runtime/sweep/sweep_state.h"
#include "runtime/trainer.h"

namespace genc::runtime::sweep {
namespace {

namespace fs = std::filesystem;

/// One combination compiled in its own compilation (its Training points into it).
struct Compiled {
  std::unique_ptr<pipeline::Compilation> compilation = std::make_unique<pipeline::Compilation>();
  std::optional<Training> training;
  size_t plan = 0;  ///< the number of its optimized graph (share_plans)
};

/// Compiles every combination; prints the failures' diagnostics on `err` and names them in
/// `failed`.
std::vector<Compiled> compile_all(const SweepRequest& r, const Grid& grid, std::ostream& err,
                                  std::vector<std::string>& failed) {
  std::vector<Compiled> out(grid.combinations.size());
  for (size_t i = 0; i < grid.combinations.size(); ++i) {
    Compiled& c = out[i];
    std::optional<Source> source = read_source(*c.compilation, r.file, grid.combinations[i].overrides);
    if (source) c.training = compile_training(*c.compilation, std::move(*source), r.model);
    if (c.training && !c.compilation->diags.has_errors()) continue;
    err << fmt::format("genc: note: sweep combination '{}' does not compile:\n", grid.combinations[i].label);
    err << c.compilation->diags.render();
    failed.push_back(grid.combinations[i].label);
    c.training.reset();
  }
  return out;
}

/// Numbers the distinct optimized graphs (a combination that changes no shape or op shares
/// its number with the first one like it); returns how many there are.
size_t share_plans(std::vector<Compiled>& all) {
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < all.size(); ++i)
    all[i].plan = first.emplace(ir::print(all[i].training->program), first.size()).first->second;
  return first.size();
}

bool has_checkpoint(const std::string& dir) {
  std::optional<RunRecord> record = read_run_record(run_record_path(dir));
  return record && latest_checkpoint(checkpoints_of(dir, *record)).has_value();
}

/// Trains one run: fresh from the shared compiled plan, or continuing its checkpoint.
int train_one(const SweepRequest& r, const Compiled& c, const RunState& run, const std::string& dir, std::ostream& log) {
  if (has_checkpoint(dir)) {
    RunRequest resume;
    resume.file = r.file;
    resume.resume = dir;
    pipeline::Compilation compilation;
    std::optional<PreparedRun> prepared = prepare_run(compilation, resume);
    if (!prepared) throw RuntimeUserError("the checkpoint of '" + dir + "' does not compile any more");
    log << fmt::format("genc: sweep: resuming '{}' from {}\n", run.name, *prepared->resume_from);
    return execute_run(*prepared, log);
  }
  RunRequest fresh;
  fresh.steps = r.steps;
  fresh.epochs = r.epochs;
  fresh.seed = run.seed;
  fresh.device = r.device;
  TrainConfig config = c.training->config;
  std::string device = apply_run_settings(fresh, std::nullopt, config);
  return execute_training(*c.training, config, {device, dir, std::nullopt, std::nullopt}, log);
}

SweepState initial_state(const SweepRequest& r, const Grid& grid, const std::vector<Compiled>& compiled,
                         size_t plans) {
  SweepState s;
  s.file = r.file;
  s.source_hash = text_hash(compiled.front().training->source.text);
  s.model = r.model;
  s.axes = grid.axes;
  s.steps = r.steps;
  s.epochs = r.epochs;
  s.device = r.device;
  s.plans = plans;
  for (const SweepRun& run : grid.runs)
    s.runs.push_back({run.name, grid.combinations[run.combination].overrides, run.seed, compiled[run.combination].plan,
                      Status::Pending, ""});
  return s;
}

}  // namespace

int run_sweep(const SweepRequest& r, std::ostream& log, std::ostream& err) {
  if (r.file.empty()) throw RuntimeUserError("genc sweep needs a .gen FILE");
  if (r.seeds < 1) throw RuntimeUserError("--seeds must be at least 1");
  std::vector<Axis> axes;
  for (const std::string& set : r.sets) axes.push_back(parse_axis(set));
  Grid grid = make_grid(axes, 0, 1);
  {
    pipeline::Compilation probe;
    if (!read_source(probe, r.file, {})) {
      err << probe.diags.render();
      return 1;
    }
  }

  // 1. Every combination compiles, or nothing runs.
  std::vector<std::string> failed;
  std::vector<Compiled> compiled = compile_all(r, grid, err, failed);
  if (!failed.empty()) {
    std::string names;
    for (const std::string& f : failed) names += (names.empty() ? "'" : ", '") + f + "'";
    err << fmt::format("genc: error: {} of {} sweep combinations do not compile ({}); nothing was trained\n",
                       failed.size(), compiled.size(), names);
    return 1;
  }
  std::set<std::string> warnings;  // the same warning of every combination once
  for (const Compiled& c : compiled)
    if (std::string w = c.compilation->diags.render(); warnings.insert(w).second) err << w;

  // 2. The distinct graphs; each must fit in memory.
  const size_t plans = share_plans(compiled);
  const Training& first = *compiled.front().training;
  grid = make_grid(std::move(axes), r.seed.value_or(first.config.seed), r.seeds);
  std::set<size_t> checked;
  for (const Compiled& c : compiled) {
    if (!checked.insert(c.plan).second) continue;
    const Training& t = *c.training;
    const torch::Device device = resolve_device(r.device.empty() ? t.config.device : r.device);
    if (std::optional<int64_t> available = available_memory_bytes(device))
      check_fits_in_memory(lower::summarize(t.model(), t.plan, t.config), device, *available);
  }

  // 3. The sweep's state: fresh, or the same sweep continued.
  const std::string out = r.out.empty() ? "sweeps/" + first.model().name : r.out;
  const std::string state_path = sweep_state_path(out);
  SweepState state = initial_state(r, grid, compiled, plans);
  if (std::optional<SweepState> earlier = read_sweep_state(state_path)) {
    if (!earlier->same_sweep(state))
      throw RuntimeUserError("'" + out + "' holds another sweep (a different source, --set, --seeds, budget or device); "
                             "give another --out, or remove it");
    for (size_t i = 0; i < state.runs.size(); ++i) state.runs[i].status = earlier->runs[i].status;
  }
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw RuntimeUserError("cannot create '" + out + "': " + ec.message());
  write_sweep_state(state_path, state);
  log << fmt::format("genc: sweep of {} runs in {}: {} combinations ({} distinct graphs), each compiled once\n",
                     state.runs.size(), out, compiled.size(), plans);

  // 4. The runs, one after another.
  size_t done = 0, skipped = 0, failures = 0;
  for (size_t i = 0; i < state.runs.size(); ++i) {
    RunState& run = state.runs[i];
    const std::string dir = (fs::path(out) / run.name).string();
    if (run.status == Status::Done && fs::exists(run_record_path(dir), ec)) {
      ++done, ++skipped;
      continue;
    }
    log << fmt::format("genc: sweep: run {}/{} '{}'\n", i + 1, state.runs.size(), run.name);
    run.status = Status::Running;
    run.error.clear();
    write_sweep_state(state_path, state);
    int status = 0;
    try {
      status = train_one(r, compiled[grid.runs[i].combination], run, dir, log);
    } catch (const RuntimeUserError& e) {
      err << "genc: error: sweep run '" << run.name << "': " << e.what() << "\n";
      run.status = Status::Failed;
      run.error = e.what();
      ++failures;
      write_sweep_state(state_path, state);
      continue;
    }
    run.status = status == kInterruptedExit ? Status::Interrupted : Status::Done;
    write_sweep_state(state_path, state);
    if (status == kInterruptedExit) {
      log << fmt::format("genc: sweep interrupted in '{}'; run the same genc sweep again to resume it\n", run.name);
      return kInterruptedExit;
    }
    ++done;
  }
  log << fmt::format("genc: sweep done: {} of {} runs finished ({} already were), {} failed; `genc report {}` "
                     "compares them\n",
                     done, state.runs.size(), skipped, failures, out);
  return failures > 0 ? 1 : 0;
}

}  // namespace genc::runtime::sweep
