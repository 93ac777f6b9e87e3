// LoopRunner: binds a Loop's routines to environment slots once, then runs init, the step
// over the table, and finish.
#include "runtime/loop_runner.h"

#include <algorithm>

#include "compiler/support/diagnostics.h"

namespace genc::runtime {

int LoopRunner::slot(const std::string& name) const {
  auto it = std::find(env_names_.begin(), env_names_.end(), name);
  return it == env_names_.end() ? -1 : static_cast<int>(it - env_names_.begin());
}

LoopRunner::Bound LoopRunner::bind(const lower::Routine& r, ParamStore& params, const lower::IterationTable* table) {
  Bound b;
  b.graph = std::make_unique<CompiledGraph>(r, params, nullptr);
  for (const std::string& name : r.inputs) {
    int s = slot(name);
    if (s < 0) {
      const lower::IterationTable::Column* c = table ? table->column(name) : nullptr;
      GENC_ASSERT(c != nullptr, "loop routine " + r.name + " reads unknown value " + name);
      s = -1 - static_cast<int>(c - table->columns.data());
    }
    b.in.push_back(s);
  }
  for (const std::string& name : r.outputs) b.out.push_back(slot(name));
  return b;
}

LoopRunner::LoopRunner(const lower::Loop& loop, ParamStore& params)
    : env_names_(loop.init.outputs), results_(loop.results()) {
  init_ = bind(loop.init, params, nullptr);
  if (loop.step) {
    step_ = bind(*loop.step, params, &loop.table);
    iterations_ = loop.table.iterations;
    for (const lower::IterationTable::Column& c : loop.table.columns) {
      at::ScalarType type = c.dtype == ir::DType::I64 ? at::kLong : at::kFloat;
      at::Tensor all = at::tensor(c.values, at::TensorOptions().dtype(at::kDouble)).to(type).to(params.device());
      std::vector<at::Tensor> per_iteration;
      for (int64_t i = 0; i < iterations_; ++i) per_iteration.push_back(all.slice(0, i, i + 1));
      table_.push_back(std::move(per_iteration));
    }
  }
  if (loop.finish) finish_ = bind(*loop.finish, params, nullptr);
}

std::vector<at::Tensor> LoopRunner::run(int64_t n, bool training, at::Generator& generator, const Start* start,
                                        std::optional<CompiledGraph::Fault>* fault) {
  // With `fault`, every routine runs checked and the first fault is kept.
  auto run_graph = [&](CompiledGraph& g, const std::vector<at::Tensor>& in) {
    if (!fault) return g.run(in, n, training, generator);
    std::optional<CompiledGraph::Fault> f = g.run_checked(in, n, training, generator);
    if (f && !*fault) *fault = std::move(f);
  };
  std::vector<at::Tensor> env(env_names_.size());
  run_graph(*init_.graph, {});
  for (size_t i = 0; i < init_.out.size(); ++i) env[static_cast<size_t>(init_.out[i])] = init_.graph->output(i);
  if (start) {
    int s = slot(start->name);
    GENC_ASSERT(s >= 0, "LoopRunner: no carried value " + start->name + " to start from");
    at::Tensor& v = env[static_cast<size_t>(s)];
    v = v.clone();
    at::Tensor prefix = start->prefix.to(v.device(), v.scalar_type());
    v.narrow(1, 0, prefix.size(0)).copy_(prefix.unsqueeze(0).expand({v.size(0), prefix.size(0)}));
  }
  std::vector<at::Tensor> inputs;  // reused by every iteration
  if (step_) {
    const int64_t first = start ? start->first_iteration : 0;
    const int started = start ? slot(start->name) : -1;
    // The iterations before `first` run too (filling what else the step carries, a KV
    // cache), their results for the started value dropped: it keeps the prefix there.
    for (int64_t it = 0; it < iterations_; ++it) {
      inputs.clear();
      for (int s : step_->in)
        inputs.push_back(s >= 0 ? env[static_cast<size_t>(s)] : table_[static_cast<size_t>(-1 - s)][it]);
      run_graph(*step_->graph, inputs);
      for (size_t i = 0; i < step_->out.size(); ++i) {
        if (it < first && step_->out[i] == started) continue;
        env[static_cast<size_t>(step_->out[i])] = step_->graph->output(i);
      }
    }
  }
  if (!finish_) return env;
  inputs.clear();
  for (int s : finish_->in) inputs.push_back(env[static_cast<size_t>(s)]);
  run_graph(*finish_->graph, inputs);
  std::vector<at::Tensor> out;
  for (size_t i = 0; i < results_.size(); ++i) out.push_back(finish_->graph->output(i));
  return out;
}

}  // namespace genc::runtime
