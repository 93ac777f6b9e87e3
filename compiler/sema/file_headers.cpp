// Compile-time peeks into data files: .npy headers (format versions 1-3) and CSV rows.
#include "compiler/sema/file_headers.h"

#include <cstdlib>
#include <fstream>

namespace genc::sema {
namespace {

HeaderError format_error(std::string message) { return HeaderError{false, std::move(message)}; }

// The text following `'key':` in a numpy header dict, or npos.
size_t find_value(const std::string& header, const std::string& key) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) return k;
  size_t colon = header.find(':', k);
  if (colon == std::string::npos) return colon;
  size_t v = colon + 1;
  while (v < header.size() && header[v] == ' ') ++v;
  return v;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    cells.push_back(
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return cells;
}

bool is_number(const std::string& cell) {
  size_t b = cell.find_first_not_of(" \t\r");
  if (b == std::string::npos) return false;
  std::string s = cell.substr(b);
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return false;
  while (*end == ' ' || *end == '\t' || *end == '\r') ++end;
  return *end == '\0';
}

}  // namespace

std::variant<ArrayHeader, HeaderError> read_npy_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return HeaderError{true, ""};
  char magic[8] = {};
  if (!in.read(magic, 8) || std::string(magic, 6) != "\x93NUMPY")
    return format_error("not a .npy file");
  int major = static_cast<unsigned char>(magic[6]);
  unsigned char len_bytes[4] = {};
  size_t len_size = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 ||
      !in.read(reinterpret_cast<char*>(len_bytes), static_cast<std::streamsize>(len_size)))
    return format_error("unsupported .npy version");
  size_t header_len = 0;
  for (size_t k = len_size; k-- > 0;) header_len = header_len * 256 + len_bytes[k];
  if (header_len > (1u << 20)) return format_error("the .npy header is too long");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
    return format_error("truncated .npy header");

  ArrayHeader h;
  size_t descr = find_value(header, "descr");
  if (descr == std::string::npos || descr + 2 >= header.size())
    return format_error("no 'descr' in the .npy header");
  char type_char = header[descr + 2];  // e.g. '<f4': the char after the byte order
  h.is_float = type_char == 'f';
  if (type_char != 'f' && type_char != 'i' && type_char != 'u' && type_char != 'b')
    return format_error("unsupported .npy element type");
  size_t shape = find_value(header, "shape");
  if (shape == std::string::npos || header[shape] != '(')
    return format_error("no 'shape' in the .npy header");
  size_t close = header.find(')', shape);
  if (close == std::string::npos) return format_error("malformed 'shape' in the .npy header");
  std::string dims = header.substr(shape + 1, close - shape - 1);
  size_t start = 0;
  while (start < dims.size()) {
    size_t comma = dims.find(',', start);
    std::string cell =
        dims.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (cell.find_first_not_of(" ") != std::string::npos) {
      char* end = nullptr;
      long long v = std::strtoll(cell.c_str(), &end, 10);
      if (v < 0) return format_error("malformed 'shape' in the .npy header");
      h.shape.push_back(v);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (h.shape.empty())
    return format_error("a .npy dataset needs at least one dimension (the examples)");
  return h;
}

std::variant<int64_t, HeaderError> read_csv_columns(const std::string& path) {
  std::ifstream in(path);
  if (!in) return HeaderError{true, ""};
  std::string line;
  for (int row = 0; row < 2 && std::getline(in, line); ++row) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      --row;
      continue;
    }
    std::vector<std::string> cells = split_csv(line);
    bool numeric = true;
    for (const std::string& c : cells) numeric = numeric && is_number(c);
    if (numeric) return static_cast<int64_t>(cells.size());
    if (row == 1) return format_error("row 2 is not all numbers");
  }
  return format_error("the file has no rows of numbers");
}

}  // namespace genc::sema
