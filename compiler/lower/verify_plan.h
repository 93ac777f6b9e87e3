// The plan verifier: the invariants the runtime relies on, checked on every lowered program.
#pragma once

#include <string>
#include <vector>

#include "compiler/lower/training_program.h"

namespace genc::lower {

/// One message per broken invariant; empty means the plan is well formed. Checks, per
/// routine: its graph verifies (ir::verify); Input and Output nodes match `inputs` and
/// `outputs` one to one by index and name; step and eval outputs are f32[] per example,
/// but a step output a later step reads; each step input "S.OUT" names an output of an
/// earlier step S (not its loss) of the input's type (step_handoff.h); each step names an
/// optimizer group. Per loop: a step has a table of as many values per
/// column as iterations (at least one); each step input is an environment value (an init
/// output) or a table column, of the same type (a column gives a scalar of its dtype);
/// each step output replaces an environment value of its type; finish reads only
/// environment values, of their types.
std::vector<std::string> verify_plan(const TrainingProgram& program);

}  // namespace genc::lower
