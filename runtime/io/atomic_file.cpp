// Atomic file writes: mkstemp beside the target, write, fsync, rename, fsync the directory.
#include "runtime/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "runtime/errors.h"

namespace genc::runtime {
namespace {

RuntimeUserError write_error(const std::string& path, int err) {
  return RuntimeUserError("cannot write '" + path + "': " + std::strerror(err));
}

// Removes the temporary file unless release() was called.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : name_(target + ".tmp-XXXXXX") {
    std::vector<char> buf(name_.begin(), name_.end());
    buf.push_back('\0');
    fd_ = mkstemp(buf.data());
    if (fd_ < 0) throw write_error(target, errno);
    name_ = buf.data();
    fchmod(fd_, 0644);
  }
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!name_.empty()) std::remove(name_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }

  // Flushes to disk, closes and renames over `target`; the file is no longer temporary.
  void commit(const std::string& target) {
    if (fsync(fd_) != 0 || close(std::exchange(fd_, -1)) != 0) throw write_error(target, errno);
    if (std::rename(name_.c_str(), target.c_str()) != 0) throw write_error(target, errno);
    name_.clear();
    // Make the rename itself durable.
    std::string dir = std::filesystem::path(target).parent_path().string();
    int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
  }

 private:
  std::string name_;
  int fd_ = -1;
};

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
  TempFile tmp(path);
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = write(tmp.fd(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw write_error(path, errno);
    done += static_cast<size_t>(n);
  }
  tmp.commit(path);
}

void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  TempFile tmp(path);
  {
    std::ofstream out(tmp.name(), std::ios::binary | std::ios::trunc);
    if (!out) throw write_error(path, errno);
    writer(out);
    out.flush();
    if (!out) throw write_error(path, errno ? errno : EIO);
  }
  tmp.commit(path);
}

}  // namespace genc::runtime
