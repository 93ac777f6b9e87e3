// Reading a Setting's options (objective, optimizer, lr_schedule, ...) with diagnostics
// for wrong types, out-of-range values and unknown names, reported at the setting.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/support/diagnostics.h"

namespace genc::lower {

/// Reads a setting's options: a wrong type (ArgumentType) or an out-of-range value
/// (InvalidOptionValue) is reported and the fallback returned; done() reports every
/// option that was never read (UnknownArgument). `kind` and `value` are never unknown
/// (they name the setting's form, e.g. `optimizer adam`, or hold its single value).
class OptionReader {
 public:
  OptionReader(const ir::Setting& setting, DiagnosticEngine& diags) : setting_(setting), diags_(diags) {}

  double number(const std::string& key, double fallback, bool positive = false);
  double non_negative(const std::string& key, double fallback);
  int64_t positive_int(const std::string& key, int64_t fallback);
  int64_t non_negative_int(const std::string& key, int64_t fallback);
  std::string string(const std::string& key, const std::string& fallback);
  bool boolean(const std::string& key, bool fallback);
  /// A list of numbers of exactly `count` entries.
  std::vector<double> numbers(const std::string& key, std::vector<double> fallback, size_t count);
  /// Whether `key` was given (and marks it read).
  bool has(const std::string& key);
  std::string choice(const std::string& key, const std::string& fallback,
                     std::initializer_list<const char*> allowed);
  /// True when every option was valid and known.
  bool done();

 private:
  const ir::Attr* get(const std::string& key);
  void invalid(const std::string& value, const std::string& key, const std::string& expected);
  void wrong_type(const std::string& key, const ir::Attr& value, const std::string& expected);

  const ir::Setting& setting_;
  DiagnosticEngine& diags_;
  std::set<std::string> read_;
  bool ok_ = true;
};

}  // namespace genc::lower
