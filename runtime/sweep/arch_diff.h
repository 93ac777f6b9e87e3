// The architecture diff of two compiled runs: which parameters and ops of their models'
// graphs (the IR of every role) differ, named by their parameter path or op and role, and
// located where the source writes them.
#pragma once

#include <vector>

#include "runtime/report/compare_page.h"
#include "runtime/run/training.h"

namespace genc::runtime::sweep {

/// A compiled run's model: its Training (parameters) and the same source analysed but not
/// optimized (the ops as written, before fusion: what `genc compile --emit ir` prints).
struct Architecture {
  const Training& training;
  const ir::Program& analyzed;
};

/// The differences of `other` from `reference`, in role and graph order:
///   - a parameter node (by its path, "q.h.linear0") present in only one, or whose tensors'
///     shapes differ ("weight [200,784], bias [200]");
///   - an op of the analysed graph (by role, op and source location) present in only one, or
///     whose result types differ.
/// Empty when both have the same parameters and ops with the same shapes.
std::vector<report::ArchChange> diff_architectures(const Architecture& reference, const Architecture& other);

/// Whether the two optimized programs print the same (same graph, same constants).
bool same_graph(const Training& a, const Training& b);

}  // namespace genc::runtime::sweep
