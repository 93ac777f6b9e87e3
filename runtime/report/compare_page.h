// The comparison page of several runs (`genc report` of a sweep folder, `genc compare`):
// one table of the variants (hyperparameters, parameter count, final train and test metrics
// as mean ± std over their seeds, steps/s, wall time), ranked and sortable by clicking a
// column header; every metric's curves of all runs overlaid; and each variant's
// architecture differences from the first. Self-contained like the run report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/report/metrics_series.h"

namespace genc::runtime::report {

/// One difference between two variants' graphs.
struct ArchChange {
  std::string kind;    ///< "parameter" or "op"
  std::string name;    ///< "q.h.linear0 (linear)", "relu in q"
  std::string where;   ///< "vae.gen:9:20"
  std::string before;  ///< in the reference ("" : absent)
  std::string after;   ///< in this variant ("" : absent)
};

/// The runs of one configuration: they differ only in their seeds.
struct Variant {
  std::string label;               ///< "latent=8,hidden=200"
  std::vector<std::string> values; ///< one per ComparisonContent::hyperparams column
  std::optional<int64_t> params;   ///< trainable elements (null: no checkpoint to compile)
  std::vector<size_t> runs;        ///< indices into ComparisonContent::runs
  std::vector<ArchChange> diff;    ///< against the reference variant (the first)
  bool same_graph_as_reference = false;
};

struct ComparedRun {
  std::string name;  ///< "latent=8,hidden=200,seed=0"
  uint64_t seed = 0;
  std::string status;  ///< "done", ... (sweeps), "" otherwise
  Metrics metrics;
};

struct ComparisonContent {
  std::string title;
  std::string subtitle;
  std::vector<std::string> hyperparams;  ///< column names ("latent", "hidden")
  std::vector<Variant> variants;         ///< the first is the reference of the diffs
  std::vector<ComparedRun> runs;
};

/// The column the table is ranked by: "test elbo" (higher first) when the runs have it,
/// else "test loss", else "train loss" (lower first).
struct Ranking {
  std::string split, metric;
  bool higher_is_better = false;
};
Ranking ranking_of(const ComparisonContent& content);

/// The complete HTML document; the table starts in rank order. Each header cell has a
/// data-key ("latent", "params", "test_elbo", ...); clicking it sorts the rows by that
/// column (again: the other way). A page opened as PAGE#sort=KEY[,KEY...] clicks those
/// headers once loaded (a link to a sorted table; the browser test uses it).
std::string render_comparison(const ComparisonContent& content);

}  // namespace genc::runtime::report
