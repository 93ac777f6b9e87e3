// The table of `genc` subcommands. run, sample and eval are served by the genc-runtime
// executable (see CMakeLists.txt); genc lists them and hands their arguments over.
#include "tools/genc/command.h"

namespace genc::cli {

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> table = {
      {"check", "Parse and type/shape-check a .gen file; print diagnostics", setup_check},
      {"compile",
       "Print or write one compiler stage (ast, ir, ir-opt, dot, plan) of a .gen or .gir file",
       setup_compile},
      {"help", "Print a reference table: `genc help options` lists every construct's options",
       setup_help},
#ifdef GENC_FORWARD_RUNTIME
      {"run", kRunDescription, setup_forward_to_runtime},
      {"sample", kSampleDescription, setup_forward_to_runtime},
      {"eval", kEvalDescription, setup_forward_to_runtime},
      {"report", kReportDescription, setup_forward_to_runtime},
      {"export", kExportDescription, setup_forward_to_runtime},
      {"sweep", kSweepDescription, setup_forward_to_runtime},
      {"compare", kCompareDescription, setup_forward_to_runtime},
#endif
  };
  return table;
}

}  // namespace genc::cli
