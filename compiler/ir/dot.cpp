// Renders a Program's role graphs as Graphviz DOT: one cluster per role, nodes in
// topological order labelled "op : types", edges in operand order.
#include "compiler/ir/dot.h"

#include <fmt/format.h>

#include <set>

namespace genc::ir {
namespace {

/// A DOT double-quoted string.
std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string node_label(const Node& n) {
  std::string label(op_name(n.op));
  for (size_t i = 0; i < n.outputs.size(); ++i)
    label += (i == 0 ? " : " : ", ") + n.outputs[i].str();
  return label;
}

void write_function(std::string& out, const Function& f, const std::string& model, size_t mi,
                    size_t fi) {
  std::string prefix = fmt::format("m{}_r{}_n", mi, fi);
  out += fmt::format("  subgraph cluster_m{}_r{} {{\n", mi, fi);
  out += fmt::format("    label={};\n", dot_quote(fmt::format("{}: {} {}", model, f.role, f.name)));
  std::vector<NodeId> order = f.graph.topo_order();
  if (order.size() < f.graph.size()) {  // a cyclic graph still shows every node
    std::set<NodeId> seen(order.begin(), order.end());
    for (NodeId id : f.graph.ids())
      if (!seen.count(id)) order.push_back(id);
  }
  for (NodeId id : order)
    out +=
        fmt::format("    {}{} [label={}];\n", prefix, id, dot_quote(node_label(f.graph.node(id))));
  for (NodeId id : order) {
    const Node& n = f.graph.node(id);
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      ValueRef v = n.inputs[i];
      if (!f.graph.contains(v.node)) continue;
      // Label operand positions when there are several, and result numbers other than 0.
      std::string label = n.inputs.size() > 1 ? std::to_string(i) : "";
      if (v.port != 0) label += (label.empty() ? "" : " ") + fmt::format("#{}", v.port);
      std::string attrs = label.empty() ? "" : fmt::format(" [label={}]", dot_quote(label));
      out += fmt::format("    {}{} -> {}{}{};\n", prefix, v.node, prefix, id, attrs);
    }
  }
  out += "  }\n";
}

}  // namespace

std::string to_dot(const Program& program) {
  std::string out = "digraph genc {\n  node [shape=box, fontname=\"monospace\"];\n";
  for (size_t mi = 0; mi < program.models.size(); ++mi) {
    const Model& m = program.models[mi];
    for (size_t fi = 0; fi < m.roles.size(); ++fi) write_function(out, m.roles[fi], m.name, mi, fi);
  }
  return out + "}\n";
}

}  // namespace genc::ir
