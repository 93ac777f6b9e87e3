// The plan verifier (see verify_plan.h).
#include "compiler/lower/verify_plan.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "compiler/ir/verifier.h"
#include "compiler/lower/step_handoff.h"

namespace genc::lower {
namespace {

using Env = std::map<std::string, ir::ValueType>;

/// Input or Output nodes against the routine's name list.
void check_ports(const Routine& r, ir::Op op, const std::vector<std::string>& names, std::vector<std::string>& errs) {
  std::vector<int> seen(names.size(), 0);
  const char* what = op == ir::Op::Input ? "input" : "output";
  for (ir::NodeId id : r.graph.find(op)) {
    const ir::Node& n = r.graph.node(id);
    int64_t index = ir::attr_int_or(n.attrs, "index", -1);
    std::string name = ir::attr_string_or(n.attrs, "name", "");
    if (index < 0 || index >= static_cast<int64_t>(names.size())) {
      errs.push_back(fmt::format("{}: %{} {} has index {} of {}", r.name, id, what, index, names.size()));
      continue;
    }
    if (names[static_cast<size_t>(index)] != name)
      errs.push_back(fmt::format("{}: %{} {} {} is named '{}', the routine calls it '{}'", r.name, id, what, index,
                                 name, names[static_cast<size_t>(index)]));
    ++seen[static_cast<size_t>(index)];
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (seen[i] != 1) errs.push_back(fmt::format("{}: {} '{}' has {} nodes", r.name, what, names[i], seen[i]));
}

/// False (after adding messages) when the routine's structure is broken.
bool check_routine(const Routine& r, std::vector<std::string>& errs) {
  size_t before = errs.size();
  for (const std::string& e : ir::verify(r.graph)) errs.push_back(r.name + ": " + e);
  if (errs.size() > before) return false;
  check_ports(r, ir::Op::Input, r.inputs, errs);
  check_ports(r, ir::Op::Output, r.outputs, errs);
  return errs.size() == before;
}

/// Every output of `r` is f32[] per example, but those in `handed` (read by a later step).
void check_per_example_outputs(const Routine& r, std::vector<std::string>& errs,
                               const std::set<std::string>& handed = {}) {
  for (size_t i = 0; i < r.outputs.size(); ++i) {
    if (handed.count(r.outputs[i])) continue;
    const ir::ValueType& t = r.output_type(i);
    if (t != ir::ValueType::tensor({}))
      errs.push_back(fmt::format("{}: output '{}' is {}, not one f32[] per example", r.name, r.outputs[i], t.str()));
  }
}

/// Each input of `r` must be in `env` with its type, or (when `table` is given) a column.
void check_reads(const Routine& r, const Env& env, const IterationTable* table, std::vector<std::string>& errs) {
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    const std::string& name = r.inputs[i];
    const ir::ValueType& type = r.input_type(i);
    if (auto it = env.find(name); it != env.end()) {
      if (it->second != type)
        errs.push_back(fmt::format("{}: input '{}' is {}, but the loop carries {}", r.name, name, type.str(),
                                   it->second.str()));
    } else if (const IterationTable::Column* c = table ? table->column(name) : nullptr) {
      if (type != ir::ValueType::tensor({}, c->dtype))
        errs.push_back(fmt::format("{}: input '{}' is {}, but its table column gives {}", r.name, name, type.str(),
                                   ir::ValueType::tensor({}, c->dtype).str()));
    } else {
      errs.push_back(fmt::format("{}: input '{}' is neither carried nor in the table", r.name, name));
    }
  }
}

void check_loop(const Loop& loop, std::vector<std::string>& errs) {
  bool ok = check_routine(loop.init, errs);
  if (loop.step) ok = check_routine(*loop.step, errs) && ok;
  if (loop.finish) ok = check_routine(*loop.finish, errs) && ok;
  if (!ok) return;
  if (!loop.init.inputs.empty()) errs.push_back(loop.name + ": init reads inputs; a sampler takes no data");
  Env env;
  for (size_t i = 0; i < loop.init.outputs.size(); ++i) env[loop.init.outputs[i]] = loop.init.output_type(i);
  if (loop.step) {
    const Routine& step = *loop.step;
    if (loop.table.iterations < 1) errs.push_back(loop.name + ": a loop step needs at least one iteration");
    for (const IterationTable::Column& c : loop.table.columns) {
      if (static_cast<int64_t>(c.values.size()) != loop.table.iterations)
        errs.push_back(fmt::format("{}: table column '{}' has {} values for {} iterations", loop.name, c.name,
                                   c.values.size(), loop.table.iterations));
      if (env.count(c.name)) errs.push_back(fmt::format("{}: '{}' is both carried and a table column", loop.name, c.name));
    }
    check_reads(step, env, &loop.table, errs);
    for (size_t i = 0; i < step.outputs.size(); ++i) {
      auto it = env.find(step.outputs[i]);
      if (it == env.end())
        errs.push_back(fmt::format("{}: output '{}' replaces no value init made", step.name, step.outputs[i]));
      else if (it->second != step.output_type(i))
        errs.push_back(fmt::format("{}: output '{}' is {}, but init made {}", step.name, step.outputs[i],
                                   step.output_type(i).str(), it->second.str()));
    }
  } else if (loop.table.iterations != 0 || !loop.table.columns.empty()) {
    errs.push_back(loop.name + ": an iteration table without a step");
  }
  if (loop.finish) check_reads(*loop.finish, env, nullptr, errs);
}

/// Each input "S.OUT" of step `index` names an output of an earlier step S, of its type;
/// a handed-on output is not the loss (output 0). `well_formed[k]`: step k's structure holds.
void check_handoffs(const TrainingProgram& p, size_t index, const std::vector<bool>& well_formed,
                    std::vector<std::string>& errs) {
  const Step& s = p.steps[index];
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    std::optional<Handoff> h = handoff_of(s.inputs[i]);
    if (!h) continue;
    const Step* from = nullptr;
    bool from_ok = false;
    for (size_t k = 0; k < index; ++k) {
      if (p.steps[k].name != h->step) continue;
      from = &p.steps[k];
      from_ok = well_formed[k];
    }
    int output = from ? from->output_index(h->output) : -1;
    if (from && !from_ok) continue;  // reported with step S
    if (output < 0) {
      errs.push_back(fmt::format("{}: input '{}' names no output of an earlier step", s.name, s.inputs[i]));
    } else if (output == 0) {
      errs.push_back(fmt::format("{}: input '{}' is the loss of step {}", s.name, s.inputs[i], h->step));
    } else if (from->output_type(static_cast<size_t>(output)) != s.input_type(i)) {
      errs.push_back(fmt::format("{}: input '{}' is {}, but step {} makes {}", s.name, s.inputs[i],
                                 s.input_type(i).str(), h->step,
                                 from->output_type(static_cast<size_t>(output)).str()));
    }
  }
}

}  // namespace

std::vector<std::string> verify_plan(const TrainingProgram& p) {
  std::vector<std::string> errs;
  std::vector<bool> well_formed;
  for (size_t k = 0; k < p.steps.size(); ++k) {
    const Step& s = p.steps[k];
    well_formed.push_back(check_routine(s, errs));
    if (well_formed.back()) {
      std::set<std::string> handed;
      for (const std::string& o : s.outputs)
        if (handed_on(p, k, o)) handed.insert(o);
      check_per_example_outputs(s, errs, handed);
      check_handoffs(p, k, well_formed, errs);
    }
    if (!p.optimizer(s.optimizer)) errs.push_back(fmt::format("{}: no optimizer group '{}'", s.name, s.optimizer));
    if (s.repeat < 1) errs.push_back(fmt::format("{}: repeat {}", s.name, s.repeat));
  }
  if (p.eval && check_routine(*p.eval, errs)) check_per_example_outputs(*p.eval, errs);
  if (p.sample) check_loop(*p.sample, errs);
  return errs;
}

}  // namespace genc::lower
