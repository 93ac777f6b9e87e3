// The IR verifier: checks the structural invariants of each graph, re-runs the shape
// functions, and checks that role graphs match their functions' signatures.
//
// Per graph, in order:
//   1. every operand names an existing node and one of its results;
//   2. the Boost edges mirror Node::inputs (same users, operands and ports, no extras);
//   3. operand and result counts match ops.def;
//   4. attributes match ops.def's ATTR lines: no unknown names, every required one
//      present, each of its declared type;
//   5. the graph is acyclic (nodes left over by topo_order lie on or after a cycle);
//   6. in topological order, infer_shape on the operands' types gives the node's types
//      (skipped for nodes that failed 1, 3 or 4: their shape function would misread them).
// Per role function: exactly one Output node, whose operand has the result type; Input
// nodes and params correspond one to one by `index`, with equal types (and names, when
// the Input has one); a coupling's net reads its own x only (check_coupling_nets). Per
// program: train blocks name a model and a dataset, and every model and train setting fits
// the option table (check_settings, option_table.h).
#include "compiler/ir/verifier.h"

#include <fmt/args.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "compiler/ir/op_attrs.h"
#include "compiler/ir/option_table.h"
#include "compiler/ir/shape_fns.h"

namespace genc::ir {
namespace {

std::string who(const Node& n) { return fmt::format("%{} {}", n.id, op_name(n.op)); }

std::string types_str(const std::vector<ValueType>& types) {
  if (types.empty()) return "no results";
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) out += (i == 0 ? "" : ", ") + types[i].str();
  return out;
}

/// A shape function's error as the one-line diagnostic text.
std::string shape_error_str(const ShapeResult& r) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const std::string& a : r.error_args) store.push_back(a);
  try {
    return fmt::vformat(diag_info(r.error).format, store);
  } catch (const fmt::format_error&) {
    return fmt::format("{}({})", diag_info(r.error).name, fmt::join(r.error_args, ", "));
  }
}

bool operand_valid(const Graph& g, ValueRef v) {
  return g.contains(v.node) && v.port >= 0 &&
         v.port < static_cast<int>(g.node(v.node).outputs.size());
}

void check_operands(const Graph& g, const Node& n, std::vector<std::string>& errs) {
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    ValueRef v = n.inputs[i];
    if (!g.contains(v.node)) {
      errs.push_back(fmt::format("{}: operand {} refers to undefined %{}", who(n), i, v.node));
    } else if (!operand_valid(g, v)) {
      const Node& def = g.node(v.node);
      errs.push_back(fmt::format("{}: operand {} refers to %{}#{}, but {} has {} result(s)", who(n),
                                 i, v.node, v.port, who(def), def.outputs.size()));
    }
  }
}

// (user, operand, port) of each use of a node.
using UseKey = std::tuple<NodeId, int, int>;

void check_edges(const Graph& g, std::vector<std::string>& errs) {
  std::map<NodeId, std::vector<UseKey>> from_inputs;
  for (NodeId id : g.ids()) {
    const Node& n = g.node(id);
    if (n.id != id) errs.push_back(fmt::format("{}: node is stored under id %{}", who(n), id));
    for (size_t i = 0; i < n.inputs.size(); ++i)
      from_inputs[n.inputs[i].node].emplace_back(id, static_cast<int>(i), n.inputs[i].port);
  }
  for (NodeId id : g.ids()) {
    std::vector<UseKey> want = from_inputs[id];
    int ports = static_cast<int>(g.node(id).outputs.size());
    for (const UseKey& k : want) ports = std::max(ports, std::get<2>(k) + 1);
    std::vector<UseKey> have;
    for (int p = 0; p < ports; ++p)
      for (const Use& u : g.uses(ValueRef{id, p})) have.emplace_back(u.user, u.operand, p);
    std::sort(want.begin(), want.end());
    std::sort(have.begin(), have.end());
    if (have != want || g.uses(id).size() != have.size())
      errs.push_back(
          fmt::format("{}: graph edges do not mirror the operands that use it", who(g.node(id))));
  }
}

void check_counts(const Node& n, std::vector<std::string>& errs) {
  const OpInfo& info = op_info(n.op);
  if (info.inputs >= 0 && static_cast<int>(n.inputs.size()) != info.inputs)
    errs.push_back(
        fmt::format("{}: has {} operand(s), expected {}", who(n), n.inputs.size(), info.inputs));
  if (info.outputs >= 0 && static_cast<int>(n.outputs.size()) != info.outputs)
    errs.push_back(
        fmt::format("{}: has {} result(s), expected {}", who(n), n.outputs.size(), info.outputs));
}

/// "linear takes out, bias, ...": the attributes `op` declares.
std::string declared_attrs(Op op) {
  std::vector<std::string_view> names;
  for (const AttrDecl& d : attr_decls(op)) names.push_back(d.name);
  if (names.empty()) return fmt::format("{} takes no attributes", op_name(op));
  return fmt::format("{} takes {}", op_name(op), fmt::join(names, ", "));
}

/// Reports attributes that break ops.def's declarations; false if there was any.
bool check_attrs(const Node& n, std::vector<std::string>& errs) {
  size_t before = errs.size();
  for (const auto& [key, value] : n.attrs) {
    const AttrDecl* d = find_attr_decl(n.op, key);
    if (!d)
      errs.push_back(
          fmt::format("{}: unknown attribute '{}' ({})", who(n), key, declared_attrs(n.op)));
    else if (!attr_fits(value, d->type))
      errs.push_back(fmt::format("{}: attribute '{}' is {}, expected {}", who(n), key,
                                 attr_str(value), attr_type_text(d->type)));
  }
  for (const AttrDecl& d : attr_decls(n.op))
    if (d.use == AttrUse::Required && !n.attrs.count(std::string(d.name)))
      errs.push_back(fmt::format("{}: missing required attribute '{}'", who(n), d.name));
  return errs.size() == before;
}

/// Nodes on a cycle: those Kahn's order leaves out, minus those that only lead
/// downstream of a cycle (peeled off repeatedly while they have no successor left).
std::vector<NodeId> cycle_nodes(const Graph& g, const std::vector<NodeId>& order) {
  std::set<NodeId> rest;
  for (NodeId id : g.ids()) rest.insert(id);
  for (NodeId id : order) rest.erase(id);
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto it = rest.begin(); it != rest.end();) {
      bool has_succ = false;
      for (const Use& u : g.uses(*it)) has_succ |= rest.count(u.user) != 0;
      if (!has_succ) {
        it = rest.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
  }
  return {rest.begin(), rest.end()};
}

void check_types(const Graph& g, const std::vector<NodeId>& order,
                 const std::set<NodeId>& bad_attrs, std::vector<std::string>& errs) {
  for (NodeId id : order) {
    const Node& n = g.node(id);
    if (bad_attrs.count(id)) continue;
    const OpInfo& info = op_info(n.op);
    bool operands_ok = std::all_of(n.inputs.begin(), n.inputs.end(),
                                   [&](ValueRef v) { return operand_valid(g, v); });
    bool counts_ok = (info.inputs < 0 || static_cast<int>(n.inputs.size()) == info.inputs) &&
                     (info.outputs < 0 || static_cast<int>(n.outputs.size()) == info.outputs);
    if (!operands_ok || !counts_ok)
      continue;  // already reported; the shape function would misread it
    std::vector<ValueType> in;
    for (ValueRef v : n.inputs) in.push_back(g.type(v));
    const ValueType* given = nullptr;
    if ((n.op == Op::Input || n.op == Op::Const) && !n.outputs.empty()) given = &n.outputs[0];
    ShapeResult r = infer_shape(n.op, in, n.attrs, given);
    if (!r.ok) {
      errs.push_back(fmt::format("{}: {}", who(n), shape_error_str(r)));
    } else if (r.outputs != n.outputs) {
      errs.push_back(fmt::format("{}: result type {} but its operands and attributes give {}",
                                 who(n), types_str(n.outputs), types_str(r.outputs)));
    }
  }
}

/// Per coupling (affine or additive): its net, operand 1, is computed from its own x,
/// operand 0, and nothing upstream of it, else the inverse cannot rebuild the net from y.
/// Walks back from the net, stopping at x; reaching an Input node is the error.
void check_coupling_nets(const Graph& g, std::vector<std::string>& errs) {
  for (NodeId id : g.ids()) {
    const Node& n = g.node(id);
    if ((n.op != Op::AffineCoupling && n.op != Op::AdditiveCoupling) || n.inputs.size() != 2) continue;
    std::set<NodeId> seen;
    std::vector<ValueRef> todo{n.inputs[1]};
    while (!todo.empty()) {
      ValueRef v = todo.back();
      todo.pop_back();
      if (v == n.inputs[0] || !operand_valid(g, v) || !seen.insert(v.node).second) continue;
      const Node& m = g.node(v.node);
      if (m.op == Op::Input) {
        errs.push_back(fmt::format("{}: its net (operand 1) reads %{} other than through its x (operand 0)",
                                   who(n), m.id));
        break;
      }
      todo.insert(todo.end(), m.inputs.begin(), m.inputs.end());
    }
  }
}

void check_function(const Function& f, std::vector<std::string>& errs) {
  const Graph& g = f.graph;
  std::map<int64_t, NodeId> by_index;
  for (NodeId id : g.find(Op::Input)) {
    const Node& n = g.node(id);
    auto it = n.attrs.find("index");
    const int64_t* index = it == n.attrs.end() ? nullptr : std::get_if<int64_t>(&it->second);
    if (!index) continue;  // the attribute check reports it
    if (*index < 0 || *index >= static_cast<int64_t>(f.params.size())) {
      errs.push_back(fmt::format("{}: index {} but the role has {} param(s)", who(n), *index,
                                 f.params.size()));
      continue;
    }
    if (!by_index.emplace(*index, id).second) {
      errs.push_back(
          fmt::format("{}: index {} is also taken by %{}", who(n), *index, by_index[*index]));
      continue;
    }
    const Param& p = f.params[*index];
    if (n.outputs.size() == 1 && n.outputs[0] != p.type)
      errs.push_back(fmt::format("{}: type {} but param '{}' is {}", who(n), n.outputs[0].str(),
                                 p.name, p.type.str()));
    auto name = n.attrs.find("name");
    if (name != n.attrs.end() && name->second != Attr(p.name))
      errs.push_back(fmt::format("{}: name {} but param {} is '{}'", who(n), attr_str(name->second),
                                 *index, p.name));
  }
  for (size_t i = 0; i < f.params.size(); ++i)
    if (!by_index.count(static_cast<int64_t>(i)))
      errs.push_back(fmt::format("param '{}' (index {}) has no input node", f.params[i].name, i));
  std::vector<NodeId> outs = g.find(Op::Output);
  if (outs.empty()) {
    errs.push_back("the role graph has no output node");
  } else if (outs.size() > 1) {
    std::vector<std::string> names;
    for (NodeId id : outs) names.push_back(fmt::format("%{}", id));
    errs.push_back(fmt::format("the role graph has {} output nodes ({})", outs.size(),
                               fmt::join(names, ", ")));
  } else {
    const Node& out = g.node(outs[0]);
    if (out.inputs.size() == 1 && operand_valid(g, out.inputs[0]) &&
        g.type(out.inputs[0]) != f.result)
      errs.push_back(fmt::format("{}: returns {} but the role's result is {}", who(out),
                                 g.type(out.inputs[0]).str(), f.result.str()));
  }
}

}  // namespace

std::vector<std::string> verify(const Graph& graph) {
  std::vector<std::string> errs;
  for (NodeId id : graph.ids()) check_operands(graph, graph.node(id), errs);
  check_edges(graph, errs);
  for (NodeId id : graph.ids()) check_counts(graph.node(id), errs);
  std::set<NodeId> bad_attrs;
  for (NodeId id : graph.ids())
    if (!check_attrs(graph.node(id), errs)) bad_attrs.insert(id);
  std::vector<NodeId> order = graph.topo_order();
  if (order.size() < graph.size()) {
    std::vector<std::string> names;
    for (NodeId id : cycle_nodes(graph, order)) names.push_back(who(graph.node(id)));
    errs.push_back(fmt::format("cycle through {}", fmt::join(names, ", ")));
  }
  check_types(graph, order, bad_attrs, errs);
  return errs;
}

std::vector<std::string> verify(const Program& program) {
  std::vector<std::string> errs;
  for (const Model& m : program.models) {
    for (const Function& f : m.roles) {
      std::vector<std::string> local = verify(f.graph);
      check_function(f, local);
      check_coupling_nets(f.graph, local);
      for (const std::string& e : local)
        errs.push_back(fmt::format("model {}, {} {}: {}", m.name, f.role, f.name, e));
    }
  }
  for (const Train& t : program.trains) {
    if (!program.model(t.model))
      errs.push_back(fmt::format("train {} on {}: unknown model '{}'", t.model, t.data, t.model));
    if (!program.dataset(t.data))
      errs.push_back(fmt::format("train {} on {}: unknown dataset '{}'", t.model, t.data, t.data));
  }
  for (std::string& e : check_settings(program)) errs.push_back(std::move(e));
  return errs;
}

}  // namespace genc::ir
