// The table of builtin ops (builtins.def): name, IR op and signature.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/op.h"
#include "compiler/sema/signature.h"

namespace genc::sema {

struct Builtin {
  std::string name;
  std::optional<ir::Op> op;  ///< empty for BUILTIN_FN entries (len, size, spectral_norm)
  Signature sig;
};

/// The builtin called `name`, or null.
const Builtin* find_builtin(std::string_view name);
/// Every builtin name, in table order.
const std::vector<std::string>& builtin_names();

}  // namespace genc::sema
