// Internal to the kernels: the factory of each kernel family (one file each) and the
// helpers they share (fused activations, per-example reductions, rank alignment).
#pragma once

#include <memory>

#include "compiler/support/diagnostics.h"
#include "runtime/kernels/kernel.h"

namespace genc::runtime::kernels {

// The kernel families of ops.def's Kernel column. make_kernel calls one only for the ops
// the table assigns to it; any other op is an internal error.
// layers.cpp: linear, conv, upconv, batchnorm, layernorm, groupnorm, embed, position, attention
std::unique_ptr<Kernel> make_layer(const KernelSpec& spec);
// elementwise.cpp: const, activations, exp/log/..., dropout, add/sub/mul/div, matmul
std::unique_ptr<Kernel> make_elementwise(const KernelSpec& spec);
// shape.cpp: flatten, reshape, concat, split, sum, mean, upsample, avgpool, sinusoidal
std::unique_ptr<Kernel> make_shape(const KernelSpec& spec);
// objective.cpp: the training-objective ops (random draws, losses, gradient control)
std::unique_ptr<Kernel> make_objective(const KernelSpec& spec);
// flow.cpp: mask_select, the invertible steps and their inverses
std::unique_ptr<Kernel> make_flow(const KernelSpec& spec);

/// The internal error of a family factory asked for an op that ops.def does not assign to it.
[[noreturn]] void not_in_family(const char* family, const KernelSpec& spec);

/// An activation, applied on its own or by the layer that absorbed it (attr `act`).
class Activation {
 public:
  /// The one a layer node absorbed: its `act`/`slope` attributes (none without `act`).
  static Activation fused(const KernelSpec& layer);
  /// The activation node itself (relu, leaky_relu with its `slope`, ...).
  static Activation of_node(const KernelSpec& node);

  bool none() const { return op_ == Kind::None; }
  /// Applies it to a fresh result of the layer, in place where autograd allows
  /// (relu, leaky_relu, tanh, sigmoid save their result, not their input).
  at::Tensor apply_to_fresh(at::Tensor t) const;
  /// Applies it without touching `t`.
  at::Tensor apply(const at::Tensor& t) const;

 private:
  enum class Kind { None, Relu, LeakyRelu, Gelu, Silu, Tanh, Sigmoid, Softplus };
  /// Activation op `op`; `slope` is leaky_relu's.
  static Activation of(ir::Op op, double slope);

  Kind op_ = Kind::None;
  double slope_ = 0.0;
};

/// Sums every per-example dimension: [B, ...] -> [B].
at::Tensor sum_per_example(const at::Tensor& t);
/// Means over every per-example dimension: [B, ...] -> [B].
at::Tensor mean_per_example(const at::Tensor& t);
/// Inserts `n` size-1 dimensions after the batch dimension (a per-example rank r
/// operand broadcast against rank r + n, PyTorch-style at the trailing dimensions).
at::Tensor lift_rank(const at::Tensor& t, int n);

}  // namespace genc::runtime::kernels
