// The deterministic text form of the graph IR (`genc compile --emit ir`, `.gir` files).
#pragma once

#include <string>

#include "compiler/ir/program.h"

namespace genc::ir {

/// Prints the program; parse_ir(print(p)) prints byte-identically.
std::string print(const Program& program);

}  // namespace genc::ir
