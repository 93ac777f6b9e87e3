// Parameter names: every node that owns parameters gets a readable, deterministic path
// that checkpoints use (`q.h.linear0` -> `q.h.linear0.weight`).
//
// The scheme, per role graph:
//   1. At role level a node's path is <role>.<binding>.<op><i>: <binding> is the name the
//      statement binds (`return` for a return statement), <i> counts the earlier nodes of
//      the same op under the same prefix (so `h = ...` written twice gives linear0, linear1).
//   2. A block call (or a coupling, or a user invertible step) adds one segment
//      <block><j>, counted the same way, and everything it emits nests under it; bindings
//      inside blocks add no segment: `G.h.conv_block0.conv1`, `f.x.affine_coupling2.mlp0.linear1`.
// Paths are unique within a model because role names are.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace genc::sema {

class ParamNamer {
 public:
  explicit ParamNamer(std::string root) : root_(std::move(root)) {}

  /// The statement being evaluated binds `name` (ignored inside a block call).
  void set_binding(const std::string& name);
  /// A fresh path for a node of op `op` under the current prefix.
  std::string next(std::string_view op);
  /// Enters a block call: pushes the segment `<name><j>`.
  void enter(std::string_view name);
  void leave();
  bool in_block() const { return !blocks_.empty(); }

  /// The counters so far. A user invertible's `inverse` body is named from the mark taken
  /// before its `forward` body (rewind), so the k-th parameterised op of each kind in the
  /// inverse gets the forward's k-th path, and with it the forward's parameters.
  using Mark = std::map<std::string, int>;
  Mark mark() const { return counts_; }
  void rewind(Mark mark) { counts_ = std::move(mark); }

 private:
  std::string prefix() const;
  std::string counted(std::string_view name);

  std::string root_;
  std::string binding_;
  std::vector<std::string> blocks_;
  std::map<std::string, int> counts_;  ///< "<prefix>/<name>" -> uses so far
};

}  // namespace genc::sema
