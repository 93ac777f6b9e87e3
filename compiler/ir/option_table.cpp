// The option table built from options.def (defaults read from the generated structs), and
// the checks of values and settings against it.
#include "compiler/ir/option_table.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/support/diagnostics.h"

namespace genc::ir {
namespace {

// --- the check column of options.def

OptionCheck any() { return {}; }

OptionCheck at_least(double x) {
  OptionCheck c;
  c.min = x;
  return c;
}

OptionCheck above(double x) {
  OptionCheck c = at_least(x);
  c.min_inclusive = false;
  return c;
}

OptionCheck above_below(double x, double y) {
  OptionCheck c = above(x);
  c.below = y;
  return c;
}

OptionCheck at_least_below(double x, double y) {
  OptionCheck c = at_least(x);
  c.below = y;
  return c;
}

OptionCheck one_of(std::vector<std::string> choices) {
  OptionCheck c;
  c.choices = std::move(choices);
  return c;
}

OptionCheck kind_of(Group g) {
  OptionCheck c;
  c.kind_of = g;
  return c;
}

Attr default_attr(int64_t v) { return v; }
Attr default_attr(double v) { return v; }
Attr default_attr(bool v) { return v; }
Attr default_attr(const std::string& v) { return v; }
Attr default_attr(const Pair& v) { return std::vector<double>{v[0], v[1]}; }

template <class T>
OptionSpec option(const char* name, OptionType type, const T& def, OptionCheck check,
                  const char* doc) {
  return {name, type, default_attr(def), std::move(check), doc};
}

OptionSpec required(const char* name, OptionType type, OptionCheck check, const char* doc) {
  return {name, type, std::nullopt, std::move(check), doc};
}

std::vector<ConstructSpec> build_constructs() {
  std::vector<ConstructSpec> out;
  // clang-format off
#define GENC_CONSTRUCT(group, name, Struct, doc) \
  out.push_back({Group::group, #name, doc, {}}); { [[maybe_unused]] const Struct d{};
#define GENC_OPTION(type, name, def, check, doc) \
  out.back().options.push_back(option(#name, OptionType::type, d.name, check, doc));
#define GENC_REQUIRED(type, name, check, doc) \
  out.back().options.push_back(required(#name, OptionType::type, check, doc));
#define GENC_END() }
  // clang-format on
#include "compiler/ir/options.def"
  return out;
}

bool is_number(const Attr& a) {
  return std::holds_alternative<double>(a) || std::holds_alternative<int64_t>(a);
}

double number_of(const Attr& a) {
  if (const auto* i = std::get_if<int64_t>(&a)) return static_cast<double>(*i);
  return std::get<double>(a);
}

bool is_pair(const Attr& a) {
  if (const auto* d = std::get_if<std::vector<double>>(&a)) return d->size() == 2;
  if (const auto* i = std::get_if<std::vector<int64_t>>(&a)) return i->size() == 2;
  return false;
}

/// The construct a setting of group `g` names, and the key that names it (empty: `name`).
const char* naming_key(Group g) { return g == Group::Schedule || g == Group::Prior ? "kind" : ""; }

}  // namespace

const OptionSpec* ConstructSpec::option(const std::string& wanted) const {
  for (const OptionSpec& o : options)
    if (o.name == wanted) return &o;
  return nullptr;
}

const OptionSpec* ConstructSpec::kind_option() const {
  for (const OptionSpec& o : options)
    if (o.type == OptionType::Kind) return &o;
  return nullptr;
}

const std::vector<GroupSpec>& option_groups() {
  static const std::vector<GroupSpec> groups = {
#define GENC_GROUP(id, name, doc) {Group::id, name, doc},
#include "compiler/ir/options.def"
  };
  return groups;
}

const GroupSpec& group_spec(Group g) {
  for (const GroupSpec& s : option_groups())
    if (s.id == g) return s;
  internal_error("option group without a GENC_GROUP row");
}

const std::vector<ConstructSpec>& option_constructs() {
  static const std::vector<ConstructSpec> constructs = build_constructs();
  return constructs;
}

const ConstructSpec* find_construct(Group g, const std::string& name) {
  for (const ConstructSpec& c : option_constructs())
    if (c.group == g && c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> construct_names(Group g) {
  std::vector<std::string> out;
  for (const ConstructSpec& c : option_constructs())
    if (c.group == g) out.push_back(c.name);
  return out;
}

std::string word_list(const std::vector<std::string>& items, const std::string& last) {
  std::string out;
  for (size_t k = 0; k < items.size(); ++k)
    out += (k == 0 ? "" : k + 1 == items.size() ? " " + last + " " : ", ") + items[k];
  return out;
}

std::string expected_text(const OptionSpec& o) {
  auto bounded = [&](const char* what) {
    if (!o.check.min) return std::string(what);
    return fmt::format("{} {} {}", what, o.check.min_inclusive ? ">=" : ">", *o.check.min);
  };
  switch (o.type) {
    case OptionType::Int:
      return bounded("an integer");
    case OptionType::Number:
      return bounded("a number");
    case OptionType::Bool:
      return "true or false";
    case OptionType::String:
      return "a string";
    case OptionType::Choice: {
      std::vector<std::string> quoted;
      for (const std::string& c : o.check.choices) quoted.push_back("\"" + c + "\"");
      return word_list(quoted, "or");
    }
    case OptionType::Pair:
      return "a list of 2 numbers";
    case OptionType::Kind:
      return "one of " + word_list(construct_names(*o.check.kind_of), "or");
  }
  return "a value";
}

std::optional<std::string> check_value(const OptionSpec& o, const Attr& value) {
  const std::string* s = std::get_if<std::string>(&value);
  bool type_ok = true;
  switch (o.type) {
    case OptionType::Int:
      type_ok = std::holds_alternative<int64_t>(value);
      break;
    case OptionType::Number:
      type_ok = is_number(value);
      break;
    case OptionType::Bool:
      type_ok = std::holds_alternative<bool>(value);
      break;
    case OptionType::String:
      type_ok = s != nullptr;
      break;
    case OptionType::Choice:
      type_ok = s && std::find(o.check.choices.begin(), o.check.choices.end(), *s) !=
                         o.check.choices.end();
      break;
    case OptionType::Pair:
      type_ok = is_pair(value);
      break;
    case OptionType::Kind:
      type_ok = s && find_construct(*o.check.kind_of, *s) != nullptr;
      break;
  }
  if (!type_ok) return expected_text(o);
  if (!is_number(value)) return std::nullopt;
  double v = number_of(value);
  if (o.check.min && !(o.check.min_inclusive ? v >= *o.check.min : v > *o.check.min))
    return expected_text(o);
  if (o.check.below && !(v < *o.check.below))
    return fmt::format("{} below {}", o.type == OptionType::Int ? "an integer" : "a number",
                       *o.check.below);
  return std::nullopt;
}

std::vector<std::string> check_setting(Group g, const Setting& s) {
  const GroupSpec& group = group_spec(g);
  std::string key = naming_key(g);
  std::string name = s.name;
  if (!key.empty()) {
    auto it = s.args.find(key);
    const std::string* kind = it == s.args.end() ? nullptr : std::get_if<std::string>(&it->second);
    if (!kind)
      return {fmt::format("{} '{}' has no {} naming one of {}", group.name, s.name, key,
                          word_list(construct_names(g), "or"))};
    name = *kind;
  }
  const ConstructSpec* c = find_construct(g, name);
  if (!c) return {fmt::format("unknown {} '{}'", group.name, name)};
  // The options that may appear: the construct's, a Kind option's construct's, the naming key.
  std::vector<const ConstructSpec*> specs = {c};
  std::set<std::string> known;
  if (!key.empty()) known.insert(key);
  std::vector<std::string> problems;
  bool kind_known = true;  // else the construct whose options may follow is unknown
  for (size_t k = 0; k < specs.size(); ++k) {
    for (const OptionSpec& o : specs[k]->options) {
      known.insert(o.name);
      auto it = s.args.find(o.name);
      if (it == s.args.end()) {
        if (!o.default_value)
          problems.push_back(fmt::format("'{}' needs option '{}'", specs[k]->name, o.name));
        continue;
      }
      if (std::optional<std::string> expected = check_value(o, it->second)) {
        problems.push_back(fmt::format("invalid value {} for '{}': expected {}",
                                       attr_str(it->second), o.name, *expected));
        kind_known = kind_known && o.type != OptionType::Kind;
        continue;
      }
      if (o.type == OptionType::Kind)
        specs.push_back(find_construct(*o.check.kind_of, std::get<std::string>(it->second)));
    }
  }
  for (const auto& [arg, value] : s.args)
    if (kind_known && !known.count(arg))
      problems.push_back(fmt::format("'{}' has no option '{}'", specs.back()->name, arg));
  return problems;
}

std::vector<std::string> check_settings(const Program& program) {
  std::vector<std::string> out;
  for (const Model& m : program.models) {
    auto check = [&](Group g, const Setting& s) {
      for (const std::string& p : check_setting(g, s))
        out.push_back(fmt::format("model {}, {} {}: {}", m.name, group_spec(g).name, s.name, p));
    };
    if (m.objective) check(Group::Objective, *m.objective);
    if (m.sampler) check(Group::Sampler, *m.sampler);
    for (const Setting& s : m.schedules) check(Group::Schedule, s);
    for (const Setting& s : m.priors) check(Group::Prior, s);
  }
  for (const Train& t : program.trains)
    for (const Setting& s : t.settings)
      for (const std::string& p : check_setting(Group::Train, s))
        out.push_back(fmt::format("train {} on {}, {}: {}", t.model, t.data, s.name, p));
  return out;
}

}  // namespace genc::ir
