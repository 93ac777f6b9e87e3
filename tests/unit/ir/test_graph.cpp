// Unit tests of the graph container: ids, edges mirroring inputs, rewiring, removal,
// topological order and deep copies.
#include <gtest/gtest.h>

#include "compiler/ir/graph.h"
#include "compiler/support/diagnostics.h"
#include "tests/unit/ir/ir_test_util.h"

namespace genc::ir {
namespace {

using testing::f32;
using testing::make_node;
using testing::v;

std::vector<std::pair<NodeId, int>> pairs(const std::vector<Use>& uses) {
  std::vector<std::pair<NodeId, int>> out;
  for (const Use& u : uses) out.emplace_back(u.user, u.operand);
  return out;
}

using Pairs = std::vector<std::pair<NodeId, int>>;

NodeId add_input(Graph& g, int64_t index = 0) {
  return g.add(make_node(Op::Input, {}, {f32({4})}, {{"index", index}}));
}

TEST(Graph, AddAssignsIncreasingIdsAndStoresNodes) {
  Graph g;
  NodeId a = add_input(g);
  NodeId b = g.add(make_node(Op::Relu, {v(a)}, {f32({4})}));
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
  EXPECT_EQ(g.size(), 2u);
  EXPECT_TRUE(g.contains(b));
  EXPECT_FALSE(g.contains(2));
  EXPECT_EQ(g.node(b).id, b);
  EXPECT_EQ(g.node(b).op, Op::Relu);
  EXPECT_EQ(g.type(v(b)), f32({4}));
  EXPECT_THROW(g.type(v(b, 1)), InternalError);
  EXPECT_THROW(g.node(7), InternalError);
}

TEST(Graph, AddWithIdKeepsIdAndLaterAddsGoPastIt) {
  Graph g;
  Node n = make_node(Op::Input, {}, {f32({4})});
  n.id = 10;
  EXPECT_EQ(g.add_with_id(n), 10);
  EXPECT_EQ(add_input(g), 11);
  n.id = 10;
  EXPECT_THROW(g.add_with_id(n), InternalError);
  n.id = -1;
  EXPECT_THROW(g.add_with_id(n), InternalError);
}

TEST(Graph, AddRejectsOperandsOfMissingNodes) {
  Graph g;
  EXPECT_THROW(g.add(make_node(Op::Relu, {v(3)}, {f32({4})})), InternalError);
  EXPECT_EQ(g.size(), 0u);
}

TEST(Graph, EdgesMirrorInputsIncludingRepeatedOperands) {
  Graph g;
  NodeId x = add_input(g);
  NodeId sq = g.add(make_node(Op::Mul, {v(x), v(x)}, {f32({4})}));
  NodeId r = g.add(make_node(Op::Relu, {v(x)}, {f32({4})}));
  EXPECT_EQ(pairs(g.uses(v(x))), (Pairs{{sq, 0}, {sq, 1}, {r, 0}}));
  EXPECT_EQ(pairs(g.uses(x)), (Pairs{{sq, 0}, {sq, 1}, {r, 0}}));
  EXPECT_TRUE(g.uses(v(sq)).empty());
  EXPECT_TRUE(g.uses(v(99)).empty());
}

TEST(Graph, UsesSeparateResultPorts) {
  Graph g;
  NodeId x = add_input(g);
  NodeId s = g.add(make_node(Op::Split, {v(x)}, {f32({2}), f32({2})}, {{"parts", int64_t{2}}}));
  NodeId a = g.add(make_node(Op::Relu, {v(s, 1)}, {f32({2})}));
  NodeId b = g.add(make_node(Op::Add, {v(s), v(s, 1)}, {f32({2})}));
  EXPECT_EQ(pairs(g.uses(v(s, 0))), (Pairs{{b, 0}}));
  EXPECT_EQ(pairs(g.uses(v(s, 1))), (Pairs{{a, 0}, {b, 1}}));
  EXPECT_EQ(pairs(g.uses(s)), (Pairs{{a, 0}, {b, 0}, {b, 1}}));
}

TEST(Graph, SetInputMovesTheEdgeAndCanAppend) {
  Graph g;
  NodeId x = add_input(g, 0);
  NodeId y = add_input(g, 1);
  NodeId add = g.add(make_node(Op::Add, {v(x), v(x)}, {f32({4})}));
  g.set_input(add, 1, v(y));
  EXPECT_EQ(g.node(add).inputs, (std::vector<ValueRef>{v(x), v(y)}));
  EXPECT_EQ(pairs(g.uses(v(x))), (Pairs{{add, 0}}));
  EXPECT_EQ(pairs(g.uses(v(y))), (Pairs{{add, 1}}));

  NodeId cat = g.add(make_node(Op::Concat, {v(x)}, {f32({8})}, {{"dim", int64_t{0}}}));
  g.set_input(cat, 1, v(y));
  EXPECT_EQ(g.node(cat).inputs, (std::vector<ValueRef>{v(x), v(y)}));
  EXPECT_EQ(pairs(g.uses(v(y))), (Pairs{{add, 1}, {cat, 1}}));
  EXPECT_THROW(g.set_input(cat, 5, v(y)), InternalError);
  EXPECT_THROW(g.set_input(cat, 0, v(42)), InternalError);
}

TEST(Graph, ReplaceAllUsesRewiresEveryUserOfThatResultOnly) {
  Graph g;
  NodeId x = add_input(g);
  NodeId s = g.add(make_node(Op::Split, {v(x)}, {f32({2}), f32({2})}, {{"parts", int64_t{2}}}));
  NodeId a = g.add(make_node(Op::Add, {v(s), v(s, 1)}, {f32({2})}));
  NodeId b = g.add(make_node(Op::Relu, {v(s, 1)}, {f32({2})}));
  NodeId e = g.add(make_node(Op::Exp, {v(s)}, {f32({2})}));
  g.replace_all_uses(v(s, 1), v(e));
  EXPECT_EQ(g.node(a).inputs, (std::vector<ValueRef>{v(s), v(e)}));
  EXPECT_EQ(g.node(b).inputs, (std::vector<ValueRef>{v(e)}));
  EXPECT_TRUE(g.uses(v(s, 1)).empty());
  EXPECT_EQ(pairs(g.uses(v(s, 0))), (Pairs{{a, 0}, {e, 0}}));
  EXPECT_EQ(pairs(g.uses(v(e))), (Pairs{{a, 1}, {b, 0}}));
}

TEST(Graph, RemoveRefusesUsedNodesAndKeepsOtherIds) {
  Graph g;
  NodeId x = add_input(g);
  NodeId r = g.add(make_node(Op::Relu, {v(x)}, {f32({4})}));
  NodeId t = g.add(make_node(Op::Tanh, {v(r)}, {f32({4})}));
  EXPECT_THROW(g.remove(r), InternalError);
  g.replace_all_uses(v(r), v(x));
  g.remove(r);
  EXPECT_FALSE(g.contains(r));
  EXPECT_EQ(g.ids(), (std::vector<NodeId>{x, t}));
  EXPECT_EQ(g.node(t).inputs, (std::vector<ValueRef>{v(x)}));
  EXPECT_EQ(pairs(g.uses(v(x))), (Pairs{{t, 0}}));
  EXPECT_EQ(add_input(g, 1), 3);  // ids are never reused
  g.remove(t);
  EXPECT_TRUE(g.uses(v(x)).empty());
  EXPECT_THROW(g.remove(t), InternalError);
}

TEST(Graph, TopoOrderTakesSmallestReadyIdFirst) {
  Graph g;
  auto with_id = [&](NodeId id, Node n) {
    n.id = id;
    return g.add_with_id(std::move(n));
  };
  with_id(5, make_node(Op::Input, {}, {f32({4})}));
  with_id(3, make_node(Op::Input, {}, {f32({4})}));
  with_id(4, make_node(Op::Relu, {v(5)}, {f32({4})}));
  with_id(1, make_node(Op::Add, {v(4), v(3)}, {f32({4})}));
  with_id(2, make_node(Op::Exp, {v(3)}, {f32({4})}));
  with_id(0, make_node(Op::Output, {v(1)}, {}));
  // Ready at first: 3, 5. Taking 3 frees 2; then 2 < 5 goes next.
  EXPECT_EQ(g.topo_order(), (std::vector<NodeId>{3, 2, 5, 4, 1, 0}));
  EXPECT_EQ(g.find(Op::Input), (std::vector<NodeId>{3, 5}));
}

TEST(Graph, TopoOrderLeavesOutNodesOnACycle) {
  Graph g;
  NodeId x = add_input(g);
  NodeId a = g.add(make_node(Op::Add, {v(x), v(x)}, {f32({4})}));
  NodeId r = g.add(make_node(Op::Relu, {v(a)}, {f32({4})}));
  g.add(make_node(Op::Tanh, {v(r)}, {f32({4})}));  // downstream of the cycle
  g.set_input(a, 1, v(r));                         // a -> r -> a
  EXPECT_EQ(g.topo_order(), (std::vector<NodeId>{x}));
}

TEST(Graph, CopyIsDeepAndKeepsIdsEdgesAndNextId) {
  Graph g;
  NodeId x = add_input(g);
  NodeId r = g.add(make_node(Op::Relu, {v(x)}, {f32({4})}));
  NodeId dead = g.add(make_node(Op::Exp, {v(x)}, {f32({4})}));
  g.remove(dead);

  Graph c = g;
  EXPECT_EQ(c.ids(), g.ids());
  EXPECT_EQ(pairs(c.uses(v(x))), (Pairs{{r, 0}}));
  EXPECT_EQ(c.topo_order(), g.topo_order());

  NodeId t = c.add(make_node(Op::Tanh, {v(x)}, {f32({4})}));
  EXPECT_EQ(t, 3);
  c.node(r).name = "changed";
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.node(r).name, "");
  EXPECT_EQ(pairs(g.uses(v(x))), (Pairs{{r, 0}}));
  EXPECT_EQ(pairs(c.uses(v(x))), (Pairs{{r, 0}, {t, 0}}));

  Graph assigned;
  assigned = c;
  c.set_input(r, 0, v(t));
  EXPECT_EQ(assigned.node(r).inputs, (std::vector<ValueRef>{v(x)}));
  EXPECT_EQ(pairs(assigned.uses(v(x))), (Pairs{{r, 0}, {t, 0}}));
  Graph moved = std::move(assigned);
  EXPECT_EQ(moved.size(), 3u);
}

}  // namespace
}  // namespace genc::ir
