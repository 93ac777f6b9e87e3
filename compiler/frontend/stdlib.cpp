// Lookup of the stdlib modules embedded at build time (genc_stdlib).
#include "compiler/frontend/frontend.h"
#include "compiler/frontend/stdlib_table.h"

namespace genc::frontend {

std::optional<std::string_view> stdlib_source(std::string_view name) {
  for (size_t i = 0; i < stdlib_embedded::kModuleCount; ++i) {
    const auto& m = stdlib_embedded::kModules[i];
    if (name == m.name) return std::string_view(m.text, m.size);
  }
  return std::nullopt;
}

std::vector<std::string> stdlib_modules() {
  std::vector<std::string> names;
  for (size_t i = 0; i < stdlib_embedded::kModuleCount; ++i)
    names.emplace_back(stdlib_embedded::kModules[i].name);
  return names;
}

}  // namespace genc::frontend
