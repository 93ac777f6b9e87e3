// `genc compare RUN... [-o FILE] [--title T]`: the flags of runtime::sweep::write_comparison
// (runtime/sweep/compare.h), which writes one comparison page of several run folders.
#include <iostream>
#include <memory>

#include "runtime/sweep/compare.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {

Action setup_compare(CLI::App& sub) {
  auto r = std::make_shared<runtime::sweep::CompareRequest>();
  sub.add_option("runs", r->runs, "The folders of genc runs (their --out)")->required();
  sub.add_option("-o,--output", r->output, "The page to write (atomically); default: comparison.html");
  sub.add_option("--title", r->title, "The page's title (default: N runs)");
  sub.footer("Runs that differ only in their seed are one variant: the table shows its final metrics as\n"
             "mean ± std over them. The page also overlays every run's curves and lists each variant's\n"
             "parameters and ops that differ from the first variant's graph. Works offline.\n"
             "Exit status: 0 success, 1 user error (not a run folder, unwritable output), 2 internal error.");
  return [r] {
    Session session;
    return guard_runtime(session, [&] {
      return runtime::sweep::write_comparison(session, *r, std::cout) ? 0 : std::max(session.finish(), 1);
    });
  };
}

}  // namespace genc::cli
