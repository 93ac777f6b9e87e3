// Settings from command-line text (see setting_text.h).
#include "compiler/ir/setting_text.h"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "compiler/ir/option_table.h"

namespace genc::ir {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/// A value's text as an Attr of option `o`'s type, or nullopt when it is none of
/// number / true / false / "text".
std::optional<Attr> value_of(const OptionSpec& o, const std::string& text) {
  if (text == "true" || text == "false") return Attr(text == "true");
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return Attr(text.substr(1, text.size() - 2));
  char* end = nullptr;
  if (o.type == OptionType::Int) {
    long long i = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0') return Attr(static_cast<int64_t>(i));
  }
  double d = std::strtod(text.c_str(), &end);
  if (!text.empty() && *end == '\0') return Attr(d);
  return std::nullopt;
}

}  // namespace

std::variant<Setting, std::string> parse_setting(Group g, const std::string& text) {
  const std::string t = trim(text);
  const size_t open = t.find('(');
  Setting s;
  s.name = trim(t.substr(0, open));
  const ConstructSpec* c = find_construct(g, s.name);
  if (!c)
    return fmt::format("unknown {} '{}' (one of {})", group_spec(g).name, s.name,
                       word_list(construct_names(g), "or"));
  for (const OptionSpec& o : c->options)
    if (o.default_value) s.args[o.name] = *o.default_value;
  if (open != std::string::npos) {
    if (t.back() != ')') return fmt::format("'{}' does not end with ')'", t);
    const std::string body = trim(t.substr(open + 1, t.size() - open - 2));
    size_t position = 0, from = 0;
    while (!body.empty() && from <= body.size()) {
      size_t comma = body.find(',', from);
      std::string arg = trim(body.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      from = comma == std::string::npos ? body.size() + 1 : comma + 1;
      size_t colon = arg.find(':');
      const OptionSpec* o = nullptr;
      if (colon == std::string::npos) {
        if (position >= c->options.size()) return fmt::format("too many arguments for '{}'", s.name);
        o = &c->options[position++];
      } else {
        std::string name = trim(arg.substr(0, colon));
        o = c->option(name);
        if (!o) return fmt::format("'{}' has no option '{}'", s.name, name);
        arg = trim(arg.substr(colon + 1));
      }
      std::optional<Attr> v = value_of(*o, arg);
      if (!v) return fmt::format("invalid value {} for '{}': expected {}", arg, o->name, expected_text(*o));
      s.args[o->name] = *v;
      s.arg_locs[o->name] = {};
    }
  }
  std::vector<std::string> problems = check_setting(g, s);
  if (!problems.empty()) return problems.front();
  return s;
}

}  // namespace genc::ir
