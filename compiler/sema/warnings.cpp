// Unused-binding and unused-import warnings, from the usage sema recorded while analysing.
#include "compiler/sema/warnings.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

namespace genc::sema {
namespace {

bool before(const SourceRange& a, const SourceRange& b) {
  return std::tie(a.begin.line, a.begin.col) < std::tie(b.begin.line, b.begin.col);
}

}  // namespace

void report_unused(const frontend::ParsedUnit& unit, const Globals& globals,
                   DiagnosticEngine& diags) {
  const ast::Module& main = unit.main();
  std::vector<const ast::Stmt*> unused;
  for (const ast::Stmt* s : globals.bound)
    if (s->name_range.file == main.file && !globals.read.count(s) && s->name.rfind('_', 0) != 0)
      unused.push_back(s);
  std::sort(unused.begin(), unused.end(), [](const ast::Stmt* a, const ast::Stmt* b) {
    return before(a->name_range, b->name_range);
  });
  for (const ast::Stmt* s : unused) diags.report(DiagKind::UnusedBinding, s->name_range, {s->name});

  for (const ast::Use& use : main.uses) {
    if (!use.is_file || !main.file) continue;
    // The frontend loads `use "f.gen"` from the importing file's folder, path normalised.
    std::string path = (std::filesystem::path(main.file->path()).parent_path() / use.module)
                           .lexically_normal()
                           .string();
    const ast::Module* imported = nullptr;
    for (const auto& m : unit.modules)
      if (m && m->file && m->file->path() == path) imported = m.get();
    if (imported && !globals.used_modules.count(imported))
      diags.report(DiagKind::UnusedImport, use.range, {use.module});
  }
}

}  // namespace genc::sema
