// The diagnostics engine: collects errors, warnings and notes with source positions,
// and renders them as `file:line:col: error: message`, the source line and a caret.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "compiler/support/source.h"

namespace genc {

enum class DiagKind {
#define DIAG(id, severity, format) id,
#include "compiler/support/diagnostic_kinds.def"
#undef DIAG
  kCount
};

enum class Severity { Error, Warning, Note };

/// Static facts about a kind: its name ("ShapeMismatch"), severity and format string.
struct DiagKindInfo {
  const char* name;
  Severity severity;
  const char* format;
};
const DiagKindInfo& diag_info(DiagKind kind);

struct DiagNote {
  SourceRange range;  ///< may be invalid: then the note has no location
  std::string message;
};

struct Diagnostic {
  DiagKind kind;
  Severity severity;
  SourceRange range;
  std::string message;  ///< the formatted one-line message
  std::vector<DiagNote> notes;
  std::string hint;  ///< optional "hint: ..." line
};

/// Collects diagnostics; passes report into it rather than throwing.
///
/// Rendering (exact, tests depend on it):
///   path:L:C: error: message
///     <source line, indented by two spaces>
///     <spaces>^~~~          (caret under begin; '~' to the end of the range on that line)
///   note: message (path:L:C)      -- one per note; "note: message" without a location
///   hint: text
class DiagnosticEngine {
 public:
  /// Reports `kind` at `range`; args fill the kind's format string in order.
  /// Returns the stored diagnostic so callers can attach notes and a hint.
  Diagnostic& report(DiagKind kind, SourceRange range, std::vector<std::string> args = {});

  void add_note(Diagnostic& d, SourceRange range, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

  /// Renders every diagnostic in report order.
  void print(std::ostream& os) const;
  std::string render() const;
  static std::string render(const Diagnostic& d);

  /// Stop collecting after this many errors (a cascade helps nobody). 0 = unlimited.
  void set_error_limit(int limit) { error_limit_ = limit; }
  bool limit_reached() const { return error_limit_ > 0 && error_count_ >= error_limit_; }

 private:
  std::vector<Diagnostic> diags_;
  int error_count_ = 0;
  int error_limit_ = 20;
};

/// Thrown only for internal compiler errors (bugs in genc, never user input).
/// The driver maps it to exit code 2.
struct InternalError {
  std::string message;
};

[[noreturn]] void internal_error(const std::string& message);
#define GENC_ASSERT(cond, msg) \
  do {                         \
    if (!(cond)) ::genc::internal_error(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + (msg)); \
  } while (0)

}  // namespace genc
