// Values that sema computes while it evaluates a body: compile-time values (numbers,
// strings, lists, ops passed as `fn`) and tensors (a result of a graph node and its type).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ir/types.h"
#include "compiler/support/source.h"

namespace genc::sema {

enum class VKind {
  Error,  ///< the result of an expression that already reported an error (poison)
  None,   ///< `none`
  Int,
  Float,
  Bool,
  String,
  List,    ///< `[a, b]`: compile-time values (or tensors, for `concat`)
  Tuple,   ///< several tensors from one node (`split`); indexable
  Fn,      ///< an op or block used as a value (`act: fn = relu`)
  Tensor,  ///< a node result inside the graph being built
};

struct Value {
  VKind kind = VKind::None;
  int64_t i = 0;
  double f = 0.0;
  bool b = false;
  std::string s;             ///< String text; Fn: the op or block name
  std::vector<Value> items;  ///< List and Tuple elements
  ir::ValueRef ref;          ///< Tensor
  ir::ValueType type;        ///< Tensor

  /// Where the value was last read from a name: used for "'mu' has shape [20]" notes.
  std::string origin;
  SourceRange origin_range;

  static Value error() { return make(VKind::Error); }
  static Value none() { return make(VKind::None); }
  static Value integer(int64_t v);
  static Value number(double v);
  static Value boolean(bool v);
  static Value string(std::string v);
  static Value list(std::vector<Value> items);
  static Value tuple(std::vector<Value> items);
  static Value fn(std::string name);
  static Value tensor(ir::ValueRef ref, ir::ValueType type);

  bool is(VKind k) const { return kind == k; }
  bool is_error() const { return kind == VKind::Error; }
  bool is_tensor() const { return kind == VKind::Tensor; }
  bool is_number() const { return kind == VKind::Int || kind == VKind::Float; }
  /// Int or Float as a double.
  double as_double() const { return kind == VKind::Int ? static_cast<double>(i) : f; }
  /// True when the value (and every list element) is known at compile time.
  bool compile_time() const;
  /// True when the value or any element is an Error.
  bool has_error() const;

 private:
  static Value make(VKind k) {
    Value v;
    v.kind = k;
    return v;
  }
};

/// "an integer", "a number", "a string", "a list", "fn 'relu'", "a tensor [20]": for
/// "must be X, got Y" messages.
std::string kind_text(const Value& v);
/// The value as it would be written in source: 3, 0.5, "even", [1, 2], relu.
std::string value_text(const Value& v);
/// The user-facing form of a type: [1,28,28], tokens[784] of 2, label of 10, time,
/// gaussian[20], categorical[784] of 2.
std::string type_text(const ir::ValueType& t);
/// Structural equality of compile-time values (Int 2 equals Float 2.0).
bool values_equal(const Value& a, const Value& b);
/// The attribute form of a compile-time value; nullopt for values with none (fn, none,
/// nested or mixed lists, tensors).
std::optional<ir::Attr> to_attr(const Value& v);
/// The compile-time value of an attribute (hyperparameters are stored as attributes).
Value from_attr(const ir::Attr& a);
/// The source text a range covers when it lies on one line, else "".
std::string source_text(const SourceRange& range);

}  // namespace genc::sema
