// `genc eval CHECKPOINT [--data NAME] [--iw K] [--fd] [--samples N] [--seed N] [--json]`: the
// flags of runtime::evaluate_checkpoint (runtime/run/evaluate.h), which prints the test
// likelihood of a checkpoint's model, or the Fréchet distance of its samples.
#include <iostream>
#include <memory>
#include <string>

#include "runtime/run/evaluate.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"
#include "tools/genc/sampler_flags.h"

namespace genc::cli {
namespace {

struct EvalArgs {
  runtime::EvalRequest request;
  int64_t iw = runtime::kDefaultIw;
  CLI::Option* iw_opt = nullptr;
};

}  // namespace

Action setup_eval(CLI::App& sub) {
  auto a = std::make_shared<EvalArgs>();
  runtime::EvalRequest& r = a->request;
  sub.add_option("checkpoint", r.checkpoint, "A checkpoint written by genc run (OUT/checkpoints/step_N.pt)")
      ->required();
  sub.add_option("--data", r.data, "The dataset (of the checkpoint's source) to evaluate on "
                                   "(default: the train block's `eval on` data, else its training data)");
  a->iw_opt = sub.add_option("--iw", a->iw, "elbo: importance samples of the IW bound (default: the "
                                            "objective's iw, else 100; 0: none)")
                  ->check(CLI::NonNegativeNumber);
  sub.add_flag("--fd", r.fd, "Also compute the Fréchet distance (always done for models without a likelihood)");
  sub.add_option("--samples", r.samples, "FD: generated samples and test images compared")
      ->check(CLI::Range(int64_t{2}, runtime::kTestImages))
      ->capture_default_str();
  sub.add_option("--seed", r.seed, "FD: seed of the sampler's noise")->capture_default_str();
  std::function<void()> read_sampler_flags = add_sampler_flags(sub, r.sampler);

  sub.add_flag("--json", r.json, "Print one JSON object instead of the text line");
  sub.footer("The FD reference classifier is trained on first use and cached in $XDG_CACHE_HOME/genc\n"
             "(else ~/.cache/genc); see examples/fd_classifier.gen.\n"
             "Exit status: 0 success, 1 user error (missing, corrupt or foreign checkpoint), 2 internal error.");
  return [a, read_sampler_flags] {
    if (a->iw_opt->count() > 0) a->request.iw = a->iw;
    read_sampler_flags();
    Session session;
    return guard_runtime(session, [&] {
      return runtime::evaluate_checkpoint(session, a->request, std::cout) ? 0 : std::max(session.finish(), 1);
    });
  };
}

}  // namespace genc::cli
