// Named option sets: objectives, samplers, schedules, priors, optimizers and lr_schedules
// (the groups of compiler/ir/options.def), data sources and transforms. Each table maps a
// name to a signature; a `name(args)` (or bare `name`) expression evaluates to an
// ir::Setting with every option filled in (defaults included).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/ir/option_table.h"
#include "compiler/ir/program.h"
#include "compiler/sema/evaluator.h"
#include "compiler/sema/signature.h"

namespace genc::sema {

struct OptionTable {
  std::string what;  ///< "objective", "sampler", "optimizer", ... (for messages)
  std::vector<Signature> entries;
  /// A group of options.def: given values are also checked against the option's range.
  std::optional<ir::Group> group;

  const Signature* find(const std::string& name) const;
  std::vector<std::string> names() const;
};

/// A table from {name, signature} pairs (signature syntax as in builtins.def).
OptionTable make_table(std::string what,
                       std::initializer_list<std::pair<const char*, const char*>> entries);

/// The table of group `g` of options.def (Kind options, which name a construct of another
/// group, are not arguments).
const OptionTable& option_table(ir::Group g);

/// Evaluates `e` as an entry of `table`. An unknown name is reported as `unknown`
/// (UnknownSetting gets the table's `what` as its first argument), with a hint; a value
/// outside its option's range as InvalidOptionValue at the value.
std::optional<ir::Setting> eval_setting(const ast::Expr& e, const OptionTable& table,
                                        DiagKind unknown, Evaluator& ev, Scope& scope);

/// The value of option `key` in `s` (which eval_setting filled completely).
Value setting_value(const ir::Setting& s, const std::string& key);

}  // namespace genc::sema
