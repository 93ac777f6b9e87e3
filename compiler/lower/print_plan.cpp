// The text form of a TrainingProgram (`genc compile --emit plan`): optimizer groups, then
// each step, the eval routine and the sampler, every graph printed by the IR printer. A
// loop prints its step routine once and its iteration table summarised per column.
#include <fmt/format.h>

#include "compiler/ir/printer.h"
#include "compiler/lower/lower.h"

namespace genc::lower {
namespace {

std::string quote(const std::string& s) { return ir::attr_str(ir::Attr(s)); }

std::string names_str(const std::vector<std::string>& names, bool quoted) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : ", ") + (quoted ? quote(names[i]) : names[i]);
  return out + "]";
}

void print_routine(std::string& out, const std::string& indent, const std::string& header, const Routine& r) {
  out += fmt::format("{}{} inputs {} outputs {} {{\n", indent, header, names_str(r.inputs, false),
                     names_str(r.outputs, false));
  out += ir::print_graph(r.graph, indent + "    ");
  out += indent + "}\n";
}

/// A column's values: all of them up to 6, else the first three, "...", the last three.
std::string column_str(const IterationTable::Column& c) {
  auto value = [&](size_t i) {
    return c.dtype == ir::DType::I64 ? std::to_string(static_cast<int64_t>(c.values[i]))
                                     : ir::attr_str(ir::Attr(c.values[i]));
  };
  std::string out = fmt::format("{}: {} [", c.name, ir::ValueType::tensor({}, c.dtype).str());
  size_t n = c.values.size();
  for (size_t i = 0; i < n; ++i) {
    if (n > 6 && i == 3) {
      out += ", ...";
      i = n - 4;
      continue;
    }
    out += (i == 0 ? "" : ", ") + value(i);
  }
  return out + "]";
}

void print_loop(std::string& out, const Loop& loop) {
  out += fmt::format("sampler {} results {} {{\n", loop.name, names_str(loop.results(), false));
  print_routine(out, "  ", "init", loop.init);
  if (loop.step) {
    out += fmt::format("  loop {} iterations carried {}\n", loop.table.iterations, names_str(loop.carried(), false));
    for (const IterationTable::Column& c : loop.table.columns) out += "    table " + column_str(c) + "\n";
    print_routine(out, "  ", "step", *loop.step);
  }
  if (loop.finish) print_routine(out, "  ", "finish", *loop.finish);
  out += "}\n";
}

}  // namespace

std::string print_plan(const TrainingProgram& p) {
  std::string out = "// genc plan v1\n";
  out += fmt::format("plan {} objective {}\n", p.model, p.objective);
  for (const OptimizerGroup& g : p.optimizers)
    out += fmt::format("optimizer {} roles {} params {}\n", g.name, names_str(g.roles, false),
                       names_str(g.params, true));
  for (const Step& s : p.steps) {
    out += "\n";
    print_routine(out, "", fmt::format("step {} optimizer {} repeat {}", s.name, s.optimizer, s.repeat), s);
  }
  if (p.eval) {
    out += "\n";
    print_routine(out, "", "eval", *p.eval);
  }
  if (p.sample) {
    out += "\n";
    print_loop(out, *p.sample);
  }
  return out;
}

}  // namespace genc::lower
