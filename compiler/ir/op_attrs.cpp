// The attribute declarations, expanded from ops.def's ATTR lines, and OpAttrs.
#include "compiler/ir/op_attrs.h"

#include <type_traits>
#include <utility>

#include "compiler/support/diagnostics.h"

namespace genc::ir {
namespace {

// The Use column of ATTR: `required`, `optional`, or a default value written as a literal
// of the declared type (Bool: true/false, Int: 1, Float: 1.0, String: "text"; Ints and Dims
// take no default). Another literal does not compile.
struct Required {};
struct Optional {};
constexpr Required required{};
constexpr Optional optional{};

template <AttrType T>
struct Default;
template <>
struct Default<AttrType::Bool> {
  using literal = bool;
  using value = bool;
};
template <>
struct Default<AttrType::Int> {
  using literal = int;
  using value = int64_t;
};
template <>
struct Default<AttrType::Float> {
  using literal = double;
  using value = double;
};
template <>
struct Default<AttrType::String> {
  using literal = const char*;
  using value = std::string;
};

using Row = std::pair<Op, AttrDecl>;

template <AttrType T>
Row decl(Op op, const char* name, Required) {
  return {op, {name, T, AttrUse::Required, {}}};
}
template <AttrType T>
Row decl(Op op, const char* name, Optional) {
  return {op, {name, T, AttrUse::Optional, {}}};
}
template <AttrType T, class V>
Row decl(Op op, const char* name, V value) {
  static_assert(std::is_same_v<V, typename Default<T>::literal>,
                "an ATTR default is not a literal of the declared type");
  return {op, {name, T, AttrUse::Default, Attr(typename Default<T>::value(value))}};
}

/// Per op (by enum value), its declarations in table order.
const std::vector<std::vector<AttrDecl>>& by_op() {
  static const std::vector<std::vector<AttrDecl>> table = [] {
    const Row rows[] = {
#define OP(id, spelling, inputs, outputs, flags, shape_fn, kernel)
#define ATTR(op, name, type, use) decl<AttrType::type>(Op::op, #name, use),
#include "compiler/ir/ops.def"
    };
    std::vector<std::vector<AttrDecl>> t(static_cast<size_t>(op_count()));
    for (const Row& r : rows) {
      std::vector<AttrDecl>& decls = t[static_cast<size_t>(r.first)];
      for (const AttrDecl& d : decls)
        GENC_ASSERT(d.name != r.second.name, "ops.def declares '" + std::string(d.name) +
                                                 "' twice for " + std::string(op_name(r.first)));
      decls.push_back(r.second);
    }
    return t;
  }();
  return table;
}

template <class T>
bool is_empty_list(const Attr& value) {
  const auto* v = std::get_if<std::vector<T>>(&value);
  return v && v->empty();
}

}  // namespace

const std::vector<AttrDecl>& attr_decls(Op op) { return by_op().at(static_cast<size_t>(op)); }

const AttrDecl* find_attr_decl(Op op, std::string_view name) {
  for (const AttrDecl& d : attr_decls(op))
    if (d.name == name) return &d;
  return nullptr;
}

bool attr_fits(const Attr& value, AttrType type) {
  switch (type) {
    case AttrType::Bool:
      return std::holds_alternative<bool>(value);
    case AttrType::Int:
      return std::holds_alternative<int64_t>(value);
    case AttrType::Float:
      return std::holds_alternative<double>(value) || std::holds_alternative<int64_t>(value);
    case AttrType::String:
      return std::holds_alternative<std::string>(value);
    case AttrType::Dims:
      if (std::holds_alternative<int64_t>(value)) return true;
      [[fallthrough]];
    case AttrType::Ints:
      return std::holds_alternative<std::vector<int64_t>>(value) || is_empty_list<double>(value) ||
             is_empty_list<std::string>(value);
  }
  return false;
}

std::string attr_type_text(AttrType type) {
  switch (type) {
    case AttrType::Bool:
      return "true or false";
    case AttrType::Int:
      return "an integer";
    case AttrType::Float:
      return "a number";
    case AttrType::String:
      return "a string";
    case AttrType::Ints:
      return "a list of integers";
    case AttrType::Dims:
      return "an integer or a list of integers";
  }
  return "";
}

std::vector<int64_t> attr_as_ints(const Attr& value) {
  if (const auto* v = std::get_if<std::vector<int64_t>>(&value)) return *v;
  if (const auto* i = std::get_if<int64_t>(&value)) return {*i};
  return {};  // an empty list read from IR text
}

// --- OpAttrs

bool OpAttrs::has(const std::string& key) const {
  GENC_ASSERT(find_attr_decl(op_, key),
              std::string(op_name(op_)) + " declares no attribute '" + key + "'");
  return attrs_.count(key) > 0;
}

const Attr& OpAttrs::get(const std::string& key, AttrType type) const {
  auto what = [&] { return "attribute '" + key + "' of " + std::string(op_name(op_)); };
  const AttrDecl* d = find_attr_decl(op_, key);
  GENC_ASSERT(d, std::string(op_name(op_)) + " declares no attribute '" + key + "'");
  GENC_ASSERT(
      d->type == type || (type == AttrType::Ints && d->type == AttrType::Dims),
      what() + " is declared " + attr_type_text(d->type) + ", read as " + attr_type_text(type));
  auto it = attrs_.find(key);
  if (it == attrs_.end()) {
    GENC_ASSERT(d->use == AttrUse::Default, what() + " is absent and has no default");
    return d->default_value;
  }
  GENC_ASSERT(attr_fits(it->second, d->type),
              what() + " is " + attr_str(it->second) + ", not " + attr_type_text(d->type));
  return it->second;
}

int64_t OpAttrs::integer(const std::string& key) const {
  return std::get<int64_t>(get(key, AttrType::Int));
}

double OpAttrs::number(const std::string& key) const {
  const Attr& a = get(key, AttrType::Float);
  if (const auto* i = std::get_if<int64_t>(&a)) return static_cast<double>(*i);
  return std::get<double>(a);
}

bool OpAttrs::boolean(const std::string& key) const {
  return std::get<bool>(get(key, AttrType::Bool));
}

const std::string& OpAttrs::string(const std::string& key) const {
  return std::get<std::string>(get(key, AttrType::String));
}

std::vector<int64_t> OpAttrs::integers(const std::string& key) const {
  return attr_as_ints(get(key, AttrType::Ints));
}

}  // namespace genc::ir
