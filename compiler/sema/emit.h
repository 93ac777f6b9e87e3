// Building one role's graph: adding nodes with shape inference, reporting shape errors at
// the op's source location (with a note at the culprit operand's definition), naming
// parameterized nodes and enforcing that a flow chains only invertible steps.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/sema/naming.h"
#include "compiler/sema/value.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

class GraphBuilder {
 public:
  /// `graph` may be null: then every attempt to build a tensor is an error (compile-time
  /// contexts such as hyperparameter defaults). `root` starts every parameter path.
  GraphBuilder(DiagnosticEngine& diags, ir::Graph* graph, std::string root);

  bool active() const { return graph_ != nullptr; }
  ir::Graph& graph() { return *graph_; }
  ParamNamer& namer() { return namer_; }

  /// Adds the Input node of role parameter `index`.
  Value input(const std::string& name, int index, const ir::ValueType& type, SourceRange loc);
  /// Adds the role's Output node.
  void output(const Value& v, SourceRange loc);
  /// Adds a node of `op` on `inputs` (tensor values). On a shape error reports it at
  /// `loc` and returns nullopt. Parameterized nodes get the next parameter path.
  std::optional<ir::NodeId> emit(ir::Op op, const std::vector<Value>& inputs, ir::Attrs attrs,
                                 SourceRange loc);
  /// Result `port` of node `id` as a value.
  Value result(ir::NodeId id, int port = 0) const;
  /// A scalar f32 `const` node.
  Value constant(double v, SourceRange loc);

  /// While on (a flow's body), any op that is not invertible is a NotInvertible error.
  bool flow_chain() const { return flow_chain_; }
  void set_flow_chain(bool on) { flow_chain_ = on; }

  /// How many nodes of `op` were added so far (deterministic seeds).
  int count(ir::Op op) const;
  /// True once the graph outgrew its size limit (reported once); evaluation stops.
  bool exhausted() const { return exhausted_; }

  /// Block expansions in progress. A shape error inside a block of another file than the
  /// role's (the stdlib, an imported file) gets one note per enclosing call ("in block
  /// 'mlp' called here"), innermost first, so the user sees where their code led there.
  void push_call(std::string block, SourceRange call) {
    calls_.emplace_back(std::move(block), call);
  }
  void pop_call() { calls_.pop_back(); }
  /// The block calls in progress when node `id` was added, innermost first (empty for a
  /// node of the role's own file).
  std::vector<std::pair<std::string, SourceRange>> calls_of(ir::NodeId id) const;

 private:
  DiagnosticEngine& diags_;
  ir::Graph* graph_;
  ParamNamer namer_;
  bool flow_chain_ = false;
  bool exhausted_ = false;
  std::vector<std::pair<std::string, SourceRange>> calls_;
  std::vector<ir::NodeId> emitted_;
  std::map<ir::NodeId, std::vector<std::pair<std::string, SourceRange>>> node_calls_;  ///< outermost first
};

}  // namespace genc::sema
