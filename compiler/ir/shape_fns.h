// Shape (type) inference for every op of ops.def: the inputs' types and the node's
// attributes give the result types, or a user-facing error (a DiagKind and its args).
// Sema reports the error at the call site; the verifier re-runs these on any graph.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/op.h"
#include "compiler/ir/types.h"
#include "compiler/support/diagnostics.h"

namespace genc::ir {

struct ShapeResult {
  bool ok = true;
  std::vector<ValueType> outputs;
  DiagKind error = DiagKind::ShapeError;
  std::vector<std::string> error_args;  ///< fill diag_info(error).format in order
  /// Index of the operand the error is about (for a note at its definition), or -1.
  int culprit = -1;

  static ShapeResult success(std::vector<ValueType> outs) {
    ShapeResult r;
    r.outputs = std::move(outs);
    return r;
  }
  static ShapeResult failure(DiagKind kind, std::vector<std::string> args, int culprit = -1) {
    ShapeResult r;
    r.ok = false;
    r.error = kind;
    r.error_args = std::move(args);
    r.culprit = culprit;
    return r;
  }
};

/// Infers the result types of `op` applied to `inputs` with `attrs`.
/// For Input and Const the result type comes from attrs (`type` is passed in `given`).
ShapeResult infer_shape(Op op, const std::vector<ValueType>& inputs, const Attrs& attrs,
                        const ValueType* given = nullptr);

}  // namespace genc::ir
