// A setting written on the command line, `ddim(steps: 20, guidance: 3)`: parsed into an
// ir::Setting with the defaults of options.def filled in and checked against that table
// (`genc sample --sampler`, `genc eval --sampler`).
#pragma once

#include <string>
#include <variant>

#include "compiler/ir/options.h"
#include "compiler/ir/program.h"

namespace genc::ir {

/// `NAME` or `NAME(VALUE, ..., OPTION: VALUE, ...)` of group `g` (values: numbers, true,
/// false, "text"): the Setting, or the first problem as a message.
std::variant<Setting, std::string> parse_setting(Group g, const std::string& text);

}  // namespace genc::ir
