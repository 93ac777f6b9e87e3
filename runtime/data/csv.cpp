// CSV parsing: one row per line, fields split on ',', each parsed with strtof. A first row
// that is not all numbers is a header; any other bad field, a ragged row or a value that is
// not finite is an error naming the line and column.
#include "runtime/data/csv.h"

#include <ATen/ops/empty.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "runtime/data/read_file.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Parses one whole field; false if it is not a number.
bool parse_number(std::string_view field, float& out) {
  std::string text(trim(field));
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtof(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

at::Tensor read_csv(const std::string& path) {
  const std::string text = read_data_file(path);
  std::vector<float> values;
  int64_t columns = 0, rows = 0;
  size_t line_no = 0, columns_line = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line = trim(std::string_view(text).substr(pos, eol - pos));
    pos = eol + 1;
    ++line_no;
    if (line.empty()) continue;

    std::vector<float> row;
    std::vector<std::string_view> fields;
    size_t not_numeric = 0;  // the first field that is not a number, 1-based (0: none)
    for (size_t b = 0;;) {
      size_t comma = line.find(',', b);
      std::string_view field =
          line.substr(b, comma == std::string_view::npos ? std::string_view::npos : comma - b);
      float v = 0;
      if (!parse_number(field, v) && not_numeric == 0) not_numeric = fields.size() + 1;
      row.push_back(v);
      fields.push_back(trim(field));
      if (comma == std::string_view::npos) break;
      b = comma + 1;
    }
    if (not_numeric != 0) {
      if (rows == 0 && columns == 0) {  // the header row
        columns = static_cast<int64_t>(row.size());
        columns_line = line_no;
        continue;
      }
      throw file_error(path, fmt::format("line {}, column {}: '{}' is not a number", line_no,
                                         not_numeric, fields[not_numeric - 1]));
    }
    if (columns == 0) {
      columns = static_cast<int64_t>(row.size());
      columns_line = line_no;
    }
    if (static_cast<int64_t>(row.size()) != columns)
      throw file_error(path, fmt::format("line {} has {} columns, expected {} (as on line {})",
                                         line_no, row.size(), columns, columns_line));
    for (size_t c = 0; c < row.size(); ++c)
      if (!std::isfinite(row[c]))
        throw file_error(path, fmt::format("line {}, column {}: '{}' is not a finite number",
                                           line_no, c + 1, fields[c]));
    values.insert(values.end(), row.begin(), row.end());
    ++rows;
  }
  if (rows == 0) throw file_error(path, "no data rows");

  at::Tensor x = at::empty({rows, columns}, at::kFloat);
  std::copy(values.begin(), values.end(), x.data_ptr<float>());
  return x;
}

}  // namespace genc::runtime
