// A model's summary (`genc compile --emit summary`, and the memory check of `genc run`):
// its parameters per role and op with counts and bytes, and for one training iteration at
// the train block's batch size the estimated activation memory, gradients, optimizer state
// and FLOPs. No LibTorch: everything comes from the IR's shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/param_shapes.h"
#include "compiler/ir/train_config.h"
#include "compiler/lower/training_program.h"

namespace genc::lower {

/// Bytes of one element: everything the summary counts is fp32.
constexpr int64_t kFloatBytes = 4;

/// One parameter node of a role: `q.h.linear0` (linear) with its weight and bias.
struct ParamEntry {
  std::string role;  ///< "q"
  std::string node;  ///< "q.h.linear0"
  std::string op;    ///< "linear"
  std::vector<ir::ParamTensor> tensors;
  SourceRange loc;

  int64_t trainable() const;  ///< elements of trainable tensors
  int64_t buffers() const;    ///< elements of buffers
};

/// Bytes and FLOPs of one training iteration, as estimated from the plan. fp32 throughout
/// (autocast keeps fp32 parameters, gradients and optimizer state).
struct Summary {
  std::string model;
  int64_t batch = 0;
  std::string optimizer;  ///< adam, adamw, sgd, rmsprop
  std::vector<ParamEntry> params;  ///< role order, then node order
  int64_t trainable = 0, buffers = 0;  ///< elements
  int64_t param_bytes = 0;      ///< trainable tensors and buffers
  int64_t gradient_bytes = 0;   ///< one per trainable element
  int64_t optimizer_bytes = 0;  ///< adam(w): two moments; sgd with momentum, rmsprop: one (two with momentum)
  int64_t ema_bytes = 0;        ///< a shadow copy of the trainable elements when `ema` is on
  /// The largest over the iteration's steps of every intermediate value of the step's graph
  /// at the batch size (what the backward pass may keep).
  int64_t activation_bytes = 0;
  /// Forward and backward of every step of one iteration (backward counted as twice the
  /// forward), multiply-adds as two.
  double flops = 0;

  int64_t total_bytes() const { return param_bytes + gradient_bytes + optimizer_bytes + ema_bytes + activation_bytes; }
  /// The `n` parameter tensors with the most elements, largest first (node, tensor).
  std::vector<std::pair<const ParamEntry*, const ir::ParamTensor*>> largest(size_t n) const;
};

/// The summary of `model` lowered to `plan`, trained with `config`.
Summary summarize(const ir::Model& model, const TrainingProgram& plan, const ir::TrainConfig& config);

/// The summary as a table (Keras' model.summary() with memory), ending in a newline.
std::string print_summary(const Summary& summary);

/// "1.23 GiB", "512.0 KiB", "17 B".
std::string format_bytes(double bytes);

}  // namespace genc::lower
