// Internal to genc_ir: the shape functions named in ops.def's ShapeFn column (declared by
// expanding the table, so an op added there without a shape function fails to link) and
// the helpers they share: the call being inferred, typed attribute reading with
// user-facing errors, and common checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

#define OP(id, spelling, inputs, outputs, flags, shape_fn) \
  ShapeResult shape_fn(const ShapeCall& call);
#include "compiler/ir/ops.def"
#undef OP

/// Reads attributes of a call. The first missing (MissingArgument), mistyped (ArgumentType)
/// or out-of-range (InvalidOptionValue) one becomes the reader's failure; later reads
/// return their fallback, so a shape function reads everything, then checks failed().
class AttrReader {
 public:
  explicit AttrReader(const ShapeCall& call) : call_(call) {}

  bool has(const std::string& key) const { return call_.attrs.count(key) > 0; }

  int64_t integer(const std::string& key);
  int64_t integer_or(const std::string& key, int64_t fallback);
  /// Integers that must be > 0 (or >= 0 for non_negative_or).
  int64_t positive(const std::string& key);
  int64_t positive_or(const std::string& key, int64_t fallback);
  int64_t non_negative_or(const std::string& key, int64_t fallback);
  double number(const std::string& key);  ///< accepts integers
  double number_or(const std::string& key, double fallback);
  bool boolean_or(const std::string& key, bool fallback);
  std::string string(const std::string& key);
  std::string string_or(const std::string& key, const std::string& fallback);
  std::vector<int64_t> integers(const std::string& key);
  std::vector<int64_t> integers_or(const std::string& key, std::vector<int64_t> fallback);
  /// Records InvalidOptionValue for `key` (printed as `value`) unless `ok`.
  void check(bool ok, const std::string& value, const std::string& key,
             const std::string& expected);

  bool failed() const { return error_.has_value(); }
  const ShapeResult& failure() const { return *error_; }

 private:
  /// The attribute, or null when absent (recording MissingArgument if `required`).
  const Attr* find(const std::string& key, bool required);
  void wrong_type(const std::string& key, const Attr& value, const std::string& expected);
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
