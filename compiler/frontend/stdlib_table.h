// Internal: the table of stdlib modules that stdlib/CMakeLists.txt generates into genc_stdlib.
#pragma once

#include <cstddef>

namespace genc::stdlib_embedded {

struct Module {
  const char* name;  ///< "nn" for stdlib/nn.gen
  const char* text;
  size_t size;
};

/// kModuleCount entries, in the order stdlib/CMakeLists.txt lists them.
extern const Module kModules[];
extern const size_t kModuleCount;

}  // namespace genc::stdlib_embedded
