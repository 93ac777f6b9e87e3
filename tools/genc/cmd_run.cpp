// `genc run FILE [--model M] [--steps N | --epochs N] [--device D] [--out DIR] [--seed N]
// [--set m.p=v]... [--resume OUT]`: the flags of runtime::prepare_run and execute_run
// (runtime/run/run.h), which compile FILE and train its model into OUT.
#include <iostream>
#include <memory>
#include <string>

#include "runtime/run/run.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {
namespace {

struct RunArgs {
  runtime::RunRequest request;
  int64_t steps = 0;
  int64_t epochs = 0;
  uint64_t seed = 0;
  bool print_kinds = false;
  // Which of the numeric options were given.
  CLI::Option* steps_opt = nullptr;
  CLI::Option* epochs_opt = nullptr;
  CLI::Option* seed_opt = nullptr;
};

int run_run(RunArgs& a) {
  Session session;
  session.print_kinds = a.print_kinds;
  runtime::RunRequest& r = a.request;
  if (a.steps_opt->count() > 0) r.steps = a.steps;
  if (a.epochs_opt->count() > 0) r.epochs = a.epochs;
  if (a.seed_opt->count() > 0) r.seed = a.seed;
  return guard_runtime(session, [&] {
    std::optional<runtime::PreparedRun> run = runtime::prepare_run(session, r);
    if (!run) return std::max(session.finish(), 1);
    session.finish();  // warnings
    return runtime::execute_run(*run, std::cout);
  });
}

}  // namespace

Action setup_run(CLI::App& sub) {
  auto a = std::make_shared<RunArgs>();
  runtime::RunRequest& r = a->request;
  sub.add_option("file", r.file, "The .gen file to train (optional with --resume)");
  sub.add_option("--model", r.model, "The model to train (default: the first `train` block's)");
  a->steps_opt = sub.add_option("--steps", a->steps,
                                "Train until this many iterations in all (0: write the untrained checkpoint)")
                     ->check(CLI::NonNegativeNumber);
  a->epochs_opt =
      sub.add_option("--epochs", a->epochs, "Train until this many epochs in all")->check(CLI::PositiveNumber);
  a->steps_opt->excludes(a->epochs_opt);
  sub.add_option("--device", r.device, "auto, cpu or cuda (default: the train block's `device`)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  sub.add_option("--out", r.out, "Output directory (default: runs/MODEL)");
  a->seed_opt = sub.add_option("--seed", a->seed, "Random seed (default: the train block's `seed`, else 0)");
  add_set_option(sub, r.sets);
  sub.add_option("--resume", r.resume,
                 "Continue the run in OUT from its latest checkpoint, exactly as if it had not stopped")
      ->type_name("OUT");
  add_print_kinds_flag(sub, a->print_kinds);
  sub.footer(
      "Writes OUT/metrics.jsonl (one JSON object per log or eval event), OUT/checkpoints/step_N.pt (every\n"
      "epoch and at the end unless the train block says otherwise), OUT/samples/*.png and OUT/run.json.\n"
      "--steps and --epochs count from the start of the run, also when resuming.\n"
      "Exit status: 0 success, 1 user error (compile errors, missing data, bad checkpoint, a loss that\n"
      "became NaN, an unwritable OUT), 2 internal error.");
  return [a] { return run_run(*a); };
}

}  // namespace genc::cli
