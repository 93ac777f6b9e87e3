// `genc export CHECKPOINT [-o model.pt]`: the flags of runtime::export_checkpoint
// (runtime/run/export.h), which writes the sampler as a TorchScript module.
#include <iostream>
#include <memory>

#include "runtime/run/export.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {

Action setup_export(CLI::App& sub) {
  auto r = std::make_shared<runtime::ExportRequest>();
  sub.add_option("checkpoint", r->checkpoint, "A checkpoint written by genc run (OUT/checkpoints/step_N.pt)")
      ->required();
  sub.add_option("-o,--output", r->out, "The TorchScript file to write (atomically)")->capture_default_str();
  sub.footer("In Python: m = torch.jit.load('model.pt'); x = m(torch.randn(n, *m.noise_shape()));\n"
             "a VAE's module also has m.encode(x) -> (mean, logvar).\n"
             "Exported yet: straight-line samplers (VAE decoders, GAN generators) of linear, conv, upconv,\n"
             "batchnorm, activation and reshape ops.\n"
             "Exit status: 0 success, 1 user error (bad checkpoint, a sampler not exported yet), 2 internal error.");
  return [r] {
    Session session;
    return guard_runtime(session, [&] {
      return runtime::export_checkpoint(session, *r, std::cout) ? 0 : std::max(session.finish(), 1);
    });
  };
}

}  // namespace genc::cli
