// Builds a CompiledGraph: slots, batch multipliers of random draws, which kernels record
// gradients and when each slot is released; then runs the kernels in order.
//
// 1. Walk the graph in topological order; give every node result a slot. Input nodes
//    (by attr index) own the data slots; Output nodes name output slots, get no kernel.
// 2. Batch multipliers: data has 1; repeat_batch multiplies by `times`, reduce_samples
//    divides. Operand-free nodes take theirs from their users (reverse pass), so noise
//    drawn for a repeated batch has the repeated number of rows; the rest default to 1.
// 3. Gradient recording: a node records when it owns trainable parameters, is a
//    grad_input (or an input named recording), or reads a recording value (detach stops it).
// 4. Last uses: each slot is released after the last kernel reading it (outputs never).
#include "runtime/compiled_graph.h"

#include <map>
#include <numeric>

#include "compiler/support/diagnostics.h"

namespace genc::runtime {
namespace {

using ir::NodeId;
using ir::Op;

/// A rational rows-per-batch-row factor; den == 0 means not known yet.
struct Rows {
  int64_t num = 1, den = 0;
  bool known() const { return den != 0; }
  Rows times(int64_t n, int64_t d) const {
    int64_t a = num * n, b = den * d, g = std::gcd(a, b);
    return {a / g, b / g};
  }
};

Rows through(Op op, const ir::Attrs& attrs, Rows in, bool forward) {
  if (op == Op::GuidanceMix) return forward ? in.times(1, 2) : in.times(2, 1);  // pairs to rows
  if (op != Op::RepeatBatch && op != Op::ReduceSamples) return in;
  int64_t t = ir::attr_int(attrs, "times");
  bool grow = (op == Op::RepeatBatch) == forward;
  return grow ? in.times(t, 1) : in.times(1, t);
}

}  // namespace

CompiledGraph::CompiledGraph(const lower::Routine& routine, ParamStore& params,
                             const std::set<std::string>* trainable, const std::set<std::string>& recording_inputs)
    : name_(routine.name),
      output_names_(routine.outputs),
      input_slots_(routine.inputs.size(), -1),
      input_names_(routine.inputs),
      any_grad_(trainable != nullptr) {
  const ir::Graph& g = routine.graph;
  std::vector<NodeId> order = g.topo_order();

  // 1. Slots.
  std::map<ir::ValueRef, int> slot;
  int slots = 0;
  for (NodeId id : order) {
    const ir::Node& n = g.node(id);
    for (size_t port = 0; port < n.outputs.size(); ++port) slot[{id, static_cast<int>(port)}] = slots++;
    if (n.op == Op::Input) {
      size_t index = static_cast<size_t>(ir::attr_int(n.attrs, "index"));
      GENC_ASSERT(index < input_slots_.size() && input_slots_[index] < 0, "bad input index " + std::to_string(index));
      input_slots_[index] = slot[{id, 0}];
    }
  }
  frame_.slots.resize(static_cast<size_t>(slots));
  output_slots_.resize(output_names_.size(), -1);

  // 2. Batch multipliers.
  std::map<NodeId, Rows> rows;
  for (NodeId id : order) {
    const ir::Node& n = g.node(id);
    Rows r;
    if (n.op == Op::Input) r = {1, 1};
    for (const ir::ValueRef& in : n.inputs)
      if (!r.known() && rows[in.node].known()) r = through(n.op, n.attrs, rows[in.node], true);
    rows[id] = r;
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (rows[*it].known()) continue;
    for (const ir::Use& use : g.uses(*it)) {
      const ir::Node& user = g.node(use.user);
      if (rows[use.user].known()) {
        rows[*it] = through(user.op, user.attrs, rows[use.user], false);
        break;
      }
    }
  }

  // 3. Gradient recording.
  std::map<NodeId, bool> records;
  for (NodeId id : order) {
    const ir::Node& n = g.node(id);
    bool r = false;
    if (trainable) {
      r = n.op == Op::GradInput || (n.op == Op::Input && recording_inputs.count(ir::attr_string(n.attrs, "name"))) ||
          (ir::has_flag(n.op, ir::kParams) && trainable->count(n.name));
      for (const ir::ValueRef& in : n.inputs) r = r || records[in.node];
      if (n.op == Op::Detach) r = false;
    }
    records[id] = r;
  }

  // 4. Kernels and last uses.
  std::map<int, size_t> last_use;  // slot -> entry index
  for (NodeId id : order) {
    const ir::Node& n = g.node(id);
    if (n.op == Op::Input) continue;
    if (n.op == Op::Output) {
      size_t index = static_cast<size_t>(ir::attr_int(n.attrs, "index"));
      GENC_ASSERT(index < output_slots_.size(), "routine output index out of range");
      output_slots_[index] = slot.at(n.inputs[0]);
      continue;
    }
    KernelSpec spec{n, {}, {}, {}, nullptr, params.device(), 1, 1};
    for (const ir::ValueRef& in : n.inputs) {
      spec.input_types.push_back(g.type(in));
      spec.in.push_back(slot.at(in));
    }
    for (size_t port = 0; port < n.outputs.size(); ++port) spec.out.push_back(slot.at({id, static_cast<int>(port)}));
    if (ir::has_flag(n.op, ir::kParams)) spec.params = &params.node(n.name);
    Rows r = rows[id].known() ? rows[id] : Rows{1, 1};
    spec.batch_num = r.num;
    spec.batch_den = r.den;
    std::unique_ptr<Kernel> kernel = make_kernel(spec);
    size_t index = entries_.size();
    for (int s : spec.in) last_use[s] = index;
    for (int s : spec.out)
      if (!last_use.count(s)) last_use[s] = index;  // results nobody reads go right away
    Entry entry;
    entry.kernel = std::move(kernel);
    entry.record_grad = records[id];
    entry.out = spec.out;
    entry.origin = Fault{std::string(ir::op_name(n.op)), n.loc, n.name};
    entries_.push_back(std::move(entry));
  }
  for (int s : output_slots_) GENC_ASSERT(s >= 0, "routine " + name_ + " is missing an output");
  for (int s : input_slots_) GENC_ASSERT(s >= 0, "routine " + name_ + " is missing an input node");
  for (const auto& [s, index] : last_use) {
    bool is_output = std::find(output_slots_.begin(), output_slots_.end(), s) != output_slots_.end();
    if (!is_output) entries_[index].release.push_back(s);
  }
}

bool is_finite(const at::Tensor& t) {
  return !t.defined() || !t.is_floating_point() || at::isfinite(t.detach()).all().item<bool>();
}

void CompiledGraph::run(const std::vector<at::Tensor>& inputs, int64_t batch, bool training,
                        at::Generator& generator) {
  run_entries(inputs, batch, training, generator, /*check=*/false);
}

std::optional<CompiledGraph::Fault> CompiledGraph::run_checked(const std::vector<at::Tensor>& inputs, int64_t batch,
                                                               bool training, at::Generator& generator) {
  std::optional<size_t> bad = run_entries(inputs, batch, training, generator, /*check=*/true);
  if (!bad) return std::nullopt;
  return entries_[*bad].origin;
}

std::optional<size_t> CompiledGraph::run_entries(const std::vector<at::Tensor>& inputs, int64_t batch,
                                                 bool training, at::Generator& generator, bool check) {
  frame_.batch = batch;
  frame_.training = training;
  frame_.generator = &generator;
  GENC_ASSERT(inputs.size() == input_slots_.size(), "graph " + name_ + " takes " +
                                                         std::to_string(input_slots_.size()) + " inputs");
  for (size_t i = 0; i < input_slots_.size(); ++i) {
    GENC_ASSERT(inputs[i].defined(), "graph " + name_ + " needs input " + input_names_[i]);
    frame_.slots[static_cast<size_t>(input_slots_[i])] = inputs[i];
  }
  std::optional<at::NoGradGuard> all_off;
  if (!any_grad_) all_off.emplace();
  std::optional<size_t> first_bad;
  for (size_t k = 0; k < entries_.size(); ++k) {
    Entry& e = entries_[k];
    if (e.record_grad || !any_grad_) {
      e.kernel->run(frame_);
    } else {
      at::NoGradGuard off;
      e.kernel->run(frame_);
    }
    if (check && !first_bad) {
      for (int s : e.out)
        if (!is_finite(frame_.slots[static_cast<size_t>(s)])) first_bad = k;
    }
    for (int s : e.release) frame_.slots[static_cast<size_t>(s)] = at::Tensor();
  }
  return first_bad;
}

}  // namespace genc::runtime
