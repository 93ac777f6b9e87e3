// libFuzzer target for reading checkpoint files: the LibTorch archive, the metadata
// (read_checkpoint_meta) and the run state (read_run_state), and the executor's sub-archive
// down to its keys. Restoring an Executor from it is left out: that needs the whole runtime
// built with clang (see tests/fuzz/README.md). A user error (RuntimeUserError) is a normal
// outcome; LibTorch's own code is not instrumented, so coverage guides only genc's side.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "runtime/checkpoint_read.h"
#include "runtime/errors.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

/// An in-memory file holding the input, named by a /proc/self/fd path.
struct MemoryFile {
  int fd = -1;
  std::string path;

  MemoryFile(const uint8_t* data, size_t size) {
    fd = memfd_create("fuzz_checkpoint", 0);
    if (fd < 0 || write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  ~MemoryFile() { close(fd); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace genc::runtime;
  MemoryFile file(data, size);
  genc::fuzz::run_input([&] {
    try {
      (void)read_checkpoint_meta(file.path);
      torch::serialize::InputArchive archive;
      open_checkpoint(file.path, archive);
      (void)read_run_state(file.path, archive);
      torch::serialize::InputArchive state;
      if (archive.try_read("executor", state)) (void)state.keys();
    } catch (const RuntimeUserError&) {
    }
  });
  return 0;
}
