// Test helpers for sema: parse an in-memory program (with its imports) and analyse it,
// keeping sources, diagnostics and the program for inspection.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/frontend/frontend.h"
#include "compiler/ir/program.h"
#include "compiler/sema/sema.h"

namespace genc::test {

struct Analyzed {
  SourceManager sources;
  DiagnosticEngine diags;
  std::optional<frontend::ParsedUnit> unit;
  std::optional<ir::Program> program;
  bool parsed = false;

  std::string rendered() const { return diags.render(); }
  /// "L:C Kind" of every error, in report order.
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diags.diagnostics())
      if (d.severity == Severity::Error)
        out.push_back(std::to_string(d.range.begin.line) + ":" + std::to_string(d.range.begin.col) +
                      " " + diag_info(d.kind).name);
    return out;
  }
  std::string first() const {
    std::vector<std::string> e = errors();
    return e.empty() ? "" : e.front();
  }
  const Diagnostic* first_diag() const {
    for (const Diagnostic& d : diags.diagnostics())
      if (d.severity == Severity::Error) return &d;
    return nullptr;
  }
  const ir::Model& model(const std::string& name = "") const {
    const ir::Model* m = name.empty() ? &program->models.front() : program->model(name);
    if (!m) throw std::runtime_error("no model " + name);
    return *m;
  }
  const ir::Function& role(const std::string& name, const std::string& model_name = "") const {
    for (const ir::Function& f : model(model_name).roles)
      if (f.name == name) return f;
    throw std::runtime_error("no role " + name);
  }
};

inline std::unique_ptr<Analyzed> analyze(const std::string& text, sema::Options options = {},
                                         const std::string& path = "test.gen") {
  auto a = std::make_unique<Analyzed>();
  a->diags.set_error_limit(50);
  const SourceFile* file = a->sources.add(path, text);
  a->unit = frontend::parse_program(*file, a->sources, a->diags);
  a->parsed = a->unit.has_value();
  if (a->unit) a->program = sema::analyze(*a->unit, options, a->diags);
  return a;
}

/// Nodes of `op` in a graph.
inline size_t count_ops(const ir::Graph& g, ir::Op op) { return g.find(op).size(); }

/// The parameter paths (`name`) of a graph's nodes, ascending id.
inline std::vector<std::string> param_names(const ir::Graph& g) {
  std::vector<std::string> out;
  for (ir::NodeId id : g.ids())
    if (!g.node(id).name.empty()) out.push_back(g.node(id).name);
  return out;
}

/// The type of the value the role's Output node consumes.
inline ir::ValueType output_type(const ir::Function& f) {
  std::vector<ir::NodeId> outs = f.graph.find(ir::Op::Output);
  if (outs.size() != 1) throw std::runtime_error("expected one output");
  return f.graph.type(f.graph.node(outs[0]).inputs[0]);
}

}  // namespace genc::test
