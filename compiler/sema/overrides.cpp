// `--set` overrides: key splitting and typed parsing of the value text.
#include "compiler/sema/overrides.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace genc::sema {
namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// A literal as written on a command line; bare words are strings.
std::optional<Value> parse_text(const std::string& raw) {
  std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  if (s == "true" || s == "false") return Value::boolean(s == "true");
  if (s == "none") return Value::none();
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    return Value::string(s.substr(1, s.size() - 2));
  if (s.front() == '[') {
    if (s.back() != ']') return std::nullopt;
    std::vector<Value> items;
    std::string inner = trim(s.substr(1, s.size() - 2));
    size_t start = 0;
    while (!inner.empty() && start <= inner.size()) {
      size_t comma = inner.find(',', start);
      std::optional<Value> item = parse_text(
          inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!item) return std::nullopt;
      items.push_back(*item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return Value::list(std::move(items));
  }
  char* end = nullptr;
  errno = 0;
  long long i = std::strtoll(s.c_str(), &end, 10);
  if (end && *end == '\0' && errno == 0) return Value::integer(i);
  double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0') return Value::number(d);
  return Value::string(s);
}

}  // namespace

std::vector<Override> parse_overrides(const Options& options, DiagnosticEngine& diags) {
  std::vector<Override> out;
  for (const auto& [key, value] : options.overrides) {
    std::string written = key + "=" + value;
    size_t dot = key.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) {
      diags.report(DiagKind::BadOverride, SourceRange{}, {written, "expected model.param=value"});
      continue;
    }
    out.push_back(Override{key.substr(0, dot), key.substr(dot + 1), value, written});
  }
  return out;
}

std::optional<Value> override_value(const Override& o, const Value& current,
                                    DiagnosticEngine& diags) {
  std::optional<Value> v = parse_text(o.value);
  auto bad = [&](const std::string& why) -> std::optional<Value> {
    diags.report(DiagKind::BadOverride, SourceRange{}, {o.written, why});
    return std::nullopt;
  };
  if (!v) return bad("cannot read the value '" + o.value + "'");
  std::string expected;
  switch (current.kind) {
    case VKind::Int:
      if (v->is(VKind::Int)) return v;
      expected = "an integer";
      break;
    case VKind::Float:
      if (v->is_number()) return Value::number(v->as_double());
      expected = "a number";
      break;
    case VKind::Bool:
      if (v->is(VKind::Bool)) return v;
      expected = "true or false";
      break;
    case VKind::String:
      if (v->is(VKind::String)) return v;
      return Value::string(trim(o.value));
    case VKind::List:
      if (v->is(VKind::List)) return v;
      expected = "a list";
      break;
    default:
      return v;
  }
  return bad(fmt::format("'{}' is {}, got '{}'", o.param, expected, o.value));
}

}  // namespace genc::sema
