// `genc compare RUN...` and `genc report` of a sweep folder: reads each run folder
// (metrics.jsonl, run.json, the source and --set its latest checkpoint stores), groups the
// runs that differ only in their seed into variants, compiles each variant once for its
// parameter count and architecture diff, and writes the comparison page
// (runtime/report/compare_page.h).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "compiler/pipeline/pipeline.h"

namespace genc::runtime::sweep {

struct CompareRequest {
  std::vector<std::string> runs;  ///< run folders (genc run's OUT)
  std::string output;             ///< the page to write
  std::string title;              ///< "" : "N runs"
};

/// Writes the comparison page of `request.runs` atomically and names it on `log`. False
/// after reporting compile errors of a stored source in `c`; throws RuntimeUserError when a
/// folder is not a run folder or the page cannot be written.
bool write_comparison(pipeline::Compilation& c, const CompareRequest& request, std::ostream& log);

/// Whether `out` is the folder of a genc sweep (it has sweep.json).
bool is_sweep_folder(const std::string& out);

/// `genc report OUT` of a sweep folder: the comparison of its started runs, in the sweep's
/// order, into `output` ("" : OUT/report.html).
bool write_sweep_report(pipeline::Compilation& c, const std::string& out, const std::string& output, std::ostream& log);

}  // namespace genc::runtime::sweep
