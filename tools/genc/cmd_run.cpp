// `genc run FILE [--model M] [--steps N | --epochs N] [--device D] [--out DIR] [--seed N]
// [--set m.p=v]... [--resume OUT]`: compiles FILE (frontend, sema, passes, lowering) and trains
// its model with runtime::Trainer into OUT: metrics.jsonl, checkpoints/, samples/ and run.json
// (the run's settings). `--resume OUT` continues OUT's run from its latest checkpoint exactly.
//
// A fresh run into an OUT that holds an earlier run replaces that run's metrics, checkpoints
// and sample grids. A run that fails before producing anything leaves no files behind.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"
#include "runtime/trainer.h"
#include "tools/genc/command.h"
#include "tools/genc/runtime_driver.h"

namespace genc::cli {
namespace {

namespace fs = std::filesystem;

struct RunArgs {
  std::string file;
  std::string model;
  int64_t steps = 0;
  int64_t epochs = 0;
  uint64_t seed = 0;
  std::string device;
  std::string out;
  std::string resume;
  std::vector<std::string> sets;
  bool print_kinds = false;
  // Which of the numeric options were given.
  CLI::Option* steps_opt = nullptr;
  CLI::Option* epochs_opt = nullptr;
  CLI::Option* seed_opt = nullptr;
};

/// OUT/run.json: the settings a run was started with beyond its source (which its
/// checkpoints hold), so that --resume continues it with the same ones.
struct RunRecord {
  uint64_t seed = 0;
  std::optional<int64_t> steps;
  std::optional<int64_t> epochs;
  std::string device;
  std::string checkpoint_dir;  ///< absolute
};

const char* kRecordFile = "run.json";

void write_record(const std::string& out_dir, const RunRecord& r) {
  nlohmann::ordered_json j;
  j["seed"] = r.seed;
  j["steps"] = r.steps ? nlohmann::ordered_json(*r.steps) : nlohmann::ordered_json();
  j["epochs"] = r.epochs ? nlohmann::ordered_json(*r.epochs) : nlohmann::ordered_json();
  j["device"] = r.device;
  j["checkpoint_dir"] = r.checkpoint_dir;
  runtime::write_file_atomic((fs::path(out_dir) / kRecordFile).string(), j.dump(2) + "\n");
}

std::optional<RunRecord> read_record(const std::string& out_dir) {
  std::string path = (fs::path(out_dir) / kRecordFile).string();
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    RunRecord r;
    r.seed = j.at("seed").get<uint64_t>();
    if (!j.at("steps").is_null()) r.steps = j["steps"].get<int64_t>();
    if (!j.at("epochs").is_null()) r.epochs = j["epochs"].get<int64_t>();
    r.device = j.at("device").get<std::string>();
    r.checkpoint_dir = j.at("checkpoint_dir").get<std::string>();
    return r;
  } catch (const nlohmann::json::exception&) {
    throw runtime::file_error(path, "not a genc run record");
  }
}

/// `dir` under `out_dir` unless it is absolute (as the Trainer places them).
std::string under(const std::string& out_dir, const std::string& dir) {
  fs::path p(dir);
  return p.is_absolute() ? p.string() : (fs::path(out_dir) / p).string();
}

/// Files in `dir` whose names match `pattern`.
std::vector<fs::path> matching(const std::string& dir, const std::regex& pattern) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (std::regex_match(entry.path().filename().string(), pattern)) out.push_back(entry.path());
  return out;
}

const std::regex kCheckpointName(R"(step_\d+\.pt)");
const std::regex kGridName(R"((epoch|step)_\d+\.png)");

/// Where a run writes, and what existed before it started.
struct OutLayout {
  std::string out;
  std::string metrics;
  std::string checkpoints;
  std::string samples;
  /// The outermost directory of `out` this run creates ("" when `out` exists already).
  fs::path first_created;
};

OutLayout layout(const std::string& out, const runtime::TrainConfig& config) {
  OutLayout l{out, (fs::path(out) / "metrics.jsonl").string(), under(out, config.checkpoint_dir),
              under(out, config.sample_dir), {}};
  std::error_code ec;
  for (fs::path p = fs::absolute(out, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    l.first_created = p;
    if (p == p.parent_path()) break;
  }
  return l;
}

/// Removes `dir` and then its parents while they are empty, up to and including `last`.
void remove_empty_dirs(fs::path dir, const fs::path& last) {
  std::error_code ec;
  dir = fs::absolute(dir, ec);
  fs::path stop = fs::absolute(last, ec);
  while (!dir.empty() && fs::is_directory(dir, ec) && fs::is_empty(dir, ec)) {
    fs::remove(dir, ec);
    if (dir == stop || dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
}

/// After a failed fresh run: when it produced nothing (no metrics line, checkpoint or
/// grid), removes the empty files and the directories it created.
void discard_if_empty(const OutLayout& l) {
  std::error_code ec;
  if (fs::exists(l.metrics, ec) && fs::file_size(l.metrics, ec) > 0) return;
  if (!matching(l.checkpoints, kCheckpointName).empty() || !matching(l.samples, kGridName).empty()) return;
  fs::remove(l.metrics, ec);
  fs::remove(fs::path(l.out) / kRecordFile, ec);
  fs::path out = fs::absolute(l.out, ec);
  remove_empty_dirs(l.checkpoints, out);
  remove_empty_dirs(l.samples, out);
  if (!l.first_created.empty()) remove_empty_dirs(out, l.first_created);
}

/// Before a fresh run: empties metrics.jsonl (the Trainer appends to it) and removes an
/// earlier run's checkpoints and grids, so --resume and readers never mix two runs.
void clear_previous_run(const OutLayout& l) {
  std::error_code ec;
  bool had_run = fs::exists(l.metrics, ec) && fs::file_size(l.metrics, ec) > 0;
  if (fs::exists(l.metrics, ec)) fs::resize_file(l.metrics, 0, ec);
  for (const fs::path& p : matching(l.checkpoints, kCheckpointName)) had_run = fs::remove(p, ec) || had_run;
  for (const fs::path& p : matching(l.samples, kGridName)) had_run = fs::remove(p, ec) || had_run;
  if (had_run) std::cout << "genc: note: replacing the earlier run in '" << l.out << "'\n";
}

/// Before resuming from the checkpoint of `step`: drops the records of later steps (written
/// after that checkpoint by the interrupted run), so they are not logged twice.
void truncate_metrics_after(const std::string& metrics, int64_t step) {
  std::ifstream in(metrics, std::ios::binary);
  if (!in) return;
  uintmax_t keep = 0;
  for (std::string line; std::getline(in, line);) {
    try {
      if (nlohmann::json::parse(line).at("step").get<int64_t>() > step) break;
    } catch (const nlohmann::json::exception&) {
      break;  // a torn last line
    }
    keep += line.size() + 1;
  }
  in.close();
  std::error_code ec;
  if (keep < fs::file_size(metrics, ec)) fs::resize_file(metrics, keep, ec);
}

/// What to train, resolved from the command line (and, when resuming, from OUT).
struct Plan {
  Source source;
  std::string model;
  std::optional<RunRecord> record;
  std::optional<std::string> resume_from;  ///< the checkpoint to continue
};

/// The source and model of a resumed run: the latest checkpoint's copy. Null after printing why not.
std::optional<Plan> plan_resume(Session& session, const RunArgs& a) {
  if (!a.out.empty() && a.out != a.resume) {
    print_error("--resume OUT continues the run in OUT; it takes no --out");
    return std::nullopt;
  }
  if (!a.sets.empty()) {
    print_error("--resume continues with the --set values the run started with; it takes no --set");
    return std::nullopt;
  }
  Plan p;
  p.record = read_record(a.resume);
  std::string dir = p.record ? p.record->checkpoint_dir : under(a.resume, "checkpoints");
  p.resume_from = runtime::latest_checkpoint(dir);
  if (!p.resume_from) {
    print_error("no checkpoint in '" + dir + "' to resume from");
    return std::nullopt;
  }
  runtime::CheckpointMeta meta = runtime::read_checkpoint_meta(*p.resume_from);
  if (!a.file.empty()) {
    std::optional<Source> current = read_source(session, a.file, {});
    if (!current) return std::nullopt;
    if (current->text != meta.source_text) {
      print_error("'" + a.file + "' has changed since '" + *p.resume_from +
                  "' was written; --resume continues with the checkpoint's copy of the source "
                  "(leave FILE out, or start a new run)");
      return std::nullopt;
    }
  }
  if (!a.model.empty() && a.model != meta.model) {
    print_error("'" + *p.resume_from + "' is a checkpoint of model '" + meta.model + "', not '" + a.model + "'");
    return std::nullopt;
  }
  p.source = Source{meta.source_path, meta.source_text, meta.overrides};
  p.model = meta.model;
  return p;
}

std::optional<Plan> plan_fresh(Session& session, const RunArgs& a) {
  if (a.file.empty()) {
    print_error("genc run needs a .gen FILE (or --resume OUT)");
    return std::nullopt;
  }
  std::optional<sema::Options> options = parse_overrides(session, a.sets);
  if (!options) return std::nullopt;
  std::optional<Source> source = read_source(session, a.file, options->overrides);
  if (!source) return std::nullopt;
  return Plan{std::move(*source), a.model, std::nullopt, std::nullopt};
}

/// The train block's settings with the run's: the record's (when resuming), then the
/// command line's. Without a `checkpoint` setting a run checkpoints every epoch and at
/// its end, so that it can be resumed, sampled and evaluated. False after printing why.
bool apply_settings(const RunArgs& a, const std::optional<RunRecord>& record, runtime::TrainConfig& c,
                    std::string& device) {
  if (record) {
    c.seed = record->seed;
    c.steps = record->steps;
    c.epochs = record->epochs;
    device = record->device;
  }
  if (a.seed_opt->count() > 0) {
    if (record && a.seed != record->seed) {
      print_error(fmt::format("the run in '{}' has seed {}; --resume cannot change it", a.resume, record->seed));
      return false;
    }
    c.seed = a.seed;
  }
  if (a.steps_opt->count() > 0) {
    c.steps = a.steps;
  } else if (a.epochs_opt->count() > 0) {
    c.epochs = a.epochs;
    c.steps.reset();
  }
  if (!a.device.empty()) device = a.device;
  if (c.checkpoint.every == 0) c.checkpoint = {1, "epochs"};
  return true;
}

std::string duration(double seconds) {
  auto s = static_cast<int64_t>(seconds + 0.5);
  if (s < 60) return fmt::format("{:.1f} s", seconds);
  if (s < 3600) return fmt::format("{}m {:02d}s", s / 60, s % 60);
  return fmt::format("{}h {:02d}m", s / 3600, s % 3600 / 60);
}

int run_run(const RunArgs& a) {
  Session session;
  session.print_kinds = a.print_kinds;
  std::optional<Plan> plan = a.resume.empty() ? plan_fresh(session, a) : plan_resume(session, a);
  std::optional<ir::Program> program;
  if (plan) program = compile_source(session, plan->source);
  std::optional<Training> t;
  if (program) t = prepare_training(session, std::move(plan->source), std::move(*program), plan->model);
  std::string device;
  if (!t || !apply_settings(a, plan->record, t->config, device)) return std::max(session.finish(), 1);
  session.finish();  // warnings

  const bool resuming = plan->resume_from.has_value();
  std::string out = resuming ? a.resume : !a.out.empty() ? a.out : "runs/" + t->model().name;
  OutLayout l = layout(out, t->config);
  runtime::TrainerOptions o;
  o.out_dir = out;
  o.source_path = fs::absolute(t->source.path).string();
  o.source_text = t->source.text;
  o.overrides = t->source.overrides;
  o.device = device;

  std::unique_ptr<runtime::Trainer> trainer;
  try {
    trainer = std::make_unique<runtime::Trainer>(t->program, t->train_index, t->plan, t->config, o);
    if (resuming) trainer->resume(*plan->resume_from);
  } catch (const runtime::RuntimeUserError&) {
    if (!resuming) discard_if_empty(l);
    throw;
  }
  if (resuming)
    truncate_metrics_after(l.metrics, trainer->executor().iteration());
  else
    clear_previous_run(l);
  write_record(out, {t->config.seed, t->config.steps, t->config.epochs, device, fs::absolute(l.checkpoints).string()});

  auto start = std::chrono::steady_clock::now();
  runtime::TrainSummary summary;
  try {
    summary = trainer->run();
  } catch (const runtime::RuntimeUserError&) {
    if (!resuming) discard_if_empty(l);
    throw;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("genc: trained {} to step {} (epoch {}) in {}; metrics in {}", t->model().name,
                           summary.steps, summary.epochs, duration(seconds), l.metrics);
  if (summary.checkpoint) std::cout << ", checkpoint " << *summary.checkpoint;
  std::cout << "\n";
  return 0;
}

}  // namespace

Action setup_run(CLI::App& sub) {
  auto a = std::make_shared<RunArgs>();
  sub.add_option("file", a->file, "The .gen file to train (optional with --resume)");
  sub.add_option("--model", a->model, "The model to train (default: the first `train` block's)");
  a->steps_opt = sub.add_option("--steps", a->steps,
                                "Train until this many iterations in all (0: write the untrained checkpoint)")
                     ->check(CLI::NonNegativeNumber);
  a->epochs_opt =
      sub.add_option("--epochs", a->epochs, "Train until this many epochs in all")->check(CLI::PositiveNumber);
  a->steps_opt->excludes(a->epochs_opt);
  sub.add_option("--device", a->device, "auto, cpu or cuda (default: the train block's `device`)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  sub.add_option("--out", a->out, "Output directory (default: runs/MODEL)");
  a->seed_opt = sub.add_option("--seed", a->seed, "Random seed (default: the train block's `seed`, else 0)");
  add_set_option(sub, a->sets);
  sub.add_option("--resume", a->resume,
                 "Continue the run in OUT from its latest checkpoint, exactly as if it had not stopped")
      ->type_name("OUT");
  add_print_kinds_flag(sub, a->print_kinds);
  sub.footer(
      "Writes OUT/metrics.jsonl (one JSON object per log or eval event), OUT/checkpoints/step_N.pt (every\n"
      "epoch and at the end unless the train block says otherwise), OUT/samples/*.png and OUT/run.json.\n"
      "--steps and --epochs count from the start of the run, also when resuming.\n"
      "Exit status: 0 success, 1 user error (compile errors, missing data, bad checkpoint, a loss that\n"
      "became NaN, an unwritable OUT), 2 internal error.");
  return [a] { return guard_runtime([&] { return run_run(*a); }); };
}

}  // namespace genc::cli
