// The kernel interface of the plan executor: one Kernel object per graph node, built once
// with its operand slots, parameters and attributes resolved; run() only calls ATen.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ir/op_attrs.h"
#include "runtime/param_store.h"

namespace genc::runtime {

/// Which rows of a global batch a graph computes in data-parallel training: its `batch`
/// rows are rows [begin, begin + batch) of a batch of `global` rows (global 0: the whole batch).
struct Shard {
  int64_t begin = 0;
  int64_t global = 0;
};

/// Per-run state shared by the kernels of one graph.
struct Frame {
  std::vector<at::Tensor> slots;  ///< one per node result; row 0 of every tensor is the batch
  int64_t batch = 0;              ///< rows of the data batch (or the requested sample count)
  bool training = true;           ///< batchnorm statistics, dropout, spectral-norm iteration
  at::Generator* generator = nullptr;
  Shard shard;                    ///< this process's rows of the global batch

  /// `draw(shape, options)`, a random draw from `generator` of a tensor of `shape` (row 0:
  /// the batch rows, or 1 for a value shared by the batch) and `options`, made where the
  /// generator lives and copied when that is another device (an executor on a GPU that
  /// draws the CPU's numbers, as the device-agreement tests do). In a shard the draw is made
  /// for the global batch and the shard's rows are kept: every process draws what one
  /// process at the global batch draws, so data-parallel training equals it.
  template <class Draw>
  at::Tensor random(std::vector<int64_t> shape, const at::TensorOptions& options, Draw draw) const {
    const int64_t rows = shape.empty() ? 0 : shape[0];
    const bool split = shard.global > 0 && batch > 0 && rows > 0 && !(rows == 1 && batch > 1) &&
                       rows * shard.global % batch == 0 && rows * shard.begin % batch == 0;
    if (split) shape[0] = rows * shard.global / batch;
    const bool here = generator->device() == options.device();
    at::Tensor t = draw(at::IntArrayRef(shape), here ? options : options.device(generator->device()));
    if (split) t = t.narrow(0, rows * shard.begin / batch, rows);
    return here ? t : t.to(options.device());
  }
  /// `draw(options)` for draws whose rows cannot be split (a sampler's tokens, drawn from
  /// each row's own probabilities): only in graphs that are not sharded.
  template <class Draw>
  at::Tensor random_unsharded(const at::TensorOptions& options, Draw draw) const {
    if (generator->device() == options.device()) return draw(options);
    return draw(options.device(generator->device())).to(options.device());
  }
};

/// What a kernel factory is given about its node.
struct KernelSpec {
  const ir::Node& node;
  std::vector<ir::ValueType> input_types;
  std::vector<int> in;          ///< slot of each operand
  std::vector<int> out;         ///< slot of each result
  ParamModule* params = nullptr;  ///< the node's parameters (kParams ops)
  at::Device device = at::kCPU;   ///< where the graph runs (constants are made there)
  /// Random ops without operands draw batch * batch_num / batch_den rows (repeat_batch
  /// and reduce_samples change the rows between the data and the draw's users).
  int64_t batch_num = 1;
  int64_t batch_den = 1;

  /// The node's attributes, with ops.def's defaults.
  ir::OpAttrs attrs() const { return {node.op, node.attrs}; }
};

/// Runs one node. Tensors keep a leading batch dimension (size B, or 1 for values that
/// do not depend on the batch: constants and learned tables), so per-example shapes
/// map to ATen shapes by prepending it.
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual void run(Frame& frame) = 0;
};

/// The kernel of `spec.node`, built by the kernel family that ops.def's Kernel column names
/// for its op. An op marked `slot` or `none` there has no kernel: asking for one is an
/// internal error (the compiled graph binds slot ops itself; none ops never reach it).
std::unique_ptr<Kernel> make_kernel(const KernelSpec& spec);

}  // namespace genc::runtime
