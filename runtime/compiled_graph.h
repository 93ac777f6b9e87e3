// A routine graph compiled for execution: a flat vector of kernels in topological order
// with every operand slot, parameter and attribute resolved when it is built.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/lower/training_program.h"
#include "runtime/kernels/kernel.h"
#include "runtime/param_store.h"

namespace genc::runtime {

/// Whether `t` holds no NaN or infinity (undefined and integer tensors always pass). A
/// host read, for checks off the hot path.
bool is_finite(const at::Tensor& t);

class CompiledGraph {
 public:
  /// Compiles `routine` against `params` (kernels hold its tensors). `trainable` names
  /// the parameter nodes whose gradients will be asked for: a node that depends on none
  /// of them (and on no grad_input) runs without autograd recording, so a step records
  /// only what its gradients go through. Null means no gradients at all (eval, sampling).
  /// The inputs named in `recording_inputs` count as recording values (needs a non-null
  /// `trainable`): gradients flow back through them (a value handed on by an earlier step
  /// with its autograd history, or inputs whose own gradients are wanted).
  CompiledGraph(const lower::Routine& routine, ParamStore& params, const std::set<std::string>* trainable,
                const std::set<std::string>& recording_inputs = {});

  /// Runs every kernel. `inputs[i]` feeds the routine's input i (`input_names()[i]`);
  /// `batch` is the batch size (the data's rows, or the sample count of a routine without
  /// data). Outputs stay readable until the next run; intermediate results are released
  /// after their last use.
  void run(const std::vector<at::Tensor>& inputs, int64_t batch, bool training, at::Generator& generator);

  /// The rows of the global batch that the next runs compute (data-parallel training: their
  /// random draws are the global batch's, these rows kept); Shard{} for the whole batch.
  void set_shard(Shard shard) { frame_.shard = shard; }

  /// The node of a kernel whose result was not finite.
  struct Fault {
    std::string op;     ///< its op's spelling ("log")
    SourceRange loc;    ///< where the user wrote it (the objective, for ops lowering added)
    std::string param;  ///< the parameter node's name for kParams ops, else ""
  };
  /// run(), checking every floating-point result after its kernel: the first kernel whose
  /// result holds a NaN or an infinity, if any (the run continues to the end).
  std::optional<Fault> run_checked(const std::vector<at::Tensor>& inputs, int64_t batch, bool training,
                                   at::Generator& generator);

  /// Result `i` of the last run.
  const at::Tensor& output(size_t i) const { return frame_.slots[output_slots_[i]]; }
  const std::vector<std::string>& output_names() const { return output_names_; }
  const std::vector<std::string>& input_names() const { return input_names_; }
  const std::string& name() const { return name_; }

 private:
  struct Entry {
    std::unique_ptr<Kernel> kernel;
    bool record_grad;            ///< false: run under NoGradGuard
    std::vector<int> release;    ///< slots whose last use is this kernel
    std::vector<int> out;        ///< its result slots
    Fault origin;                ///< what a fault in its results reports
  };

  /// Runs every kernel; with `check`, returns the first entry whose results are not finite.
  std::optional<size_t> run_entries(const std::vector<at::Tensor>& inputs, int64_t batch, bool training,
                                    at::Generator& generator, bool check);

  std::string name_;
  std::vector<Entry> entries_;
  std::vector<int> output_slots_;
  std::vector<std::string> output_names_;
  std::vector<int> input_slots_;  ///< by input index
  std::vector<std::string> input_names_;
  bool any_grad_ = false;
  Frame frame_;
};

}  // namespace genc::runtime
