// Removing a directory tree, through libc's nftw rather than std::filesystem::remove_all:
// with PyTorch 2.11's libraries loaded (the GPU machine, g++ 13), the call bound to the copy
// that libtorch.so exports, which called a null function (SIGSEGV in the Trainer tests, in
// `genc eval --fd` and in the report's graphviz step).
#pragma once

#include <string>

namespace genc::runtime {

/// Removes `dir` and everything under it, ignoring errors (a missing `dir` is no error).
void remove_tree(const std::string& dir);

/// Removes a directory tree when it goes out of scope.
struct TreeRemover {
  std::string dir;
  ~TreeRemover() { remove_tree(dir); }
};

}  // namespace genc::runtime
