// Call signatures: parsing the builtin tables' signature strings, matching a call's
// arguments to parameters, and checking each argument's kind.
#include "compiler/sema/signature.h"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "compiler/sema/suggest.h"

namespace genc::sema {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits on `sep` outside brackets and quotes.
std::vector<std::string_view> split_top(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    char c = s[k];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == sep && depth == 0) {
      parts.push_back(trim(s.substr(start, k - start)));
      start = k + 1;
    }
  }
  parts.push_back(trim(s.substr(start)));
  return parts;
}

std::string unquote(std::string_view s, std::string_view context) {
  GENC_ASSERT(s.size() >= 2 && s.front() == '"' && s.back() == '"',
              "signature: expected a quoted string in '" + std::string(context) + "'");
  return std::string(s.substr(1, s.size() - 2));
}

Value parse_literal(std::string_view s, std::string_view context) {
  s = trim(s);
  if (s == "none") return Value::none();
  if (s == "true") return Value::boolean(true);
  if (s == "false") return Value::boolean(false);
  if (!s.empty() && s.front() == '"') return Value::string(unquote(s, context));
  if (!s.empty() && s.front() == '[') {
    GENC_ASSERT(s.back() == ']', "signature: unterminated list in '" + std::string(context) + "'");
    std::vector<Value> items;
    std::string_view inner = trim(s.substr(1, s.size() - 2));
    if (!inner.empty())
      for (std::string_view part : split_top(inner, ','))
        items.push_back(parse_literal(part, context));
    return Value::list(std::move(items));
  }
  std::string text(s);
  char* end = nullptr;
  if (text.find_first_of(".eE") == std::string::npos) {
    long long v = std::strtoll(text.c_str(), &end, 10);
    GENC_ASSERT(end && *end == '\0' && !text.empty(), "signature: bad default '" + text + "'");
    return Value::integer(v);
  }
  double v = std::strtod(text.c_str(), &end);
  GENC_ASSERT(end && *end == '\0', "signature: bad default '" + text + "'");
  return Value::number(v);
}

ParamType parse_type(std::string_view t, std::vector<std::string>& choices,
                     std::string_view context) {
  if (!t.empty() && t.front() == '"') {
    for (std::string_view c : split_top(t, '|')) choices.push_back(unquote(c, context));
    return ParamType::Choice;
  }
  static const std::pair<const char*, ParamType> kTypes[] = {
      {"any", ParamType::Any},         {"tensor", ParamType::Tensor},
      {"tensors", ParamType::Tensors}, {"int", ParamType::Int},
      {"float", ParamType::Number},    {"bool", ParamType::Bool},
      {"string", ParamType::String},   {"ints", ParamType::Ints},
      {"dims", ParamType::Dims},       {"floats", ParamType::Numbers},
      {"list", ParamType::List},       {"fn", ParamType::Fn},
      {"net", ParamType::Net},
  };
  for (const auto& [name, type] : kTypes)
    if (t == name) return type;
  internal_error("signature: unknown type '" + std::string(t) + "' in '" + std::string(context) +
                 "'");
}

std::string plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

int Signature::index(const std::string& param) const {
  for (size_t k = 0; k < params.size(); ++k)
    if (params[k].name == param) return static_cast<int>(k);
  return -1;
}

int Signature::required_count() const {
  int n = 0;
  for (const ParamSpec& p : params) n += p.has_default ? 0 : 1;
  return n;
}

std::vector<std::string> Signature::param_names() const {
  std::vector<std::string> out;
  for (const ParamSpec& p : params) out.push_back(p.name);
  return out;
}

Signature parse_signature(std::string name, std::string_view text) {
  Signature sig;
  sig.name = std::move(name);
  if (trim(text).empty()) return sig;
  for (std::string_view part : split_top(text, ',')) {
    ParamSpec p;
    size_t colon = part.find(':');
    GENC_ASSERT(colon != std::string_view::npos,
                "signature: missing type in '" + std::string(part) + "'");
    p.name = std::string(trim(part.substr(0, colon)));
    std::string_view rest = trim(part.substr(colon + 1));
    std::vector<std::string_view> type_default = split_top(rest, '=');
    p.type = parse_type(trim(type_default[0]), p.choices, part);
    if (type_default.size() > 1) {
      p.has_default = true;
      p.default_value = parse_literal(type_default[1], part);
    }
    sig.params.push_back(std::move(p));
  }
  return sig;
}

std::string expected_text(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::Any:
      return "a value";
    case ParamType::Tensor:
      return "a tensor";
    case ParamType::Tensors:
      return "a tensor or a list of tensors";
    case ParamType::Int:
      return "an integer";
    case ParamType::Number:
      return "a number";
    case ParamType::Bool:
      return "true or false";
    case ParamType::String:
      return "a string";
    case ParamType::Ints:
      return "a list of integers";
    case ParamType::Dims:
      return "an integer or a list of integers";
    case ParamType::Numbers:
      return "a list of numbers";
    case ParamType::List:
      return "a list";
    case ParamType::Fn:
      return "an op or block";
    case ParamType::Net:
      return "a block call";
    case ParamType::Choice: {
      std::string out;
      for (size_t k = 0; k < p.choices.size(); ++k) {
        if (k > 0) out += k + 1 == p.choices.size() ? " or " : ", ";
        out += "\"" + p.choices[k] + "\"";
      }
      return out;
    }
  }
  return "a value";
}

ArgMatch match_args(const Signature& sig, const std::string& callee,
                    const std::vector<ast::Arg>& args, int leading, SourceRange call_range,
                    DiagnosticEngine& diags) {
  ArgMatch m;
  m.bound.assign(sig.params.size(), false);
  m.slot.assign(args.size(), -1);
  for (int k = 0; k < leading && k < static_cast<int>(sig.params.size()); ++k) m.bound[k] = true;
  size_t positional = 0;
  for (const ast::Arg& a : args) positional += a.name.empty() ? 1 : 0;
  bool seen_named = false;
  int next = leading;
  bool arity_reported = false;
  for (size_t k = 0; k < args.size(); ++k) {
    const ast::Arg& a = args[k];
    SourceRange at = a.value ? a.value->range : call_range;
    if (a.name.empty()) {
      if (seen_named) {
        diags.report(DiagKind::PositionalAfterNamed, at);
        m.ok = false;
        continue;
      }
      if (next >= static_cast<int>(sig.params.size())) {
        if (!arity_reported) {
          size_t max = sig.params.size();
          size_t min = static_cast<size_t>(sig.required_count());
          std::string takes = min == max ? plural(max, "argument")
                                         : fmt::format("{} to {}", min, plural(max, "argument"));
          diags.report(DiagKind::WrongArity, at,
                       {callee, takes, std::to_string(positional + leading)});
          arity_reported = true;
        }
        m.ok = false;
        continue;
      }
      m.slot[k] = next;
      m.bound[next] = true;
      ++next;
      continue;
    }
    seen_named = true;
    int p = sig.index(a.name);
    if (p < 0) {
      Diagnostic& d = diags.report(DiagKind::UnknownArgument, a.name_range, {callee, a.name});
      add_suggestion(d, a.name, sig.param_names());
      m.ok = false;
      continue;
    }
    if (m.bound[p]) {
      diags.report(DiagKind::DuplicateArgument, a.name_range, {a.name});
      m.ok = false;
      continue;
    }
    m.slot[k] = p;
    m.bound[p] = true;
  }
  return m;
}

bool check_missing(const Signature& sig, const std::string& callee, const ArgMatch& match,
                   SourceRange call_range, DiagnosticEngine& diags) {
  bool ok = true;
  for (size_t k = 0; k < sig.params.size(); ++k) {
    if (match.bound[k] || sig.params[k].has_default) continue;
    diags.report(DiagKind::MissingArgument, call_range, {sig.params[k].name, callee});
    ok = false;
  }
  return ok;
}

namespace {

bool is_compile_time_type(ParamType t) {
  switch (t) {
    case ParamType::Any:
    case ParamType::Tensor:
    case ParamType::Tensors:
    case ParamType::Fn:
    case ParamType::Net:
      return false;
    default:
      return true;
  }
}

const Value* first_tensor(const Value& v) {
  if (v.is_tensor() || v.is(VKind::Tuple)) return &v;
  for (const Value& e : v.items)
    if (const Value* t = first_tensor(e)) return t;
  return nullptr;
}

bool all_of_kind(const Value& list, bool (*pred)(const Value&)) {
  for (const Value& e : list.items)
    if (!pred(e)) return false;
  return true;
}

}  // namespace

bool check_arg(const ParamSpec& p, const std::string& callee, Value& v, SourceRange range,
               DiagnosticEngine& diags) {
  if (v.has_error()) return false;
  if (v.is(VKind::None) && p.has_default && p.default_value.is(VKind::None)) return true;
  auto wrong = [&] {
    diags.report(DiagKind::ArgumentType, range, {p.name, callee, expected_text(p), kind_text(v)});
    return false;
  };
  if (is_compile_time_type(p.type)) {
    if (const Value* t = first_tensor(v)) {
      if (t->is(VKind::Tuple)) return wrong();
      std::string name = !t->origin.empty() ? t->origin : source_text(range);
      if (name.empty()) name = "the argument";
      diags.report(DiagKind::NotCompileTime, range,
                   {fmt::format("argument '{}' of '{}'", p.name, callee), name});
      return false;
    }
  }
  switch (p.type) {
    case ParamType::Any:
    case ParamType::Net:
      return true;
    case ParamType::Tensor:
      return v.is_tensor() ? true : wrong();
    case ParamType::Tensors:
      if (v.is_tensor()) return true;
      if (v.is(VKind::List) && !v.items.empty() &&
          all_of_kind(v, [](const Value& e) { return e.is_tensor(); }))
        return true;
      return wrong();
    case ParamType::Int:
      return v.is(VKind::Int) ? true : wrong();
    case ParamType::Number:
      if (!v.is_number()) return wrong();
      v = Value::number(v.as_double());
      return true;
    case ParamType::Bool:
      return v.is(VKind::Bool) ? true : wrong();
    case ParamType::String:
      return v.is(VKind::String) ? true : wrong();
    case ParamType::Choice:
      if (!v.is(VKind::String)) return wrong();
      for (const std::string& c : p.choices)
        if (c == v.s) return true;
      diags.report(DiagKind::InvalidOptionValue, range, {value_text(v), p.name, expected_text(p)});
      return false;
    case ParamType::Ints:
      if (!v.is(VKind::List) || !all_of_kind(v, [](const Value& e) { return e.is(VKind::Int); }))
        return wrong();
      return true;
    case ParamType::Dims:
      if (v.is(VKind::Int)) {
        v = Value::list({v});
        return true;
      }
      if (!v.is(VKind::List) || !all_of_kind(v, [](const Value& e) { return e.is(VKind::Int); }))
        return wrong();
      return true;
    case ParamType::Numbers:
      if (!v.is(VKind::List) || !all_of_kind(v, [](const Value& e) { return e.is_number(); }))
        return wrong();
      for (Value& e : v.items) e = Value::number(e.as_double());
      return true;
    case ParamType::List:
      return v.is(VKind::List) ? true : wrong();
    case ParamType::Fn:
      return v.is(VKind::Fn) ? true : wrong();
  }
  return true;
}

}  // namespace genc::sema
