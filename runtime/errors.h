// The runtime's user-facing error: a problem with the user's files, data or run
// (missing data file, corrupt checkpoint, NaN loss, unwritable directory).
#pragma once

#include <stdexcept>
#include <string>

namespace genc::runtime {

/// A problem the user can fix, thrown by the runtime. The CLI prints its message as one
/// line and exits with status 1. Bugs in genc use internal_error instead.
struct RuntimeUserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A user error that every rank of a data-parallel run meets alike and that rank 0 reports
/// for them all: the other ranks exit with status 1 without printing it.
struct ReportedByRankZero : RuntimeUserError {
  using RuntimeUserError::RuntimeUserError;
};

/// The one format for problems with a file: "cannot read 'PATH': PROBLEM".
inline RuntimeUserError file_error(const std::string& path, const std::string& problem) {
  return RuntimeUserError("cannot read '" + path + "': " + problem);
}

}  // namespace genc::runtime
