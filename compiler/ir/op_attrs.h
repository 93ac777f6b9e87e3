// The attribute declarations of ops.def (its ATTR lines): lookup, type checks, and reading
// a node's attributes with the declared defaults.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/op.h"
#include "compiler/ir/types.h"

namespace genc::ir {

enum class AttrType { Bool, Int, Float, String, Ints, Dims };
/// Required: every node has it. Optional: may be absent, with a meaning of its own (no
/// fused activation, every dimension). Default: an absent one reads as `default_value`.
enum class AttrUse { Required, Optional, Default };

struct AttrDecl {
  std::string_view name;
  AttrType type;
  AttrUse use;
  Attr default_value;  ///< AttrUse::Default only
};

/// The attributes `op` declares, in table order.
const std::vector<AttrDecl>& attr_decls(Op op);
/// The declaration of `name` for `op`, or null when `op` has no such attribute.
const AttrDecl* find_attr_decl(Op op, std::string_view name);

/// Whether `value` is of `type`: Float accepts an integer; Ints and Dims accept an empty
/// list of any element type (IR text cannot say which); Dims also a single integer.
bool attr_fits(const Attr& value, AttrType type);
/// "an integer", "a list of integers", ...: what an attribute of `type` must be.
std::string attr_type_text(AttrType type);

/// A node's attributes read through its op's declarations. An absent attribute reads as
/// its declared default. Reading a name the op does not declare, an absent attribute that
/// has no default, or a value of another type than declared is an internal error: the
/// verifier reports those in a graph, so a verified node is always readable.
class OpAttrs {
 public:
  OpAttrs(Op op, const Attrs& attrs) : op_(op), attrs_(attrs) {}

  /// Whether the node carries `key` (declared defaults do not count).
  bool has(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;  ///< Float: an integer reads as a double
  bool boolean(const std::string& key) const;
  const std::string& string(const std::string& key) const;
  std::vector<int64_t> integers(const std::string& key) const;  ///< Ints and Dims

 private:
  const Attr& get(const std::string& key, AttrType type) const;

  Op op_;
  const Attrs& attrs_;
};

/// An Ints or Dims value (one that attr_fits) as a list: `0` reads as `[0]`.
std::vector<int64_t> attr_as_ints(const Attr& value);

}  // namespace genc::ir
