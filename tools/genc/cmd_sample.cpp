// `genc sample CHECKPOINT [-n 64] [-o grid.png] [--seed N] [--sampler SPEC] [--guidance W]`: the flags of
// runtime::sample_checkpoint (runtime/run/sample.h), which writes a PNG grid of n samples.
#include <iostream>
#include <memory>
#include <string>

#include "runtime/run/sample.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"
#include "tools/genc/sampler_flags.h"

namespace genc::cli {

Action setup_sample(CLI::App& sub) {
  auto r = std::make_shared<runtime::SampleRequest>();
  sub.add_option("checkpoint", r->checkpoint, "A checkpoint written by genc run (OUT/checkpoints/step_N.pt)")
      ->required();
  sub.add_option("-n", r->n, "Number of samples")->check(CLI::Range(int64_t{1}, int64_t{4096}))->capture_default_str();
  sub.add_option("-o,--output", r->out, "The file to write (atomically): .png (image grid or 2-D scatter plot), .npy (2-D points) or .txt (text models); default: grid.png, text models print to stdout");
  sub.add_option("--prompt", r->prompt, "Text a text model continues (at most its context long)");
  sub.add_option("--seed", r->seed, "Seed of the sampler's noise")->capture_default_str();
  std::function<void()> read_sampler_flags = add_sampler_flags(sub, r->sampler);

  sub.footer("Exit status: 0 success, 1 user error (missing, corrupt or foreign checkpoint; nothing is written),\n"
             "2 internal error.");
  return [r, read_sampler_flags] {
    read_sampler_flags();
    Session session;
    return guard_runtime(session, [&] {
      return runtime::sample_checkpoint(session, *r, std::cout) ? 0 : std::max(session.finish(), 1);
    });
  };
}

}  // namespace genc::cli
