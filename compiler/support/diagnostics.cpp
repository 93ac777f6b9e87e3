// DiagnosticEngine: stores diagnostics, formats their messages and renders them with a caret.
#include "compiler/support/diagnostics.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <sstream>

namespace genc {
namespace {

constexpr DiagKindInfo kKindInfos[] = {
#define DIAG(id, severity, format) {#id, Severity::severity, format},
#include "compiler/support/diagnostic_kinds.def"
#undef DIAG
};
static_assert(sizeof(kKindInfos) / sizeof(kKindInfos[0]) == static_cast<size_t>(DiagKind::kCount));

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

std::string format_message(const DiagKindInfo& info, const std::vector<std::string>& args) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& a : args) store.push_back(a);
  try {
    return fmt::vformat(info.format, store);
  } catch (const fmt::format_error& e) {
    internal_error(std::string("diagnostic ") + info.name + " given " +
                   std::to_string(args.size()) + " arguments: " + e.what());
  }
}

/// Byte length of the character at the start of `s`: a well-formed UTF-8 sequence, else 1.
size_t char_length(std::string_view s) {
  auto c = static_cast<unsigned char>(s[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (n > s.size()) return 1;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

/// Characters (not bytes) in `s`; each malformed byte counts as one.
size_t char_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += char_length(s.substr(i))) ++n;
  return n;
}

/// `s` with control characters and malformed UTF-8 bytes shown as '?', one per byte.
std::string printable(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = char_length(s.substr(i));
    auto c = static_cast<unsigned char>(s[i]);
    bool bad = (n == 1 && c >= 0x80) || (c < 0x20 && c != '\t') || c == 0x7F;
    out += bad ? std::string("?") : std::string(s.substr(i, n));
    i += n;
  }
  return out;
}

/// Longest part of a source line shown; longer lines show a window around the caret.
constexpr size_t kMaxShownLine = 200;

/// Moves `at` back to the first byte of the character containing it.
size_t char_start(std::string_view line, size_t at) {
  while (at > 0 && at < line.size() && (static_cast<unsigned char>(line[at]) & 0xC0) == 0x80) --at;
  return at;
}

/// "  <line>\n  <spaces>^~~~\n" for a range whose start line is known, else "".
std::string source_excerpt(const SourceRange& r) {
  if (!r.valid() || r.file->text().empty() || r.begin.line > r.file->line_count()) return "";
  std::string_view line = r.file->line_text(r.begin.line);
  size_t caret = std::min(static_cast<size_t>(std::max(r.begin.col, 1) - 1), line.size());
  size_t end = line.size();
  if (r.end.line == r.begin.line)
    end = std::min(static_cast<size_t>(std::max(r.end.col, 1) - 1), line.size());
  size_t from = 0, to = line.size();
  if (line.size() > kMaxShownLine) {
    from = char_start(line, caret > kMaxShownLine / 2 ? caret - kMaxShownLine / 2 : 0);
    to = char_start(line, std::min(line.size(), from + kMaxShownLine));
  }
  std::string out = "  ";
  std::string pad = "  ";
  if (from > 0) {
    out += "...";
    pad += "   ";
  }
  out += printable(line.substr(from, to - from));
  if (to < line.size()) out += "...";
  for (size_t i = from; i < caret;) {
    pad += line[i] == '\t' ? '\t' : ' ';
    i += char_length(line.substr(i));
  }
  size_t underlined = end > caret ? char_count(line.substr(caret, std::min(end, to) - caret)) : 0;
  return out + "\n" + pad + "^" + std::string(underlined > 1 ? underlined - 1 : 0, '~') + "\n";
}

}  // namespace

const DiagKindInfo& diag_info(DiagKind kind) {
  auto index = static_cast<size_t>(kind);
  GENC_ASSERT(index < static_cast<size_t>(DiagKind::kCount), "bad DiagKind");
  return kKindInfos[index];
}

Diagnostic& DiagnosticEngine::report(DiagKind kind, SourceRange range,
                                     std::vector<std::string> args) {
  const DiagKindInfo& info = diag_info(kind);
  Diagnostic d{kind, info.severity, range, format_message(info, args), {}, {}};
  if (limit_reached()) {
    // Past the error limit: the caller still gets a diagnostic to decorate, but it is dropped.
    static thread_local Diagnostic dropped{};
    dropped = std::move(d);
    return dropped;
  }
  if (d.severity == Severity::Error) ++error_count_;
  diags_.push_back(std::move(d));
  return diags_.back();
}

void DiagnosticEngine::add_note(Diagnostic& d, SourceRange range, std::string message) {
  d.notes.push_back(DiagNote{range, std::move(message)});
}

std::string DiagnosticEngine::render(const Diagnostic& d) {
  std::string out;
  if (d.range.file != nullptr) out += d.range.str() + ": ";
  out += severity_name(d.severity);
  out += ": " + d.message + "\n";
  out += source_excerpt(d.range);
  for (const auto& n : d.notes) {
    out += "note: " + n.message;
    if (n.range.file != nullptr) out += " (" + n.range.str() + ")";
    out += "\n";
  }
  if (!d.hint.empty()) out += "hint: " + d.hint + "\n";
  return out;
}

std::string DiagnosticEngine::render() const {
  std::string out;
  for (const auto& d : diags_) out += render(d);
  return out;
}

void DiagnosticEngine::print(std::ostream& os) const { os << render(); }

void internal_error(const std::string& message) { throw InternalError{message}; }

}  // namespace genc
