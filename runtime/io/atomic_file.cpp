// Atomic file writes: mkstemp beside the target, write, fsync, rename, fsync the directory.
#include "runtime/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <streambuf>
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

/// Writes all of `bytes` to `fd`; 0 on success, else the errno of the failure.
int write_all(int fd, const char* bytes, size_t size) {
  for (size_t done = 0; done < size;) {
    ssize_t n = write(fd, bytes + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<size_t>(n);
  }
  return 0;
}

/// A stream buffer onto a file descriptor that never fails in the writer's eyes: after a
/// failed write (a full disk) it drops the rest and keeps the errno for error(). LibTorch's
/// archive writer must not see a failing stream: it then throws from a destructor, which
/// terminates the process.
class FdStreamBuf : public std::streambuf {
 public:
  explicit FdStreamBuf(int fd) : fd_(fd), buffer_(1 << 16) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  /// 0, or the errno of the first failed write.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    flush_buffer();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) sputc(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }
  int sync() override {
    flush_buffer();
    return 0;
  }

 private:
  void flush_buffer() {
    if (error_ == 0) error_ = write_all(fd_, pbase(), static_cast<size_t>(pptr() - pbase()));
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
};

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
  TempFile tmp(path);
  if (int err = write_all(tmp.fd(), bytes.data(), bytes.size())) throw write_error(path, err);
  tmp.commit(path);
}

void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  TempFile tmp(path);
  FdStreamBuf buffer(tmp.fd());
  std::ostream out(&buffer);
  writer(out);
  out.flush();
  if (buffer.error()) throw write_error(path, buffer.error());
  tmp.commit(path);
}

}  // namespace genc::runtime
