// The deterministic text form of the graph IR (`genc compile --emit ir`, `.gir` files).
#pragma once

#include <string>

#include "compiler/ir/program.h"

namespace genc::ir {

/// Prints the program; parse_ir(print(p)) prints byte-identically.
std::string print(const Program& program);
/// One graph's node lines, each prefixed by `indent` (the plan printer's routines).
std::string print_graph(const Graph& graph, const std::string& indent);

}  // namespace genc::ir
