// The tensors each parameter op owns (weights, biases, buffers) and their shapes, from the
// node and its input types: what --emit summary counts and the memory check adds up before
// anything is allocated. The runtime's ParamStore creates exactly these (a unit test holds
// the two together over every example).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace genc::ir {

/// One tensor of a parameter node: "weight" [400,784], or a buffer ("running_mean").
struct ParamTensor {
  std::string name;
  std::vector<int64_t> dims;
  bool trainable = true;  ///< false for buffers, which get no gradient and no optimizer state

  int64_t numel() const;
};

/// The tensors of parameter node `node` (an op with kParams) whose operands have types
/// `inputs`, in the order the runtime registers them; nullopt for an op not listed here.
std::optional<std::vector<ParamTensor>> param_tensors(const Node& node, const std::vector<ValueType>& inputs);

/// The rows of embed node `node` reading `input` (tokens or a label of K): K, and one more,
/// index K, with null_class (the learned null label of classifier-free guidance).
int64_t embed_rows(const Node& node, const ValueType& input);

/// The operand types of `id` in `graph`.
std::vector<ValueType> input_types(const Graph& graph, NodeId id);

}  // namespace genc::ir
