// Value types and attributes of the graph IR. Shapes are per example: the batch
// dimension is implicit and never stored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace genc::ir {

enum class DType { F32, I64 };

/// What a value is: a tensor, or a distribution returned by a role.
enum class ValueKind { Tensor, Gaussian, Bernoulli, Categorical };

/// Text forms (printer and parser agree):
///   f32[1,28,28]   f32[]   i64[784] of 2 (tokens)   i64[] of 10 (label)   i64[] (time)
///   gaussian[20]   bernoulli[1,28,28]   categorical[784] of 2
struct ValueType {
  ValueKind kind = ValueKind::Tensor;
  DType dtype = DType::F32;
  std::vector<int64_t> dims;  ///< per-example shape; for distributions the event shape
  int64_t classes = 0;        ///< i64 tensors: vocabulary / class count (0 = unbounded);
                              ///< categorical: number of classes (logits are dims + [classes])

  static ValueType tensor(std::vector<int64_t> dims, DType dtype = DType::F32) {
    ValueType t;
    t.dims = std::move(dims);
    t.dtype = dtype;
    return t;
  }
  int64_t numel() const;
  int rank() const { return static_cast<int>(dims.size()); }
  bool operator==(const ValueType& o) const {
    return kind == o.kind && dtype == o.dtype && dims == o.dims && classes == o.classes;
  }
  bool operator!=(const ValueType& o) const { return !(*this == o); }
  /// The text form above.
  std::string str() const;
};

/// "[1,28,28]" — the user-facing form used in diagnostics.
std::string shape_str(const std::vector<int64_t>& dims);

/// An attribute value. Printed as: true/false, 12, 1.5 (always with '.' or 'e'),
/// "text", [1,2], [0.5,1.0], ["a","b"].
using Attr = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>,
                          std::vector<double>, std::vector<std::string>>;
/// Sorted by key, so printing is deterministic.
using Attrs = std::map<std::string, Attr>;

std::string attr_str(const Attr& a);

/// Typed getters; they internal_error on a missing key or wrong type (a compiler bug).
int64_t attr_int(const Attrs& attrs, const std::string& key);
double attr_float(const Attrs& attrs, const std::string& key);  ///< accepts int too
bool attr_bool(const Attrs& attrs, const std::string& key);
const std::string& attr_string(const Attrs& attrs, const std::string& key);
const std::vector<int64_t>& attr_ints(const Attrs& attrs, const std::string& key);
/// Getters with a default when the key is absent.
int64_t attr_int_or(const Attrs& attrs, const std::string& key, int64_t fallback);
double attr_float_or(const Attrs& attrs, const std::string& key, double fallback);
bool attr_bool_or(const Attrs& attrs, const std::string& key, bool fallback);
std::string attr_string_or(const Attrs& attrs, const std::string& key, const std::string& fallback);

}  // namespace genc::ir
