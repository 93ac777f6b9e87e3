// `genc report OUT [-o FILE]`: the flags of runtime::write_report (runtime/run/report.h),
// which writes one self-contained HTML page of a run folder.
#include <iostream>
#include <memory>

#include "runtime/run/report.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {

Action setup_report(CLI::App& sub) {
  auto r = std::make_shared<runtime::ReportRequest>();
  sub.add_option("out", r->out_dir, "The folder of a genc run (its --out; default of genc run: runs/MODEL)")
      ->required();
  sub.add_option("-o,--output", r->output, "The page to write (atomically); default: OUT/report.html");
  sub.footer("The page holds everything it shows (works offline): the curves of metrics.jsonl, the sample\n"
             "grids, the model graph (when Graphviz's dot is installed), the summary, settings and timings.\n"
             "Exit status: 0 success, 1 user error (not a run folder, unwritable output), 2 internal error.");
  return [r] {
    Session session;
    return guard_runtime(session, [&] {
      return runtime::write_report(session, *r, std::cout) ? 0 : std::max(session.finish(), 1);
    });
  };
}

}  // namespace genc::cli
