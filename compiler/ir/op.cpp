// The per-op fact table, expanded from ops.def, and lookup by spelling.
#include "compiler/ir/op.h"

#include <string>
#include <unordered_map>

#include "compiler/support/diagnostics.h"

namespace genc::ir {
namespace {

const OpInfo kOps[] = {
#define OP(id, spelling, inputs, outputs, flags, shape_fn, kernel) \
  {Op::id, spelling, inputs, outputs, flags},
#include "compiler/ir/ops.def"
};

constexpr int kOpCount = static_cast<int>(sizeof(kOps) / sizeof(kOps[0]));

}  // namespace

const OpInfo& op_info(Op op) {
  int index = static_cast<int>(op);
  GENC_ASSERT(index >= 0 && index < kOpCount, "op out of range: " + std::to_string(index));
  return kOps[index];
}

std::optional<Op> op_from_name(std::string_view name) {
  static const std::unordered_map<std::string_view, Op> by_name = [] {
    std::unordered_map<std::string_view, Op> m;
    for (const OpInfo& info : kOps) m.emplace(info.spelling, info.op);
    return m;
  }();
  auto it = by_name.find(name);
  if (it == by_name.end()) return std::nullopt;
  return it->second;
}

int op_count() { return kOpCount; }

}  // namespace genc::ir
