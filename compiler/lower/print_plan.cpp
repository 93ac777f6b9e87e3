// The text form of a TrainingProgram (`genc compile --emit plan`): optimizer groups,
// then each step, the eval and the sample graph, one node per line in the IR printer's
// node syntax (`%3 = linear %2 {out = 400} : f32[400] "q.h.linear0" @"f.gen":9:5-9:16`).
#include <fmt/format.h>

#include "compiler/lower/lower.h"

namespace genc::lower {
namespace {

std::string quote(const std::string& s) { return ir::attr_str(ir::Attr(s)); }

std::string loc_str(const SourceRange& r) {
  if (!r.valid()) return "";
  return fmt::format(" @{}:{}:{}-{}:{}", quote(r.file->path()), r.begin.line, r.begin.col, r.end.line,
                     r.end.col);
}

std::string value_str(ir::ValueRef v) {
  return v.port == 0 ? fmt::format("%{}", v.node) : fmt::format("%{}#{}", v.node, v.port);
}

std::string node_str(const ir::Node& n) {
  std::string out = fmt::format("%{} = {}", n.id, ir::op_name(n.op));
  for (size_t i = 0; i < n.inputs.size(); ++i) out += (i == 0 ? " " : ", ") + value_str(n.inputs[i]);
  if (!n.attrs.empty()) {
    out += " {";
    bool first = true;
    for (const auto& [key, value] : n.attrs) {
      out += (first ? "" : ", ") + key + " = " + ir::attr_str(value);
      first = false;
    }
    out += "}";
  }
  for (size_t i = 0; i < n.outputs.size(); ++i) out += (i == 0 ? " : " : ", ") + n.outputs[i].str();
  if (!n.name.empty()) out += " " + quote(n.name);
  return out + loc_str(n.loc);
}

std::string names_str(const std::vector<std::string>& names, bool quoted) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : ", ") + (quoted ? quote(names[i]) : names[i]);
  return out + "]";
}

void print_routine(std::string& out, const std::string& header, const Routine& r) {
  out += header + " outputs " + names_str(r.outputs, false) + " {\n";
  for (ir::NodeId id : r.graph.topo_order()) out += "    " + node_str(r.graph.node(id)) + "\n";
  out += "}\n";
}

}  // namespace

std::string print_plan(const TrainingProgram& p) {
  std::string out = "// genc plan v0\n";
  out += fmt::format("plan {} objective {}\n", p.model, p.objective);
  for (const OptimizerGroup& g : p.optimizers)
    out += fmt::format("optimizer {} roles {} params {}\n", g.name, names_str(g.roles, false),
                       names_str(g.params, true));
  for (const Step& s : p.steps) {
    out += "\n";
    print_routine(out, fmt::format("step {} optimizer {} repeat {}", s.name, s.optimizer, s.repeat), s);
  }
  if (p.eval) {
    out += "\n";
    print_routine(out, "eval", *p.eval);
  }
  if (p.sample) {
    out += "\n";
    print_routine(out, "sample", *p.sample);
  }
  return out;
}

}  // namespace genc::lower
