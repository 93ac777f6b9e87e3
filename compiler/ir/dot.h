// Graphviz DOT rendering of the graph IR (`genc compile --emit dot`).
#pragma once

#include <string>

#include "compiler/ir/program.h"

namespace genc::ir {

/// One cluster per role of each model; nodes labelled with op and result type.
std::string to_dot(const Program& program);

}  // namespace genc::ir
