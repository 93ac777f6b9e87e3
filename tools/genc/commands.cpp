// The table of `genc` subcommands.
#include "tools/genc/command.h"

namespace genc::cli {

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> table = {
      {"check", "Parse and type/shape-check a .gen file; print diagnostics", setup_check},
      {"compile",
       "Print or write one compiler stage (ast, ir, ir-opt, dot, plan) of a .gen or .gir file",
       setup_compile},
#ifdef GENC_HAVE_RUNTIME
      {"run", "Compile a .gen file and train its model (metrics, checkpoints, sample grids)", setup_run},
      {"sample", "Write a PNG grid of samples from a checkpoint", setup_sample},
      {"eval", "Evaluate a checkpoint: test ELBO and IW bound, or FD and class coverage", setup_eval},
#endif
  };
  return table;
}

}  // namespace genc::cli
