// A routine graph compiled for execution: a flat vector of kernels in topological order
// with every operand slot, parameter and attribute resolved when it is built.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "compiler/lower/training_program.h"
#include "runtime/kernels/kernel.h"
#include "runtime/param_store.h"

namespace genc::runtime {

class CompiledGraph {
 public:
  /// Compiles `routine` against `params` (kernels hold its tensors). `trainable` names
  /// the parameter nodes whose gradients will be asked for: a node that depends on none
  /// of them (and on no grad_input) runs without autograd recording, so a D step does not
  /// record the generator it detaches. Null means no gradients at all (eval, sampling).
  /// With `input_grads`, gradients with respect to the inputs are recorded as well
  /// (inputs count as recording values; needs a non-null `trainable`).
  CompiledGraph(const lower::Routine& routine, ParamStore& params, const std::set<std::string>* trainable,
                bool input_grads = false);

  /// Runs every kernel. `inputs[i]` feeds the Input node with attr index i (routines:
  /// 0 = "x", 1 = "y"; entries the graph does not read may be undefined); `batch` is the
  /// batch size (x's rows, or the sample count of a graph without data). Outputs stay
  /// readable until the next run; intermediate results are released after their last use.
  void run(const std::vector<at::Tensor>& inputs, int64_t batch, bool training, at::Generator& generator);

  /// Result `i` of the last run.
  const at::Tensor& output(size_t i) const { return frame_.slots[output_slots_[i]]; }
  const std::vector<std::string>& output_names() const { return output_names_; }
  /// Whether the graph reads input `index` (0 = "x", 1 = "y").
  bool reads(size_t index) const { return index < input_slots_.size() && input_slots_[index] >= 0; }
  const std::string& name() const { return name_; }

 private:
  struct Entry {
    std::unique_ptr<Kernel> kernel;
    bool record_grad;            ///< false: run under NoGradGuard
    std::vector<int> release;    ///< slots whose last use is this kernel
  };

  std::string name_;
  std::vector<Entry> entries_;
  std::vector<int> output_slots_;
  std::vector<std::string> output_names_;
  std::vector<int> input_slots_;  ///< by Input index; -1 where none
  bool any_grad_ = false;
  Frame frame_;
};

}  // namespace genc::runtime
