// The optimization pipeline: the passes of this folder in a fixed order.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/program.h"

namespace genc::passes {

struct PipelineOptions {
  /// Run the IR verifier after every pass and internal_error on a failure
  /// (on in tests and debug builds).
  bool verify_each = false;
};

/// Runs constant folding, CSE, fusion and DCE on every role graph until nothing changes.
void optimize(ir::Program& program, const PipelineOptions& options = {});
/// The same on one graph (a lowered routine); `name` names it in internal errors.
void optimize(ir::Graph& graph, const std::string& name, const PipelineOptions& options = {});

}  // namespace genc::passes
