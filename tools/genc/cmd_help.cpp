// `genc help options`: every construct of the option table (compiler/ir/options.def) with
// its options' types, ranges, defaults, allowed values and docs.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/ir/option_table.h"
#include "tools/genc/command.h"

namespace genc::cli {

namespace {

/// Options are listed as "name: TYPE [RANGE] = DEFAULT", then the doc from this column.
constexpr size_t kDocColumn = 44;

std::string type_text(const ir::OptionSpec& o) {
  switch (o.type) {
    case ir::OptionType::Int:
      return "int";
    case ir::OptionType::Number:
      return "float";
    case ir::OptionType::Bool:
      return "bool";
    case ir::OptionType::String:
      return "string";
    case ir::OptionType::Choice: {
      std::string out;
      for (const std::string& c : o.check.choices) out += (out.empty() ? "\"" : "|\"") + c + "\"";
      return out;
    }
    case ir::OptionType::Pair:
      return "[float, float]";
    case ir::OptionType::Kind:
      return fmt::format("{}", fmt::join(ir::construct_names(*o.check.kind_of), "|"));
  }
  return "?";
}

std::string range_text(const ir::OptionCheck& c) {
  std::string out;
  if (c.min) out += fmt::format(" {} {}", c.min_inclusive ? ">=" : ">", *c.min);
  if (c.below) out += fmt::format("{} < {}", c.min ? "," : "", *c.below);
  return out;
}

std::string option_line(const ir::OptionSpec& o) {
  std::string left =
      fmt::format("    {}: {}{} {}", o.name, type_text(o), range_text(o.check),
                  o.default_value ? "= " + ir::attr_str(*o.default_value) : "(required)");
  std::string pad = left.size() < kDocColumn ? std::string(kDocColumn - left.size(), ' ') : "  ";
  return left + pad + o.doc + "\n";
}

std::string options_text() {
  std::string out =
      "The options of every construct: NAME: TYPE [RANGE] = DEFAULT, then what it does.\n";
  for (const ir::GroupSpec& g : ir::option_groups()) {
    out += fmt::format("\n{}: {}\n", g.name, g.doc);
    for (const ir::ConstructSpec& c : ir::option_constructs()) {
      if (c.group != g.id) continue;
      out += fmt::format("  {}  {}{}\n", c.name, c.doc, c.options.empty() ? " (no options)" : "");
      for (const ir::OptionSpec& o : c.options) out += option_line(o);
    }
  }
  return out;
}

}  // namespace

Action setup_help(CLI::App& sub) {
  auto topic = std::make_shared<std::string>();
  sub.add_option("topic", *topic, "What to print: options (every construct's options)")
      ->required()
      ->check(CLI::IsMember({"options"}));
  return [topic] {
    std::cout << options_text();
    return 0;
  };
}

}  // namespace genc::cli
