// The table of genc-runtime's subcommands: the commands that train and measure models with
// the LibTorch runtime. `genc run|sample|eval ...` executes `genc-runtime run|sample|eval ...`.
#include "tools/genc/command.h"

namespace genc::cli {

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> table = {
      {"run", kRunDescription, setup_run},
      {"sample", kSampleDescription, setup_sample},
      {"eval", kEvalDescription, setup_eval},
  };
  return table;
}

}  // namespace genc::cli
