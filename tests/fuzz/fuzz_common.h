// What the libFuzzer targets share: the input as text, and the one rule for a crash. A user
// error (diagnostics) is a normal outcome; an internal error is a bug, so it aborts, which
// libFuzzer records as a crash (as it does ASan and UBSan reports and uncaught exceptions).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/support/diagnostics.h"

namespace genc::fuzz {

/// The fuzzer's bytes as a string.
inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// Runs `body`; an InternalError aborts with its message.
template <class Body>
void run_input(Body&& body) {
  try {
    body();
  } catch (const InternalError& e) {
    std::fprintf(stderr, "internal error: %s\n", e.message.c_str());
    std::abort();
  }
}

}  // namespace genc::fuzz
