// Reading just enough of a data file at compile time to know one example's shape:
// the header of a .npy array and the first rows of a .csv table.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace genc::sema {

struct ArrayHeader {
  std::vector<int64_t> shape;  ///< the whole array's shape; shape[0] counts examples
  bool is_float = true;        ///< 'descr' is a float type (else integer or bool)
};

/// Why a file could not be read: `missing` for an unreadable file, else a format problem.
struct HeaderError {
  bool missing = false;
  std::string message;
};

std::variant<ArrayHeader, HeaderError> read_npy_header(const std::string& path);

/// The number of columns of a CSV file (comma separated; a first row that is not all
/// numbers is a header).
std::variant<int64_t, HeaderError> read_csv_columns(const std::string& path);

}  // namespace genc::sema
