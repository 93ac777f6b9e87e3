// The run report as one self-contained HTML page: everything it shows is in the file
// (charts as inline SVG, images as data: URIs, no external script, style sheet or font).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/report/metrics_series.h"

namespace genc::runtime::report {

/// One sample grid of the run: a PNG file's bytes and when it was written.
struct SampleGrid {
  std::string label;  ///< "step 100", "epoch 3"
  std::string png;    ///< the file's bytes
};

using Rows = std::vector<std::pair<std::string, std::string>>;

/// What the page shows; empty parts get a short note saying why.
struct PageContent {
  std::string model;       ///< the page's title
  std::string objective;   ///< "elbo", "gan", ... ("" when unknown)
  std::string out_dir;     ///< OUT as given to genc report
  Metrics metrics;
  std::vector<SampleGrid> samples;        ///< oldest first
  std::optional<std::string> graph_svg;   ///< graphviz's drawing of the model graph
  std::string graph_note;                 ///< why there is no graph
  std::string summary;                    ///< `genc compile --emit summary` of the model
  Rows settings;                          ///< run.json and the checkpoint's --set overrides
  std::string source_path, source_text;   ///< the .gen source the run was compiled from
  std::vector<std::string> checkpoints;   ///< file names, oldest first
  std::string missing_note;               ///< why source, graph and summary are missing ("" : they are not)
};

/// The complete HTML document.
std::string render_page(const PageContent& content);

}  // namespace genc::runtime::report
