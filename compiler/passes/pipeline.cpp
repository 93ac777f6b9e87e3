// The optimization pipeline: runs the passes of this folder over every role graph in a
// fixed order until none of them changes anything.
//
// Algorithm, per role graph (and per lowered routine, which compiler/lower sends here):
//   1. With verify_each, verify the graph as it comes in.
//   2. Run constant folding, CSE, fusion and DCE in that order; with verify_each, verify
//      the graph after each pass that changed it and internal_error on any failure.
//   3. Repeat step 2 until a whole round changes nothing. Every change removes a node or
//      replaces a non-constant one by a constant, so this ends within 2 * size + 1 rounds;
//      going past that means a pass oscillates (a compiler bug).
//   4. With verify_each, verify the whole program at the end (role signatures included).
#include "compiler/passes/pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/ir/verifier.h"
#include "compiler/passes/constant_fold.h"
#include "compiler/passes/cse.h"
#include "compiler/passes/dce.h"
#include "compiler/passes/fuse_linear_activation.h"
#include "compiler/support/diagnostics.h"

namespace genc::passes {
namespace {

struct Pass {
  const char* name;
  bool (*run)(ir::Graph&);
};

constexpr Pass kPasses[] = {
    {"constant_fold", fold_constants},
    {"cse", eliminate_common_subexpressions},
    {"fuse_linear_activation", fuse_linear_activation},
    {"dce", eliminate_dead_code},
};

void check(const std::vector<std::string>& errors, const std::string& where) {
  if (!errors.empty())
    internal_error(fmt::format("IR verifier failed {}:\n  {}", where, fmt::join(errors, "\n  ")));
}

}  // namespace

void optimize(ir::Graph& graph, const std::string& role, const PipelineOptions& options) {
  if (options.verify_each) check(ir::verify(graph), "before optimizing " + role);
  const size_t max_rounds = 2 * graph.size() + 2;
  for (size_t round = 0;; ++round) {
    if (round == max_rounds) internal_error("optimizer did not reach a fixpoint on " + role);
    bool changed = false;
    for (const Pass& pass : kPasses) {
      if (!pass.run(graph)) continue;
      changed = true;
      if (options.verify_each)
        check(ir::verify(graph), fmt::format("after {} on {}", pass.name, role));
    }
    if (!changed) return;
  }
}

void optimize(ir::Program& program, const PipelineOptions& options) {
  for (ir::Model& model : program.models)
    for (ir::Function& role : model.roles)
      optimize(role.graph, model.name + "." + role.name, options);
  if (options.verify_each) check(ir::verify(program), "after optimization");
}

}  // namespace genc::passes
