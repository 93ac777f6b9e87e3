// The graph IR container: a Boost.Graph adjacency_list whose edges mirror Node::inputs.
#include "compiler/ir/graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>

#include "compiler/support/diagnostics.h"

namespace genc::ir {
namespace {

/// One tensor flowing from result `src_port` of the edge's source into operand `operand`
/// of its target.
struct EdgeProp {
  int src_port = 0;
  int operand = 0;
};

// listS vertex storage keeps vertex descriptors valid when other vertices are removed;
// listS edges allow parallel edges (add(x, x)).
using BGraph =
    boost::adjacency_list<boost::listS, boost::listS, boost::bidirectionalS, Node, EdgeProp>;
using Vertex = BGraph::vertex_descriptor;

std::string id_str(NodeId id) { return "%" + std::to_string(id); }

}  // namespace

struct Graph::Impl {
  BGraph g;
  std::map<NodeId, Vertex> vertices;  ///< id -> vertex, ordered so ids() is ascending
  NodeId next_id = 0;

  Vertex vertex(NodeId id) const {
    auto it = vertices.find(id);
    if (it == vertices.end()) internal_error("graph: no node " + id_str(id));
    return it->second;
  }

  /// Adds the vertex for `node` (whose id is already set) and the edges of its inputs.
  void insert(Node node) {
    for (const ValueRef& in : node.inputs) {
      if (!vertices.count(in.node))
        internal_error("graph: node " + id_str(node.id) + " uses missing node " + id_str(in.node));
    }
    NodeId id = node.id;
    std::vector<ValueRef> inputs = node.inputs;
    Vertex v = boost::add_vertex(std::move(node), g);
    vertices.emplace(id, v);
    next_id = std::max(next_id, id + 1);
    for (size_t i = 0; i < inputs.size(); ++i)
      boost::add_edge(vertex(inputs[i].node), v, EdgeProp{inputs[i].port, static_cast<int>(i)}, g);
  }

  /// The out-edges of `id` (only those from result `port` when given), sorted by user
  /// and operand; empty for an unknown id.
  std::vector<Use> uses_of(NodeId id, std::optional<int> port) const {
    std::vector<Use> out;
    auto it = vertices.find(id);
    if (it == vertices.end()) return out;
    for (auto [e, end] = boost::out_edges(it->second, g); e != end; ++e)
      if (!port || g[*e].src_port == *port)
        out.push_back(Use{g[boost::target(*e, g)].id, g[*e].operand});
    std::sort(out.begin(), out.end(), [](const Use& a, const Use& b) {
      return a.user != b.user ? a.user < b.user : a.operand < b.operand;
    });
    return out;
  }

  /// Removes the edge feeding operand `operand` of `user`.
  void remove_operand_edge(Vertex user, int operand) {
    boost::remove_in_edge_if(
        user, [&](const BGraph::edge_descriptor& e) { return g[e].operand == operand; }, g);
  }
};

Graph::Graph() : impl_(std::make_unique<Impl>()) {}
Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;

Graph::Graph(const Graph& other) : impl_(std::make_unique<Impl>()) {
  // Rebuild vertex by vertex (descriptors of a listS graph are pointers, so they
  // cannot be copied), then copy the edges exactly as they are.
  const BGraph& og = other.impl_->g;
  std::map<Vertex, Vertex> to_new;
  for (const auto& [id, v] : other.impl_->vertices) {
    Vertex copy = boost::add_vertex(og[v], impl_->g);
    impl_->vertices.emplace(id, copy);
    to_new.emplace(v, copy);
  }
  for (auto [it, end] = boost::edges(og); it != end; ++it)
    boost::add_edge(to_new.at(boost::source(*it, og)), to_new.at(boost::target(*it, og)), og[*it],
                    impl_->g);
  impl_->next_id = other.impl_->next_id;
}

Graph& Graph::operator=(const Graph& other) {
  if (this != &other) *this = Graph(other);
  return *this;
}

NodeId Graph::add(Node node) {
  node.id = impl_->next_id;
  NodeId id = node.id;
  impl_->insert(std::move(node));
  return id;
}

NodeId Graph::add_with_id(Node node) {
  if (node.id < 0) internal_error("graph: negative node id " + std::to_string(node.id));
  if (contains(node.id)) internal_error("graph: node id " + id_str(node.id) + " is taken");
  NodeId id = node.id;
  impl_->insert(std::move(node));
  return id;
}

bool Graph::contains(NodeId id) const { return impl_->vertices.count(id) != 0; }

const Node& Graph::node(NodeId id) const { return impl_->g[impl_->vertex(id)]; }
Node& Graph::node(NodeId id) { return impl_->g[impl_->vertex(id)]; }

const ValueType& Graph::type(ValueRef v) const {
  const Node& n = node(v.node);
  if (v.port < 0 || v.port >= static_cast<int>(n.outputs.size()))
    internal_error("graph: " + id_str(v.node) + " has no result #" + std::to_string(v.port));
  return n.outputs[v.port];
}

void Graph::set_input(NodeId user, int operand, ValueRef value) {
  Vertex u = impl_->vertex(user);
  Vertex src = impl_->vertex(value.node);
  Node& n = impl_->g[u];
  if (operand < 0 || operand > static_cast<int>(n.inputs.size()))
    internal_error("graph: " + id_str(user) + " has no operand " + std::to_string(operand));
  if (operand == static_cast<int>(n.inputs.size())) {
    n.inputs.push_back(value);
  } else {
    impl_->remove_operand_edge(u, operand);
    n.inputs[operand] = value;
  }
  boost::add_edge(src, u, EdgeProp{value.port, operand}, impl_->g);
}

void Graph::replace_all_uses(ValueRef from, ValueRef to) {
  if (from == to) return;
  Vertex to_v = impl_->vertex(to.node);
  for (const Use& use : uses(from)) {
    Vertex u = impl_->vertex(use.user);
    impl_->remove_operand_edge(u, use.operand);
    impl_->g[u].inputs[use.operand] = to;
    boost::add_edge(to_v, u, EdgeProp{to.port, use.operand}, impl_->g);
  }
}

void Graph::remove(NodeId id) {
  Vertex v = impl_->vertex(id);
  if (boost::out_degree(v, impl_->g) != 0)
    internal_error("graph: cannot remove " + id_str(id) + ", its results are still used");
  boost::clear_vertex(v, impl_->g);
  boost::remove_vertex(v, impl_->g);
  impl_->vertices.erase(id);
}

std::vector<Use> Graph::uses(ValueRef value) const {
  return impl_->uses_of(value.node, value.port);
}

std::vector<Use> Graph::uses(NodeId id) const { return impl_->uses_of(id, std::nullopt); }

size_t Graph::size() const { return impl_->vertices.size(); }

std::vector<NodeId> Graph::ids() const {
  std::vector<NodeId> out;
  out.reserve(impl_->vertices.size());
  for (const auto& entry : impl_->vertices) out.push_back(entry.first);
  return out;
}

// Kahn's algorithm over the Boost graph:
//   1. count each vertex's in-edges (one per operand, so add(x, x) counts two);
//   2. put every vertex without in-edges into a min-heap keyed by id;
//   3. pop the smallest id, emit it, and decrement its successors, pushing those that
//      reach zero.
// Nodes on a cycle (or downstream of one) never become ready and are left out, so
// topo_order().size() < size() exactly when the graph has a cycle.
std::vector<NodeId> Graph::topo_order() const {
  const BGraph& g = impl_->g;
  std::map<Vertex, size_t> pending;
  using Ready = std::pair<NodeId, Vertex>;
  std::priority_queue<Ready, std::vector<Ready>, std::greater<Ready>> ready;
  for (const auto& [id, v] : impl_->vertices) {
    size_t deg = boost::in_degree(v, g);
    pending[v] = deg;
    if (deg == 0) ready.emplace(id, v);
  }
  std::vector<NodeId> order;
  order.reserve(impl_->vertices.size());
  while (!ready.empty()) {
    auto [id, v] = ready.top();
    ready.pop();
    order.push_back(id);
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
      Vertex succ = boost::target(*e, g);
      if (--pending[succ] == 0) ready.emplace(g[succ].id, succ);
    }
  }
  return order;
}

std::vector<NodeId> Graph::find(Op op) const {
  std::vector<NodeId> out;
  for (const auto& [id, v] : impl_->vertices)
    if (impl_->g[v].op == op) out.push_back(id);
  return out;
}

}  // namespace genc::ir
