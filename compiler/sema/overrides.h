// `--set model.param=value` hyperparameter overrides: parsing the key and converting the
// text to the type of the hyperparameter's default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/sema/sema.h"
#include "compiler/sema/value.h"
#include "compiler/support/diagnostics.h"

namespace genc::sema {

struct Override {
  std::string model;
  std::string param;
  std::string value;    ///< the text after '='
  std::string written;  ///< "vae.latent=32", for messages
  bool used = false;    ///< matched a hyperparameter
};

/// Splits the overrides' keys; reports BadOverride for a key without "model.param".
std::vector<Override> parse_overrides(const Options& options, DiagnosticEngine& diags);

/// The override's text as a value of the default's type (an integer stays an integer;
/// a number accepts integers; true/false; "text" or bare text for strings; [..] lists).
/// nullopt after reporting BadOverride.
std::optional<Value> override_value(const Override& o, const Value& current,
                                    DiagnosticEngine& diags);

}  // namespace genc::sema
