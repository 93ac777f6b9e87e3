// `genc run FILE [--model M] [--steps N | --epochs N] [--device D] [--devices N] [--out DIR]
// [--seed N] [--set m.p=v]... [--resume OUT]`: the flags of runtime::prepare_run and
// execute_run (runtime/run/run.h), which compile FILE and train its model into OUT; with
// --devices N (or under a torchrun-style launcher) as one of N data-parallel processes.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "runtime/dist/launcher.h"
#include "runtime/errors.h"
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
  int devices = 0;
  bool print_kinds = false;
  // Which of the numeric options were given.
  CLI::Option* steps_opt = nullptr;
  CLI::Option* epochs_opt = nullptr;
  CLI::Option* seed_opt = nullptr;
  CLI::Option* devices_opt = nullptr;
};

/// The data-parallel place of this process: the launcher's (WORLD_SIZE set), else none;
/// sets r.devices to the run's process count. Throws RuntimeUserError.
std::optional<runtime::dist::DistEnv> place(RunArgs& a) {
  std::optional<runtime::dist::DistEnv> env = runtime::dist::from_environment();
  runtime::RunRequest& r = a.request;
  if (env) {
    if (a.devices_opt->count() > 0 && a.devices != env->world_size)
      throw runtime::RuntimeUserError(fmt::format("--devices {} asks for {} processes, but the launcher started {} "
                                                  "(WORLD_SIZE={})",
                                                  a.devices, a.devices, env->world_size, env->world_size));
    r.devices = env->world_size;
  } else if (a.devices_opt->count() > 0) {
    r.devices = a.devices;
  }
  return env;
}

int run_run(RunArgs& a) {
  Session session;
  session.print_kinds = a.print_kinds;
  runtime::RunRequest& r = a.request;
  if (a.steps_opt->count() > 0) r.steps = a.steps;
  if (a.epochs_opt->count() > 0) r.epochs = a.epochs;
  if (a.seed_opt->count() > 0) r.seed = a.seed;
  return guard_runtime(session, [&] {
    std::optional<runtime::dist::DistEnv> env = place(a);
    std::optional<runtime::PreparedRun> run = runtime::prepare_run(session, r);
    if (!run) return std::max(session.finish(), 1);
    // --devices N: this process starts the N processes (which print the warnings).
    if (!env && r.devices > 1) return runtime::dist::launch_local(r.devices, runtime::dist::collective_timeout(), std::cerr);
    if (!env && r.devices == 1) {  // one process, still through the process group (NCCL or Gloo)
      env.emplace();
      env->master_port = runtime::dist::free_local_port();
    }
    if (!env || env->rank == 0) session.finish();  // warnings, once
    run->dist = env;
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
  a->devices_opt = sub.add_option("--devices", a->devices,
                                  "Data-parallel training over N processes, one per GPU (NCCL) or CPU process "
                                  "(Gloo), started by genc; under a torchrun-style launcher, its WORLD_SIZE")
                       ->check(CLI::PositiveNumber)
                       ->type_name("N");
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
      "--devices N: N processes each train batch / N rows of every batch (the train block's batch is the\n"
      "global one); the losses equal one process's at that batch up to float rounding. Only rank 0\n"
      "writes OUT. Under torchrun (or any launcher setting RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,\n"
      "MASTER_PORT) genc joins its run.\n"
      "Exit status: 0 success, 1 user error (compile errors, missing data, bad checkpoint, a loss that\n"
      "became NaN, an unwritable OUT), 2 internal error.");
  return [a] { return run_run(*a); };
}

}  // namespace genc::cli
