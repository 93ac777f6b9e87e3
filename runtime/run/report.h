// `genc report OUT`: one self-contained HTML page of a run (runtime/report): its curves from
// metrics.jsonl, sample grids, model graph and summary (recompiled from the source its
// latest checkpoint stores), settings (run.json, the train block) and timings.
#pragma once

#include <iosfwd>
#include <string>

#include "compiler/pipeline/pipeline.h"

namespace genc::runtime {

struct ReportRequest {
  std::string out_dir;  ///< OUT of a genc run
  std::string output;   ///< the page to write; "" : OUT/report.html
};

/// Writes the page atomically and names it on `log`. Without a checkpoint in OUT the page
/// has curves, samples and run.json only and says so. False after reporting compile errors
/// of the stored source in `c`; throws RuntimeUserError when OUT is not a run folder or the
/// page cannot be written.
bool write_report(pipeline::Compilation& c, const ReportRequest& request, std::ostream& log);

}  // namespace genc::runtime
