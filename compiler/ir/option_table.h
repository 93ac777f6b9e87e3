// The option table of options.def as data: groups, constructs and their options (type,
// default, allowed values, range, doc). Sema builds its signatures from it, `genc help
// options` prints it, and the checks here hold a value or a whole ir::Setting against it
// (the verifier runs check_settings on every program, so .gir input is checked as well).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/options.h"
#include "compiler/ir/program.h"

namespace genc::ir {

/// What an option accepts beyond its type.
struct OptionCheck {
  std::optional<double> min;  ///< v >= min, or v > min when !min_inclusive
  bool min_inclusive = true;
  std::optional<double> below;       ///< v < below
  std::vector<std::string> choices;  ///< Choice
  std::optional<Group> kind_of;      ///< Kind: the group it names a construct of
};

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::Int;
  std::optional<Attr> default_value;  ///< nullopt: required
  OptionCheck check;
  std::string doc;
};

struct ConstructSpec {
  Group group = Group::Objective;
  std::string name;
  std::string doc;
  std::vector<OptionSpec> options;  ///< in positional order

  const OptionSpec* option(const std::string& name) const;
  /// The option of type Kind (a train setting's optimizer or lr_schedule), if any.
  const OptionSpec* kind_option() const;
};

struct GroupSpec {
  Group id = Group::Objective;
  std::string name;  ///< "objective", "lr_schedule", "train setting": used in messages
  std::string doc;
};

/// Every group, in help order.
const std::vector<GroupSpec>& option_groups();
const GroupSpec& group_spec(Group g);
/// Every construct, in table order.
const std::vector<ConstructSpec>& option_constructs();
const ConstructSpec* find_construct(Group g, const std::string& name);
/// The names of `g`'s constructs, in table order.
std::vector<std::string> construct_names(Group g);

/// "a", "a or b", "a, b or c" (`last` = "or").
std::string word_list(const std::vector<std::string>& items, const std::string& last);

/// What the option accepts: "an integer >= 1", "a number > 0", "true or false", "a string",
/// "\"steps\" or \"epochs\"", "a list of 2 numbers", "one of adam, adamw, sgd or rmsprop".
std::string expected_text(const OptionSpec& o);

/// Checks `value` against `o`: nullopt when it fits, else what was expected (expected_text,
/// or "a number below 1" when only the upper bound fails). Numbers accept integers.
std::optional<std::string> check_value(const OptionSpec& o, const Attr& value);

/// Checks a setting of group `g` as program.h stores it (objectives and samplers are named
/// by `name`, schedules and priors by the `kind` option, a train setting by its keyword):
/// a known construct, known options of the right type and range, required ones present.
/// One message per problem.
std::vector<std::string> check_setting(Group g, const Setting& s);

/// check_setting over every model's objective, sampler, schedules and priors and every
/// train setting, each message prefixed with where it is ("model m, objective elbo: ...").
std::vector<std::string> check_settings(const Program& program);

}  // namespace genc::ir
