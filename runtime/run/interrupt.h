// Ctrl-C during training: the first SIGINT asks the run to stop after the current iteration
// (the Trainer then writes a checkpoint), a second one ends the process at once.
#pragma once

namespace genc::runtime {

/// While one exists, SIGINT is caught: the first sets interrupted(), and puts back the
/// default action, so that a second SIGINT ends the process at once. The destructor
/// restores the handler that was there before.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// Whether a SIGINT arrived since this guard was made.
  static bool interrupted();
};

}  // namespace genc::runtime
