// The graph IR container: one Graph per role, held in a Boost.Graph adjacency_list.
// Vertices are op nodes; an edge u->v carries one tensor (u's result `src_port`
// feeding v's operand `operand`). Nodes have stable integer ids that survive passes;
// Boost vertex descriptors never leak out of this API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir/op.h"
#include "compiler/ir/types.h"
#include "compiler/support/source.h"

namespace genc::ir {

using NodeId = int32_t;

/// One result of one node.
struct ValueRef {
  NodeId node = -1;
  int port = 0;
  bool operator==(const ValueRef& o) const { return node == o.node && port == o.port; }
  bool operator!=(const ValueRef& o) const { return !(*this == o); }
  bool operator<(const ValueRef& o) const { return node != o.node ? node < o.node : port < o.port; }
};

struct Node {
  NodeId id = -1;
  Op op = Op::Const;
  std::vector<ValueRef> inputs;     ///< operands in order (mirrored by the graph's edges)
  std::vector<ValueType> outputs;   ///< result types
  Attrs attrs;
  std::string name;                 ///< parameter path for kParams ops ("q.h.linear0"), else ""
  SourceRange loc;                  ///< where the user wrote it
  std::vector<SourceRange> fused;   ///< locations of nodes fused into this one
};

/// A use of a value: operand `operand` of node `user`.
struct Use {
  NodeId user;
  int operand;
};

class Graph {
 public:
  Graph();
  ~Graph();
  Graph(Graph&&) noexcept;
  Graph& operator=(Graph&&) noexcept;
  Graph(const Graph&);
  Graph& operator=(const Graph&);

  /// Adds a node with a fresh id (one more than the largest ever used) and returns it.
  NodeId add(Node node);
  /// Adds a node keeping node.id (the IR parser); internal_error if the id is taken.
  NodeId add_with_id(Node node);

  bool contains(NodeId id) const;
  const Node& node(NodeId id) const;
  Node& node(NodeId id);  ///< do not edit `inputs` directly: use set_input
  const ValueType& type(ValueRef v) const;

  /// Points operand `operand` of `user` at `value`; operand == inputs.size() appends one.
  void set_input(NodeId user, int operand, ValueRef value);
  /// Points every use of `from` at `to`.
  void replace_all_uses(ValueRef from, ValueRef to);
  /// Removes a node; internal_error if any of its results still has a use.
  void remove(NodeId id);

  std::vector<Use> uses(ValueRef value) const;
  std::vector<Use> uses(NodeId id) const;  ///< uses of any result
  size_t size() const;

  /// All node ids, ascending.
  std::vector<NodeId> ids() const;
  /// Deterministic topological order: among ready nodes the smallest id first.
  std::vector<NodeId> topo_order() const;
  /// Nodes whose op is `op`, ascending id.
  std::vector<NodeId> find(Op op) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace genc::ir
