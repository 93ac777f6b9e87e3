// The Op enum and per-op facts, expanded from ops.def.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace genc::ir {

enum class Op : uint16_t {
#define OP(id, spelling, inputs, outputs, flags, shape_fn, kernel) id,
#include "compiler/ir/ops.def"
};

enum OpFlag : uint32_t {
  kNone = 0,
  kPure = 1u << 0,
  kParams = 1u << 1,
  kActivation = 1u << 2,
  kInvertible = 1u << 3,
  kDist = 1u << 4,
  kRandom = 1u << 5,
  kRoot = 1u << 6,
};

struct OpInfo {
  Op op;
  std::string_view spelling;
  int inputs;   ///< -1 = variable
  int outputs;  ///< -1 = from attributes
  uint32_t flags;
};

const OpInfo& op_info(Op op);
inline std::string_view op_name(Op op) { return op_info(op).spelling; }
inline bool has_flag(Op op, OpFlag f) { return (op_info(op).flags & f) != 0; }
/// The op spelled `name` in the IR text ("linear", "leaky_relu"), if any.
std::optional<Op> op_from_name(std::string_view name);
int op_count();

}  // namespace genc::ir
