// Prints an ir::Program in the deterministic graph IR text form that parse_ir reads back.
//
// Layout (see parser.cpp for the grammar): a header comment, then datasets, models and
// trains in program order, separated by blank lines; one statement or node per line.
// Attribute values and value types use attr_str and ValueType::str, so diagnostics and
// the IR text agree; floats are the shortest text that reads back to the same double.
#include "compiler/ir/printer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace genc::ir {
namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string quote(const std::string& s) { return attr_str(Attr(s)); }

/// A declared name: bare when it is an identifier, else a quoted string.
std::string name_str(const std::string& s) { return is_identifier(s) ? s : quote(s); }

/// `@"path":L:C-L:C`, or `@?` for an unknown location.
std::string loc_str(const SourceRange& r) {
  if (!r.valid()) return "@?";
  return fmt::format("@{}:{}:{}-{}:{}", quote(r.file->path()), r.begin.line, r.begin.col,
                     r.end.line, r.end.col);
}

/// " @loc" when the location is known, else nothing.
std::string opt_loc(const SourceRange& r) { return r.valid() ? " " + loc_str(r) : ""; }

/// ` {key = value, ...}` (keys sorted by the map), or nothing when empty.
std::string attrs_str(const Attrs& attrs) {
  if (attrs.empty()) return "";
  std::string out = " {";
  bool first = true;
  for (const auto& [key, value] : attrs) {
    if (!first) out += ", ";
    first = false;
    out += name_str(key) + " = " + attr_str(value);
  }
  return out + "}";
}

std::string setting_str(const Setting& s) {
  return name_str(s.name) + attrs_str(s.args) + opt_loc(s.loc);
}

std::string value_str(ValueRef v) {
  return v.port == 0 ? fmt::format("%{}", v.node) : fmt::format("%{}#{}", v.node, v.port);
}

std::string node_str(const Node& n) {
  std::string out = fmt::format("%{} = {}", n.id, op_name(n.op));
  for (size_t i = 0; i < n.inputs.size(); ++i)
    out += (i == 0 ? " " : ", ") + value_str(n.inputs[i]);
  out += attrs_str(n.attrs);
  for (size_t i = 0; i < n.outputs.size(); ++i) out += (i == 0 ? " : " : ", ") + n.outputs[i].str();
  if (!n.name.empty()) out += " " + quote(n.name);
  out += opt_loc(n.loc);
  if (!n.fused.empty()) {
    out += " fused [";
    for (size_t i = 0; i < n.fused.size(); ++i) out += (i == 0 ? "" : ", ") + loc_str(n.fused[i]);
    out += "]";
  }
  return out;
}

void print_nodes(std::string& out, const Graph& g, const std::string& indent) {
  std::vector<NodeId> order = g.topo_order();
  // A broken (cyclic) graph still prints every node: the rest follow in id order.
  if (order.size() < g.size()) {
    std::set<NodeId> seen(order.begin(), order.end());
    for (NodeId id : g.ids())
      if (!seen.count(id)) order.push_back(id);
  }
  for (NodeId id : order) out += indent + node_str(g.node(id)) + "\n";
}

void print_function(std::string& out, const Function& f) {
  out += fmt::format("  {} {}(", name_str(f.role), name_str(f.name));
  for (size_t i = 0; i < f.params.size(); ++i)
    out += (i == 0 ? "" : ", ") + name_str(f.params[i].name) + ": " + f.params[i].type.str();
  out += ") -> " + f.result.str() + opt_loc(f.loc) + " {\n";
  print_nodes(out, f.graph, "    ");
  out += "  }\n";
}

void print_dataset(std::string& out, const Dataset& d) {
  out += "data " + name_str(d.name) + opt_loc(d.loc) + " {\n";
  out += "  source " + setting_str(d.source) + "\n";
  for (const Setting& t : d.transforms) out += "  transform " + setting_str(t) + "\n";
  out += "  x " + d.x.str() + "\n";
  if (d.y) out += "  y " + d.y->str() + "\n";
  out += "}\n";
}

void print_model(std::string& out, const Model& m) {
  out += "model " + name_str(m.name) + opt_loc(m.loc) + " {\n";
  if (!m.hyperparams.empty()) out += "  hyperparams" + attrs_str(m.hyperparams) + "\n";
  if (m.objective) out += "  objective " + setting_str(*m.objective) + "\n";
  if (m.sampler) out += "  sampler " + setting_str(*m.sampler) + "\n";
  for (const Setting& s : m.schedules) out += "  schedule " + setting_str(s) + "\n";
  for (const Setting& p : m.priors) out += "  prior " + setting_str(p) + "\n";
  for (const Function& f : m.roles) print_function(out, f);
  out += "}\n";
}

void print_train(std::string& out, const Train& t) {
  out += "train " + name_str(t.model) + " on " + name_str(t.data) + opt_loc(t.loc) + " {\n";
  for (const Setting& s : t.settings) out += "  " + setting_str(s) + "\n";
  out += "}\n";
}

}  // namespace

std::string print_graph(const Graph& graph, const std::string& indent) {
  std::string out;
  print_nodes(out, graph, indent);
  return out;
}

std::string print(const Program& program) {
  std::string out = "// genc graph IR v0\n";
  for (const Dataset& d : program.datasets) {
    out += "\n";
    print_dataset(out, d);
  }
  for (const Model& m : program.models) {
    out += "\n";
    print_model(out, m);
  }
  for (const Train& t : program.trains) {
    out += "\n";
    print_train(out, t);
  }
  return out;
}

}  // namespace genc::ir
