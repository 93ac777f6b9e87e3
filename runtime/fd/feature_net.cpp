// feature_routine: copy the classify eval graph, find the logits (the categorical_nll's
// first operand) and the linear layer that makes them, take that layer's input as the
// features, replace the outputs and drop what no output needs (loss, accuracy, labels).
#include "runtime/fd/feature_net.h"

#include <ATen/ops/cat.h>

#include <string>
#include <vector>

#include "compiler/support/diagnostics.h"
#include "runtime/compat.h"

namespace genc::runtime::fd {
namespace {

void add_output(ir::Graph& g, ir::ValueRef value, const std::string& name, int64_t index, SourceRange loc) {
  ir::Node out;
  out.op = ir::Op::Output;
  out.inputs = {value};
  out.attrs = {{"name", name}, {"index", index}};
  out.loc = loc;
  g.add(std::move(out));
}

/// Removes every node (but outputs) whose results nobody uses, until none is left.
void remove_dead(ir::Graph& g) {
  for (bool changed = true; changed;) {
    changed = false;
    for (ir::NodeId id : g.ids()) {
      if (g.node(id).op == ir::Op::Output || !g.uses(id).empty()) continue;
      g.remove(id);
      changed = true;
    }
  }
}

}  // namespace

lower::Routine feature_routine(const lower::TrainingProgram& plan) {
  GENC_ASSERT(plan.objective == "classify" && plan.eval, "the FD classifier must be a lowered classify objective");
  lower::Routine r;
  r.name = "features";
  r.graph = plan.eval->graph;
  r.outputs = {"logits", "features"};
  ir::Graph& g = r.graph;
  std::vector<ir::NodeId> nll = g.find(ir::Op::CategoricalNll);
  GENC_ASSERT(nll.size() == 1, "the classify eval graph has no single categorical_nll");
  const ir::ValueRef logits = g.node(nll[0]).inputs[0];
  const ir::Node& last = g.node(logits.node);
  GENC_ASSERT(last.op == ir::Op::Linear && !last.attrs.count("act"),
              "the FD classifier's logits must come straight from a linear layer");
  const ir::ValueRef features = last.inputs[0];
  const SourceRange loc = g.node(nll[0]).loc;
  for (ir::NodeId id : g.find(ir::Op::Output)) g.remove(id);
  add_output(g, logits, "logits", 0, loc);
  add_output(g, features, "features", 1, loc);
  remove_dead(g);
  for (ir::NodeId id : g.find(ir::Op::Input)) {  // the labels are gone: renumber what is left
    ir::Node& n = g.node(id);
    n.attrs["index"] = static_cast<int64_t>(r.inputs.size());
    r.inputs.push_back(ir::attr_string(n.attrs, "name"));
  }
  return r;
}

FeatureNet::FeatureNet(const lower::TrainingProgram& plan, ParamStore& params)
    : graph_(std::make_unique<CompiledGraph>(feature_routine(plan), params, nullptr)),
      rng_(compat::make_generator(params.device(), 0)),
      device_(params.device()) {}

FeatureNet::Result FeatureNet::run(const at::Tensor& x, int64_t batch) {
  std::vector<at::Tensor> logits, features;
  for (int64_t begin = 0; begin < x.size(0); begin += batch) {
    at::Tensor part = x.narrow(0, begin, std::min(batch, x.size(0) - begin)).to(device_, at::kFloat);
    graph_->run({part}, part.size(0), /*training=*/false, rng_);
    logits.push_back(graph_->output(0).cpu());
    features.push_back(graph_->output(1).flatten(1).cpu());
  }
  return {at::cat(logits), at::cat(features)};
}

}  // namespace genc::runtime::fd
