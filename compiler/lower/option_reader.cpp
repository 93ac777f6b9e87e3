// OptionReader: typed reading of a Setting's options with diagnostics.
#include "compiler/lower/option_reader.h"

#include <fmt/format.h>

namespace genc::lower {

const ir::Attr* OptionReader::get(const std::string& key) {
  read_.insert(key);
  auto it = setting_.args.find(key);
  return it == setting_.args.end() ? nullptr : &it->second;
}

void OptionReader::invalid(const std::string& value, const std::string& key, const std::string& expected) {
  diags_.report(DiagKind::InvalidOptionValue, setting_.loc, {value, key, expected});
  ok_ = false;
}

double OptionReader::number(const std::string& key, double fallback, bool positive) {
  const ir::Attr* a = get(key);
  if (!a) return fallback;
  double v = 0;
  if (const auto* d = std::get_if<double>(a)) {
    v = *d;
  } else if (const auto* i = std::get_if<int64_t>(a)) {
    v = static_cast<double>(*i);
  } else {
    wrong_type(key, *a, "a number");
    return fallback;
  }
  if (positive && !(v > 0)) {
    invalid(ir::attr_str(*a), key, "a positive number");
    return fallback;
  }
  return v;
}

double OptionReader::non_negative(const std::string& key, double fallback) {
  double v = number(key, fallback);
  if (v < 0) {
    invalid(ir::attr_str(*get(key)), key, "a non-negative number");
    return fallback;
  }
  return v;
}

int64_t OptionReader::positive_int(const std::string& key, int64_t fallback) {
  const ir::Attr* a = get(key);
  if (!a) return fallback;
  const auto* i = std::get_if<int64_t>(a);
  if (!i || *i < 1) {
    invalid(ir::attr_str(*a), key, "a positive integer");
    return fallback;
  }
  return *i;
}

bool OptionReader::has(const std::string& key) { return get(key) != nullptr; }

std::string OptionReader::choice(const std::string& key, const std::string& fallback,
                                 std::initializer_list<const char*> allowed) {
  const ir::Attr* a = get(key);
  if (!a) return fallback;
  const auto* s = std::get_if<std::string>(a);
  if (s) {
    for (const char* option : allowed)
      if (*s == option) return *s;
  }
  std::string expected;
  size_t i = 0;
  for (const char* option : allowed) {
    expected += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + fmt::format("\"{}\"", option);
    ++i;
  }
  invalid(ir::attr_str(*a), key, expected);
  return fallback;
}

bool OptionReader::done() {
  for (const auto& [key, value] : setting_.args) {
    if (read_.count(key) || key == "kind" || key == "value") continue;
    diags_.report(DiagKind::UnknownArgument, setting_.loc, {setting_.name, key});
    ok_ = false;
  }
  return ok_;
}

void OptionReader::wrong_type(const std::string& key, const ir::Attr& value, const std::string& expected) {
  diags_.report(DiagKind::ArgumentType, setting_.loc, {key, setting_.name, expected, ir::attr_str(value)});
  ok_ = false;
}

int64_t OptionReader::non_negative_int(const std::string& key, int64_t fallback) {
  const ir::Attr* a = get(key);
  if (!a) return fallback;
  const auto* i = std::get_if<int64_t>(a);
  if (!i || *i < 0) {
    invalid(ir::attr_str(*a), key, "a non-negative integer");
    return fallback;
  }
  return *i;
}

std::string OptionReader::string(const std::string& key, const std::string& fallback) {
  const ir::Attr* a = get(key);
  if (!a) return fallback;
  if (const auto* s = std::get_if<std::string>(a)) return *s;
  wrong_type(key, *a, "a string");
  return fallback;
}

bool OptionReader::boolean(const std::string& key, bool fallback) {
  const ir::Attr* a = get(key);
  if (!a) return fallback;
  if (const auto* b = std::get_if<bool>(a)) return *b;
  wrong_type(key, *a, "true or false");
  return fallback;
}

std::vector<double> OptionReader::numbers(const std::string& key, std::vector<double> fallback, size_t count) {
  const ir::Attr* a = get(key);
  if (!a) return fallback;
  std::vector<double> out;
  if (const auto* d = std::get_if<std::vector<double>>(a)) out = *d;
  if (const auto* i = std::get_if<std::vector<int64_t>>(a)) out.assign(i->begin(), i->end());
  if (out.size() != count) {
    wrong_type(key, *a, "a list of " + std::to_string(count) + " numbers");
    return fallback;
  }
  return out;
}

}  // namespace genc::lower
