// The compile pipeline (see pipeline.h).
#include "compiler/pipeline/pipeline.h"

#include "compiler/frontend/frontend.h"
#include "compiler/ir/parser.h"
#include "compiler/ir/verifier.h"

namespace genc::pipeline {
namespace {

std::optional<ir::Program> analyze_gen(Compilation& c, const SourceFile& file, const sema::Options& options) {
  std::optional<frontend::ParsedUnit> unit = frontend::parse_program(file, c.sources, c.diags);
  if (c.diags.has_errors()) return std::nullopt;
  GENC_ASSERT(unit.has_value(), "parse_program failed without reporting an error");
  std::optional<ir::Program> program = sema::analyze(*unit, options, c.diags);
  if (c.diags.has_errors()) return std::nullopt;
  GENC_ASSERT(program.has_value(), "sema failed without reporting an error");
  std::vector<std::string> problems = ir::verify(*program);
  if (!problems.empty()) {
    std::string message = "sema produced IR that does not verify:";
    for (const std::string& p : problems) message += "\n  " + p;
    internal_error(message);
  }
  return program;
}

std::optional<ir::Program> load_ir(Compilation& c, const SourceFile& file, const sema::Options& options) {
  if (!options.overrides.empty()) {
    const auto& [key, value] = options.overrides.front();
    c.diags.report(DiagKind::BadOverride, SourceRange{},
                   {key + "=" + value, "--set applies to .gen files, not graph IR"});
    return std::nullopt;
  }
  std::optional<ir::Program> program = ir::parse_ir(file, c.sources, c.diags);
  if (c.diags.has_errors()) return std::nullopt;
  GENC_ASSERT(program.has_value(), "parse_ir failed without reporting an error");
  // A .gir file is user input: a broken invariant is the user's error. The verifier's
  // messages name the model, role and node; they carry no source position.
  for (const std::string& problem : ir::verify(*program))
    c.diags.report(DiagKind::IRVerifyError, SourceRange{}, {problem});
  if (c.diags.has_errors()) return std::nullopt;
  return program;
}

}  // namespace

Language language_of(const std::string& path) {
  const std::string ext = ".gir";
  bool gir = path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  return gir ? Language::GraphIr : Language::Gen;
}

passes::PipelineOptions pass_options() {
  passes::PipelineOptions options;
#ifndef NDEBUG
  options.verify_each = true;
#endif
  return options;
}

std::optional<sema::Options> parse_overrides(Compilation& c, const std::vector<std::string>& sets) {
  sema::Options options;
  for (const std::string& set : sets) {
    size_t eq = set.find('=');
    size_t dot = set.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 >= eq || eq + 1 == set.size()) {
      c.diags.report(DiagKind::BadOverride, SourceRange{}, {set, "expected model.param=value"});
      continue;
    }
    options.overrides.emplace_back(set.substr(0, eq), set.substr(eq + 1));
  }
  if (c.diags.has_errors()) return std::nullopt;
  return options;
}

std::optional<ir::Program> compile(Compilation& c, const SourceFile& file, Language language,
                                   const sema::Options& options, Stage until) {
  std::optional<ir::Program> program =
      language == Language::Gen ? analyze_gen(c, file, options) : load_ir(c, file, options);
  if (program && until == Stage::Optimized) passes::optimize(*program, pass_options());
  return program;
}

std::optional<ir::Program> compile_file(Compilation& c, const std::string& path, const sema::Options& options,
                                        Stage until) {
  const SourceFile* file = c.sources.load(path);
  if (file == nullptr) {
    c.diags.report(DiagKind::FileNotFound, SourceRange{}, {path});
    return std::nullopt;
  }
  return compile(c, *file, language_of(path), options, until);
}

}  // namespace genc::pipeline
