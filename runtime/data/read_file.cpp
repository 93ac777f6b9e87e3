// Reading a whole data file through zlib, which passes plain files through unchanged.
#include "runtime/data/read_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "runtime/errors.h"

namespace genc::runtime {

std::string read_data_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw file_error(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw file_error(path, "is a directory");

  errno = 0;
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw file_error(path, errno ? std::strerror(errno) : "cannot open");
  gzbuffer(file.get(), 1 << 18);

  std::string out;
  char chunk[1 << 16];
  for (;;) {
    int n = gzread(file.get(), chunk, sizeof chunk);
    if (n < 0) {
      int code = 0;
      const char* msg = gzerror(file.get(), &code);
      throw file_error(path, std::string("corrupt compressed data (") + msg + ")");
    }
    if (n == 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  // A gzip stream cut short reads as a clean end of file followed by an error state.
  int code = 0;
  const char* msg = gzerror(file.get(), &code);
  if (code != Z_OK) throw file_error(path, std::string("truncated or corrupt compressed data (") + msg + ")");
  return out;
}

}  // namespace genc::runtime
