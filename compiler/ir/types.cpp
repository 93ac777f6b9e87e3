// Value types and attributes of the graph IR: text forms and typed attribute getters.
#include "compiler/ir/types.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/support/diagnostics.h"

namespace genc::ir {

int64_t ValueType::numel() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::string ValueType::str() const {
  std::string out;
  switch (kind) {
    case ValueKind::Tensor:
      out = dtype == DType::F32 ? "f32" : "i64";
      break;
    case ValueKind::Gaussian:
      out = "gaussian";
      break;
    case ValueKind::Bernoulli:
      out = "bernoulli";
      break;
    case ValueKind::Categorical:
      out = "categorical";
      break;
  }
  out += shape_str(dims);
  if (classes > 0) out += fmt::format(" of {}", classes);
  return out;
}

std::string shape_str(const std::vector<int64_t>& dims) {
  return fmt::format("[{}]", fmt::join(dims, ","));
}

namespace {

// Shortest round-tripping form, always recognisable as a float ("1.0", "1e-07").
std::string float_str(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

// A string literal with `"` and `\` escaped, as in the language.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

template <typename T, typename F>
std::string list_str(const std::vector<T>& items, F item_str) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += item_str(items[i]);
  }
  return out + "]";
}

const Attr& find_attr(const Attrs& attrs, const std::string& key) {
  auto it = attrs.find(key);
  if (it == attrs.end()) internal_error("missing attribute '" + key + "'");
  return it->second;
}

template <typename T>
const T& get_as(const Attrs& attrs, const std::string& key, const char* what) {
  const Attr& a = find_attr(attrs, key);
  if (const T* v = std::get_if<T>(&a)) return *v;
  internal_error("attribute '" + key + "' is not " + what + ": " + attr_str(a));
}

}  // namespace

std::string attr_str(const Attr& a) {
  struct Printer {
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return float_str(v); }
    std::string operator()(const std::string& v) const { return quoted(v); }
    std::string operator()(const std::vector<int64_t>& v) const {
      return list_str(v, [](int64_t x) { return std::to_string(x); });
    }
    std::string operator()(const std::vector<double>& v) const { return list_str(v, float_str); }
    std::string operator()(const std::vector<std::string>& v) const { return list_str(v, quoted); }
  };
  return std::visit(Printer{}, a);
}

int64_t attr_int(const Attrs& attrs, const std::string& key) {
  return get_as<int64_t>(attrs, key, "an integer");
}

double attr_float(const Attrs& attrs, const std::string& key) {
  const Attr& a = find_attr(attrs, key);
  if (const int64_t* i = std::get_if<int64_t>(&a)) return static_cast<double>(*i);
  return get_as<double>(attrs, key, "a number");
}

bool attr_bool(const Attrs& attrs, const std::string& key) {
  return get_as<bool>(attrs, key, "a boolean");
}

const std::string& attr_string(const Attrs& attrs, const std::string& key) {
  return get_as<std::string>(attrs, key, "a string");
}

const std::vector<int64_t>& attr_ints(const Attrs& attrs, const std::string& key) {
  // An empty list reads back from IR text without an element type; accept any empty list.
  static const std::vector<int64_t> kEmpty;
  const Attr& a = find_attr(attrs, key);
  if (const auto* d = std::get_if<std::vector<double>>(&a); d && d->empty()) return kEmpty;
  if (const auto* s = std::get_if<std::vector<std::string>>(&a); s && s->empty()) return kEmpty;
  return get_as<std::vector<int64_t>>(attrs, key, "a list of integers");
}

int64_t attr_int_or(const Attrs& attrs, const std::string& key, int64_t fallback) {
  return attrs.count(key) ? attr_int(attrs, key) : fallback;
}

double attr_float_or(const Attrs& attrs, const std::string& key, double fallback) {
  return attrs.count(key) ? attr_float(attrs, key) : fallback;
}

bool attr_bool_or(const Attrs& attrs, const std::string& key, bool fallback) {
  return attrs.count(key) ? attr_bool(attrs, key) : fallback;
}

std::string attr_string_or(const Attrs& attrs, const std::string& key,
                           const std::string& fallback) {
  return attrs.count(key) ? attr_string(attrs, key) : fallback;
}

}  // namespace genc::ir
