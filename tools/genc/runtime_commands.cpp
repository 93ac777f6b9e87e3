// The table of genc-runtime's subcommands: the commands that train and measure models with
// the LibTorch runtime (runtime/run), and how their user errors reach the terminal.
// `genc run|sample|eval ...` executes `genc-runtime run|sample|eval ...`.
#include <iostream>

#include "runtime/errors.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {

int guard_runtime(Session& session, const std::function<int()>& command) {
  try {
    return command();
  } catch (const runtime::ReportedByRankZero&) {
    session.finish();
    return 1;  // rank 0 of the data-parallel run says it
  } catch (const runtime::RuntimeUserError& e) {
    std::cerr << "genc: error: " << e.what() << "\n";
    session.finish();
    return 1;
  }
}

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> table = {
      {"run", kRunDescription, setup_run},
      {"sample", kSampleDescription, setup_sample},
      {"eval", kEvalDescription, setup_eval},
      {"report", kReportDescription, setup_report},
      {"export", kExportDescription, setup_export},
      {"verify", kVerifyDescription, setup_verify},
      {"sweep", kSweepDescription, setup_sweep},
      {"compare", kCompareDescription, setup_compare},
  };
  return table;
}

}  // namespace genc::cli
