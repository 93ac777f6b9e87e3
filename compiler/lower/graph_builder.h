// Internal to genc_lower: builds one Routine graph — data inputs, objective ops with
// inferred types, role graphs inlined with their parameter names kept, named outputs.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"

namespace genc::lower {

/// What a role returned, with distributions taken apart into their parameter tensors.
struct RoleResult {
  ir::ValueKind kind = ir::ValueKind::Tensor;
  /// Tensor: {value}; Gaussian: {mean, logvar}; Bernoulli, Categorical: {logits}.
  std::vector<ir::ValueRef> values;
};

class GraphBuilder {
 public:
  /// Nodes the builder creates carry `loc` (the objective's position).
  explicit GraphBuilder(SourceRange loc) : loc_(loc) {}

  /// The routine's next input, named `name` (data "x", "y"; a loop's carried value or
  /// table column).
  ir::ValueRef input(const std::string& name, const ir::ValueType& type);
  /// A node of `op` whose type is inferred; a failure is an internal error (lowering
  /// only combines values whose types sema has already checked).
  /// `name` names a parameterised node's parameters (an inverse step reusing its forward's).
  ir::ValueRef op(ir::Op op, std::vector<ir::ValueRef> inputs, ir::Attrs attrs = {}, std::string name = {});
  /// A copy of a role graph's `node` reading `inputs`: its attributes, parameter name and
  /// location kept (a coupling net re-run by a flow's inverse).
  ir::NodeId copy(const ir::Node& node, std::vector<ir::ValueRef> inputs);
  /// A node of `node`'s op, attributes, parameter name and location reading `inputs` of
  /// other types, its result types inferred anew (a role's op on one row of a sequence).
  ir::NodeId retyped(const ir::Node& node, std::vector<ir::ValueRef> inputs);
  /// `v`, its node now located at `loc` (an inverse step at its forward step's position,
  /// so a fault found while sampling points at the flow's source).
  ir::ValueRef located(ir::ValueRef v, SourceRange loc) {
    graph_.node(v.node).loc = loc;
    return v;
  }
  /// A scalar constant f32[].
  ir::ValueRef constant(double value);
  /// Copies `role`'s graph with fresh ids, its i-th parameter bound to `args[i]`.
  RoleResult inline_role(const ir::Function& role, const std::vector<ir::ValueRef>& args);
  /// Adds the next output.
  void output(const std::string& name, ir::ValueRef value);

  const ir::ValueType& type(ir::ValueRef v) const { return graph_.type(v); }
  const ir::Graph& graph() const { return graph_; }

  /// The finished routine, without the nodes no output depends on (the DCE pass).
  Routine finish(std::string name);

 private:
  SourceRange loc_;
  ir::Graph graph_;
  std::vector<std::string> inputs_;
  std::vector<std::string> outputs_;
};

/// `a + b`, `a * b`, `c * a` for a scalar `c` (1 gives `a` itself).
ir::ValueRef add(GraphBuilder& b, ir::ValueRef x, ir::ValueRef y);
ir::ValueRef scale(GraphBuilder& b, double c, ir::ValueRef x);
/// Sums a per-example tensor (a discriminator's [1] score) to f32[].
ir::ValueRef sum_all(GraphBuilder& b, ir::ValueRef x);

/// The names of the parameter nodes of `roles` of `model`, sorted and unique.
std::vector<std::string> param_names(const ir::Model& model, const std::vector<std::string>& roles);

}  // namespace genc::lower
