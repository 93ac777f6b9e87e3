// Internal to genc_ir: the shape functions named in ops.def's ShapeFn column (declared by
// expanding the table, so an op added there without a shape function fails to link) and
// the helpers they share: the call being inferred, typed attribute reading with
// user-facing errors, and common checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/op_attrs.h"
#include "compiler/ir/shape_fns.h"

namespace genc::ir::shapes {

/// One shape-inference call: operands' types, the node's attributes and, for Input and
/// Const, the given result type.
struct ShapeCall {
  Op op;
  const std::vector<ValueType>& inputs;
  const Attrs& attrs;
  const ValueType* given;

  /// The op as the user wrote it: attribute `symbol` ("+", "@") when present, else its name.
  std::string spelling() const;
  const ValueType& in(int operand) const { return inputs[static_cast<size_t>(operand)]; }
};

#define OP(id, spelling, inputs, outputs, flags, shape_fn, kernel) \
  ShapeResult shape_fn(const ShapeCall& call);
#include "compiler/ir/ops.def"

/// Reads attributes of a call through the op's declarations (op_attrs.h): an absent
/// attribute reads as its declared default. The first missing required (MissingArgument),
/// mistyped (ArgumentType) or out-of-range (InvalidOptionValue) one becomes the reader's
/// failure; later reads return a zero value, so a shape function reads everything, then
/// checks failed(). Reading an undeclared name, or an optional attribute without has(),
/// is an internal error.
class AttrReader {
 public:
  explicit AttrReader(const ShapeCall& call) : call_(call) {}

  /// Whether the call carries `key` (declared defaults do not count).
  bool has(const std::string& key) const { return call_.attrs.count(key) > 0; }

  int64_t integer(const std::string& key);
  /// Integers that must be > 0 (>= 0 for non_negative).
  int64_t positive(const std::string& key);
  int64_t non_negative(const std::string& key);
  double number(const std::string& key);  ///< accepts integers
  bool boolean(const std::string& key);
  std::string string(const std::string& key);
  std::vector<int64_t> integers(const std::string& key);  ///< Ints and Dims
  /// Records InvalidOptionValue for `key` (printed as `value`) unless `ok`.
  void check(bool ok, const std::string& value, const std::string& key,
             const std::string& expected);

  bool failed() const { return error_.has_value(); }
  const ShapeResult& failure() const { return *error_; }

 private:
  /// The attribute or its default; null after recording MissingArgument (required and
  /// absent) or ArgumentType (not of the declared type). `type` is how the caller reads it.
  const Attr* find(const std::string& key, AttrType type);
  void fail(ShapeResult r);

  const ShapeCall& call_;
  std::optional<ShapeResult> error_;
};

/// DTypeMismatch unless operand `operand` is an f32 tensor.
std::optional<ShapeResult> require_f32(const ShapeCall& call, int operand);
/// ShapeError "'<op>' expects <form>, got <shape>" blaming operand `operand`.
ShapeResult form_error(const ShapeCall& call, int operand, const std::string& form);
/// ShapeError with a free-form message.
ShapeResult shape_error(std::string message, int culprit = -1);
/// `dim` counted from the end when negative; nullopt when outside [-rank, rank).
std::optional<int> normalize_dim(int64_t dim, int rank);
/// BadDimension for `dim` on a tensor of rank `rank`.
ShapeResult bad_dimension(int64_t dim, int rank, int culprit = 0);
/// An f32 tensor type.
inline ValueType f32(std::vector<int64_t> dims) { return ValueType::tensor(std::move(dims)); }

}  // namespace genc::ir::shapes
