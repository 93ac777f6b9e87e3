// SourceFile line tables, SourceRange formatting and the SourceManager that owns every file.
#include "compiler/support/source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace genc {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

std::string_view SourceFile::line_text(int line) const {
  if (line < 1 || line > line_count()) return {};
  size_t begin = line_starts_[line - 1];
  size_t end = line < line_count() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

SourceLoc SourceFile::location(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  int line = static_cast<int>(it - line_starts_.begin());
  return SourceLoc{line, static_cast<int>(offset - line_starts_[line - 1]) + 1};
}

std::string SourceRange::str() const {
  if (valid())
    return file->path() + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.col);
  if (file != nullptr) return file->path();
  return "<unknown>";
}

const SourceFile* SourceManager::load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return nullptr;
  return add(path, text.str());
}

const SourceFile* SourceManager::add(std::string path, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text)));
  return files_.back().get();
}

const SourceFile* SourceManager::placeholder(const std::string& path) {
  for (const auto& f : files_) {
    if (f->path() == path) return f.get();
  }
  return add(path, "");
}

}  // namespace genc
