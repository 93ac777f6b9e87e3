// The plan's accessors: Routine, IterationTable, Loop and TrainingProgram lookups, and the
// values steps hand on to later steps (step_handoff.h).
#include <algorithm>

#include "compiler/lower/step_handoff.h"
#include "compiler/lower/training_program.h"
#include "compiler/support/diagnostics.h"

namespace genc::lower {
namespace {

int index_of(const std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

/// The operand type of the node of `op` whose attr index is `index`.
const ir::ValueType& port_type(const ir::Graph& g, ir::Op op, size_t index) {
  for (ir::NodeId id : g.find(op)) {
    const ir::Node& n = g.node(id);
    if (ir::attr_int(n.attrs, "index") != static_cast<int64_t>(index)) continue;
    return op == ir::Op::Input ? n.outputs.at(0) : g.type(n.inputs.at(0));
  }
  internal_error("routine has no " + std::string(ir::op_name(op)) + " " + std::to_string(index));
}

/// Every routine of `p` (a TrainingProgram, const or not), steps first.
template <class R, class Program>
std::vector<R*> routines_of(Program& p) {
  std::vector<R*> out;
  for (auto& s : p.steps) out.push_back(&s);
  if (p.eval) out.push_back(&*p.eval);
  if (p.sample) {
    out.push_back(&p.sample->init);
    if (p.sample->step) out.push_back(&*p.sample->step);
    if (p.sample->finish) out.push_back(&*p.sample->finish);
  }
  return out;
}

}  // namespace

// --- Routine

bool Routine::reads(const std::string& name) const { return input_index(name) >= 0; }
int Routine::input_index(const std::string& name) const { return index_of(inputs, name); }
int Routine::output_index(const std::string& name) const { return index_of(outputs, name); }
const ir::ValueType& Routine::input_type(size_t index) const { return port_type(graph, ir::Op::Input, index); }
const ir::ValueType& Routine::output_type(size_t index) const { return port_type(graph, ir::Op::Output, index); }

int64_t Routine::rows_per_example() const {
  int64_t most = 1;
  for (ir::NodeId id : graph.find(ir::Op::RepeatBatch))
    most = std::max(most, ir::attr_int(graph.node(id).attrs, "times"));
  return most;
}

// --- IterationTable, Loop

const IterationTable::Column* IterationTable::column(const std::string& name) const {
  for (const Column& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

Loop Loop::straight(Routine init) {
  Loop loop;
  loop.name = init.name;
  loop.init = std::move(init);
  return loop;
}

const std::vector<std::string>& Loop::results() const { return finish ? finish->outputs : init.outputs; }

std::vector<std::string> Loop::carried() const { return step ? step->outputs : std::vector<std::string>{}; }

const ir::ValueType& Loop::result_type(const std::string& name) const {
  const Routine& last = finish ? *finish : init;
  int i = last.output_index(name);
  GENC_ASSERT(i >= 0, "loop " + this->name + " has no result " + name);
  return last.output_type(static_cast<size_t>(i));
}

// --- TrainingProgram

const OptimizerGroup* TrainingProgram::optimizer(const std::string& name) const {
  for (const OptimizerGroup& g : optimizers)
    if (g.name == name) return &g;
  return nullptr;
}

std::vector<Routine*> TrainingProgram::routines() { return routines_of<Routine>(*this); }
std::vector<const Routine*> TrainingProgram::routines() const { return routines_of<const Routine>(*this); }

// --- step handoffs

std::string handoff_input(const std::string& step, const std::string& output) { return step + "." + output; }

std::optional<Handoff> handoff_of(const std::string& name) {
  size_t dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) return std::nullopt;
  return Handoff{name.substr(0, dot), name.substr(dot + 1)};
}

bool handed_on(const TrainingProgram& program, size_t index, const std::string& output) {
  const std::string name = handoff_input(program.steps.at(index).name, output);
  for (size_t k = index + 1; k < program.steps.size(); ++k)
    if (program.steps[k].reads(name)) return true;
  return false;
}

std::set<std::string> recorded_params(const TrainingProgram& program, size_t index) {
  std::set<std::string> out;
  auto add_group = [&](const std::string& name) {
    const OptimizerGroup* group = program.optimizer(name);
    GENC_ASSERT(group, "no optimizer group " + name);
    out.insert(group->params.begin(), group->params.end());
  };
  const Step& step = program.steps.at(index);
  add_group(step.optimizer);
  for (size_t k = index + 1; k < program.steps.size(); ++k) {
    for (const std::string& output : step.outputs) {
      if (!program.steps[k].reads(handoff_input(step.name, output))) continue;
      add_group(program.steps[k].optimizer);
      break;
    }
  }
  return out;
}

}  // namespace genc::lower
