// Source files, positions and ranges: every AST and IR node carries a SourceRange.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace genc {

struct SourceLoc {
  int line = 0;  ///< 1-based; 0 means unknown
  int col = 0;   ///< 1-based byte column
};

/// One loaded source text. Lines and columns are 1-based; columns count bytes.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  /// The text of line `line` without its newline; empty if out of range.
  std::string_view line_text(int line) const;
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  /// The line and column of byte `offset` (clamped to the end of the text).
  SourceLoc location(size_t offset) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

/// A half-open span [begin, end) inside one file. `file` may be null (unknown).
struct SourceRange {
  const SourceFile* file = nullptr;
  SourceLoc begin;
  SourceLoc end;

  bool valid() const { return file != nullptr && begin.line > 0; }
  /// "path:line:col", or "<unknown>".
  std::string str() const;
};

/// Owns every SourceFile of a compilation; pointers stay valid for its lifetime.
class SourceManager {
 public:
  /// Reads `path` from disk; nullopt if it cannot be read.
  const SourceFile* load(const std::string& path);
  /// Registers an in-memory text (stdlib modules, tests, IR locations).
  const SourceFile* add(std::string path, std::string text);
  /// A file known only by name (locations parsed back from IR text).
  const SourceFile* placeholder(const std::string& path);

 private:
  std::deque<std::unique_ptr<SourceFile>> files_;
};

}  // namespace genc
