// Layer + activation fusion: linear/conv/upconv followed by relu, gelu, ... becomes one
// node, which the runtime runs as one kernel (addmm then an in-place activation).
//
// Algorithm:
//   1. Take the linear, conv and upconv nodes in id order.
//   2. Skip a layer that already has an `act`, or whose result does not have exactly one
//      use, or whose one user is not a kActivation op.
//   3. Set the layer's `act` to the activation's spelling; for leaky_relu copy its
//      `slope` too (when it has one; otherwise the runtime's default applies to both).
//   4. Append the activation's location (and any it had fused) to the layer's `fused`.
//   5. Point every use of the activation at the layer's result and remove the activation.
//      The layer's result type is unchanged: activations keep the shape.
#include "compiler/passes/fuse_linear_activation.h"

#include <string>

namespace genc::passes {
namespace {

bool is_layer(ir::Op op) {
  return op == ir::Op::Linear || op == ir::Op::Conv || op == ir::Op::UpConv;
}

}  // namespace

bool fuse_linear_activation(ir::Graph& graph) {
  bool changed = false;
  for (ir::NodeId id : graph.ids()) {
    if (!graph.contains(id) || !is_layer(graph.node(id).op) || graph.node(id).attrs.count("act"))
      continue;
    ir::ValueRef result{id, 0};
    std::vector<ir::Use> uses = graph.uses(result);
    if (uses.size() != 1 || !ir::has_flag(graph.node(uses[0].user).op, ir::kActivation)) continue;
    ir::NodeId act_id = uses[0].user;
    const ir::Node& act = graph.node(act_id);
    ir::Node& layer = graph.node(id);
    layer.attrs["act"] = std::string(ir::op_name(act.op));
    if (act.op == ir::Op::LeakyRelu && act.attrs.count("slope"))
      layer.attrs["slope"] = act.attrs.at("slope");
    layer.fused.push_back(act.loc);
    layer.fused.insert(layer.fused.end(), act.fused.begin(), act.fused.end());
    graph.replace_all_uses(ir::ValueRef{act_id, 0}, result);
    graph.remove(act_id);
    changed = true;
  }
  return changed;
}

}  // namespace genc::passes
