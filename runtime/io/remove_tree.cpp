// remove_tree (see remove_tree.h).
#include "runtime/io/remove_tree.h"

#include <ftw.h>

#include <cstdio>

namespace genc::runtime {

void remove_tree(const std::string& dir) {
  auto remove_entry = [](const char* path, const struct stat*, int, struct FTW*) {
    std::remove(path);  // a file, or (FTW_DEPTH: after its contents) a directory
    return 0;
  };
  nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace genc::runtime
