// Test helpers: parse a text in memory and look at the diagnostics it produced.
#pragma once

#include <memory>
#include <string>

#include "compiler/frontend/frontend.h"

namespace genc::test {

/// One parse of an in-memory text, keeping the sources alive for the AST's ranges.
struct Parsed {
  SourceManager sources;
  DiagnosticEngine diags;
  const SourceFile* file = nullptr;
  std::unique_ptr<ast::Module> module;

  std::string rendered() const { return diags.render(); }
  /// "L:C Kind" of the first diagnostic, or "" when there was none.
  std::string first() const {
    if (diags.diagnostics().empty()) return "";
    const Diagnostic& d = diags.diagnostics().front();
    return std::to_string(d.range.begin.line) + ":" + std::to_string(d.range.begin.col) + " " +
           diag_info(d.kind).name;
  }
};

inline std::unique_ptr<Parsed> parse(const std::string& text,
                                     const std::string& path = "test.gen") {
  auto p = std::make_unique<Parsed>();
  p->file = p->sources.add(path, text);
  p->module = frontend::parse_module(*p->file, p->diags);
  return p;
}

}  // namespace genc::test
