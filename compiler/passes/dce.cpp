// Dead code elimination: drops pure and random nodes whose results nobody uses.
//
// Algorithm:
//   1. Take the nodes in reverse topological order, so every user is visited before the
//      nodes it uses.
//   2. A node is removable when it is not kRoot, is kPure or kRandom (an unused random
//      draw changes nothing but the random stream), and none of its results has a use.
//   3. Remove it. Its operands may thereby lose their last use; they come later in the
//      walk, so one walk removes whole dead chains.
#include "compiler/passes/dce.h"

#include <algorithm>

namespace genc::passes {
namespace {

bool removable(ir::Op op) {
  return !ir::has_flag(op, ir::kRoot) &&
         (ir::has_flag(op, ir::kPure) || ir::has_flag(op, ir::kRandom));
}

}  // namespace

bool eliminate_dead_code(ir::Graph& graph) {
  std::vector<ir::NodeId> order = graph.topo_order();
  std::reverse(order.begin(), order.end());
  bool changed = false;
  for (ir::NodeId id : order) {
    if (!removable(graph.node(id).op) || !graph.uses(id).empty()) continue;
    graph.remove(id);
    changed = true;
  }
  return changed;
}

}  // namespace genc::passes
