// The table of builtin ops, expanded from builtins.def; signatures parsed once.
#include "compiler/sema/builtins.h"

#include <map>

namespace genc::sema {
namespace {

const std::vector<Builtin>& table() {
  static const std::vector<Builtin> builtins = [] {
    std::vector<Builtin> out;
#define BUILTIN_OP(name, op, sig) \
  out.push_back(Builtin{#name, ir::Op::op, parse_signature(#name, sig)});
#define BUILTIN_FN(name, sig) \
  out.push_back(Builtin{#name, std::nullopt, parse_signature(#name, sig)});
#include "compiler/sema/builtins.def"
#undef BUILTIN_OP
#undef BUILTIN_FN
    return out;
  }();
  return builtins;
}

}  // namespace

const Builtin* find_builtin(std::string_view name) {
  static const std::map<std::string, const Builtin*, std::less<>> by_name = [] {
    std::map<std::string, const Builtin*, std::less<>> m;
    for (const Builtin& b : table()) m.emplace(b.name, &b);
    return m;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

const std::vector<std::string>& builtin_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Builtin& b : table()) out.push_back(b.name);
    return out;
  }();
  return names;
}

}  // namespace genc::sema
