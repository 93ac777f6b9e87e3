// Common subexpression elimination: one node per distinct pure computation.
//
// Algorithm:
//   1. Take the nodes in topological order, so a node's operands have already been
//      merged when the node itself is looked at.
//   2. Skip nodes that are not kPure, or that are kParams (every call site owns its
//      weights) or kRandom (two draws differ).
//   3. Key the node by (op, operands, attributes, result types); the operands of the
//      commutative add and mul are sorted first, so a+b and b+a meet.
//   4. If an earlier node has the key, point every use of each result at the earlier
//      node's result and remove this node; otherwise remember it under the key.
#include "compiler/passes/cse.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace genc::passes {
namespace {

using Key = std::tuple<ir::Op, std::vector<ir::ValueRef>, ir::Attrs, std::vector<std::string>>;

bool mergeable(ir::Op op) {
  return ir::has_flag(op, ir::kPure) && !ir::has_flag(op, ir::kParams) &&
         !ir::has_flag(op, ir::kRandom);
}

Key key_of(const ir::Node& n) {
  std::vector<ir::ValueRef> operands = n.inputs;
  if (n.op == ir::Op::Add || n.op == ir::Op::Mul) std::sort(operands.begin(), operands.end());
  std::vector<std::string> types;
  for (const ir::ValueType& t : n.outputs) types.push_back(t.str());
  return Key{n.op, std::move(operands), n.attrs, std::move(types)};
}

}  // namespace

bool eliminate_common_subexpressions(ir::Graph& graph) {
  std::map<Key, ir::NodeId> seen;
  bool changed = false;
  for (ir::NodeId id : graph.topo_order()) {
    const ir::Node& n = graph.node(id);
    if (!mergeable(n.op)) continue;
    auto [it, inserted] = seen.emplace(key_of(n), id);
    if (inserted) continue;
    for (int port = 0; port < static_cast<int>(n.outputs.size()); ++port)
      graph.replace_all_uses(ir::ValueRef{id, port}, ir::ValueRef{it->second, port});
    graph.remove(id);
    changed = true;
  }
  return changed;
}

}  // namespace genc::passes
