// read_into() for every construct struct of options.def: each field from its option in a
// table-checked Setting, or its default when the option is absent.
#include "compiler/ir/options.h"

#include "compiler/support/diagnostics.h"

namespace genc::ir {
namespace {

const Attr* find(const Setting& s, const char* key) {
  auto it = s.args.find(key);
  return it == s.args.end() ? nullptr : &it->second;
}

[[noreturn]] void unchecked(const Setting& s, const char* key) {
  internal_error("option '" + std::string(key) + "' of '" + s.name +
                 "' has the wrong type: the setting was not checked against the option table");
}

void read_field(const Setting& s, const char* key, int64_t& out) {
  if (const Attr* a = find(s, key)) {
    const auto* v = std::get_if<int64_t>(a);
    if (!v) unchecked(s, key);
    out = *v;
  }
}

void read_field(const Setting& s, const char* key, double& out) {
  if (const Attr* a = find(s, key)) {
    if (const auto* d = std::get_if<double>(a)) {
      out = *d;
    } else if (const auto* i = std::get_if<int64_t>(a)) {
      out = static_cast<double>(*i);
    } else {
      unchecked(s, key);
    }
  }
}

void read_field(const Setting& s, const char* key, bool& out) {
  if (const Attr* a = find(s, key)) {
    const auto* v = std::get_if<bool>(a);
    if (!v) unchecked(s, key);
    out = *v;
  }
}

void read_field(const Setting& s, const char* key, std::string& out) {
  if (const Attr* a = find(s, key)) {
    const auto* v = std::get_if<std::string>(a);
    if (!v) unchecked(s, key);
    out = *v;
  }
}

void read_field(const Setting& s, const char* key, Pair& out) {
  if (const Attr* a = find(s, key)) {
    if (const auto* d = std::get_if<std::vector<double>>(a); d && d->size() == 2) {
      out = {(*d)[0], (*d)[1]};
    } else if (const auto* i = std::get_if<std::vector<int64_t>>(a); i && i->size() == 2) {
      out = {static_cast<double>((*i)[0]), static_cast<double>((*i)[1])};
    } else {
      unchecked(s, key);
    }
  }
}

}  // namespace

#define GENC_CONSTRUCT(group, name, Struct, doc) \
  void read_into([[maybe_unused]] const Setting& s, [[maybe_unused]] Struct& out) {
#define GENC_OPTION(type, name, def, check, doc) read_field(s, #name, out.name);
#define GENC_REQUIRED(type, name, check, doc) read_field(s, #name, out.name);
#define GENC_END() }
#include "compiler/ir/options.def"

}  // namespace genc::ir
