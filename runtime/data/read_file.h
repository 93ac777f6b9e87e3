// Reading a whole data file into memory, gzip-compressed or plain.
#pragma once

#include <string>

namespace genc::runtime {

/// The contents of `path`, decompressed if it is gzip data (plain files are read as they
/// are). Throws RuntimeUserError naming the path if it is missing, unreadable or corrupt.
std::string read_data_file(const std::string& path);

}  // namespace genc::runtime
