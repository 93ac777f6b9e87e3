// Values handed from one training step to a later step of the same iteration (a GAN's G step
// takes the batch its D step generated, as hand-written GAN loops do): a step input named
// "S.OUT" is output OUT of the earlier step S, from S's last run in the iteration, with its
// autograd history (a gradient taken in the later step flows back through S's graph). An
// output that a later step reads is handed on: it may be of any type and is not one of S's
// metrics; every other step output is a metric (f32[] per example, output 0 the loss).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "compiler/lower/training_program.h"

namespace genc::lower {

/// Where a handed-on input comes from: output `output` of step `step`.
struct Handoff {
  std::string step;
  std::string output;
};

/// "D.generated": the input name under which later steps read output `output` of `step`.
std::string handoff_input(const std::string& step, const std::string& output);
/// The step output that input `name` reads, or nullopt for other inputs (data "x", "y").
std::optional<Handoff> handoff_of(const std::string& name);

/// Whether a step after `program.steps[index]` reads its output `output`.
bool handed_on(const TrainingProgram& program, size_t index, const std::string& output);

/// The parameters whose gradients `program.steps[index]` must record: its optimizer group's,
/// and those of the groups of the later steps that read an output it hands on (a GAN's D step
/// records the generator, whose gradient the G step takes through the batch it is handed).
std::set<std::string> recorded_params(const TrainingProgram& program, size_t index);

}  // namespace genc::lower
