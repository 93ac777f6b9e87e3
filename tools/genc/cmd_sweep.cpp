// `genc sweep FILE --set m.p=v1,v2... [--seeds N] [--seed S] [--steps N | --epochs N]
// [--device D] [--out OUT] [--model M]`: the flags of runtime::sweep::run_sweep
// (runtime/sweep/sweep.h), which trains every combination into OUT/<name>/.
#include <iostream>
#include <memory>

#include "runtime/sweep/sweep.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {
namespace {

struct SweepArgs {
  runtime::sweep::SweepRequest request;
  int64_t steps = 0, epochs = 0;
  uint64_t seed = 0;
  CLI::Option* steps_opt = nullptr;
  CLI::Option* epochs_opt = nullptr;
  CLI::Option* seed_opt = nullptr;
};

int run_sweep(SweepArgs& a) {
  Session session;
  runtime::sweep::SweepRequest& r = a.request;
  if (a.steps_opt->count() > 0) r.steps = a.steps;
  if (a.epochs_opt->count() > 0) r.epochs = a.epochs;
  if (a.seed_opt->count() > 0) r.seed = a.seed;
  return guard_runtime(session, [&] { return runtime::sweep::run_sweep(r, std::cout, std::cerr); });
}

}  // namespace

Action setup_sweep(CLI::App& sub) {
  auto a = std::make_shared<SweepArgs>();
  runtime::sweep::SweepRequest& r = a->request;
  sub.add_option("file", r.file, "The .gen file to train")->required();
  sub.add_option("--set", r.sets,
                 "MODEL.PARAM=V1,V2,...: one axis of the grid (repeatable; commas inside [...] belong to a list)")
      ->type_name("MODEL.PARAM=V,...")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub.add_option("--seeds", r.seeds, "Runs per combination, with seeds S, S+1, ... (default 1)")
      ->check(CLI::PositiveNumber);
  a->seed_opt = sub.add_option("--seed", a->seed, "The first seed S (default: the train block's `seed`, else 0)");
  a->steps_opt = sub.add_option("--steps", a->steps, "Train each run until this many iterations in all")
                     ->check(CLI::NonNegativeNumber);
  a->epochs_opt = sub.add_option("--epochs", a->epochs, "Train each run until this many epochs in all")
                      ->check(CLI::PositiveNumber);
  a->steps_opt->excludes(a->epochs_opt);
  sub.add_option("--device", r.device, "auto, cpu or cuda (default: the train block's `device`)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  sub.add_option("--out", r.out, "Output directory (default: sweeps/MODEL)");
  sub.add_option("--model", r.model, "The model to train (default: the first `train` block's)");
  sub.footer(
      "Every combination of the --set values, times --seeds, is one genc run into OUT/<name>/ (e.g.\n"
      "OUT/latent=8,hidden=200,seed=0/), trained one after another. Every combination is compiled and\n"
      "shape-checked before anything trains: when any fails, each failing one is named with its\n"
      "diagnostics and nothing runs. OUT/sweep.json lists the runs and their status; running the same\n"
      "command again skips the finished runs and resumes a started one from its checkpoint.\n"
      "`genc report OUT` compares the runs on one page.\n"
      "Exit status: 0 every run done, 1 user error (a combination that does not compile, a run that\n"
      "failed), 130 interrupted by Ctrl-C (resumable), 2 internal error.");
  return [a] { return run_sweep(*a); };
}

}  // namespace genc::cli
