// The training progress display: a live line on a terminal, periodic plain lines otherwise.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

namespace genc::runtime {

/// Shows "step 1200/4690  epoch 3  loss 102.3  85.2 steps/s  ETA 0:00:41".
/// On a terminal (`live`) the line is rewritten in place with a carriage return at most
/// every `live_every_s` seconds; otherwise a plain line is printed every `plain_every_s`
/// seconds. Steps per second is a moving average over the intervals between prints.
class Progress {
 public:
  struct Options {
    double live_every_s = 0.1;
    double plain_every_s = 10.0;
    /// Seconds from any fixed origin; defaults to std::chrono::steady_clock.
    std::function<double()> now;
  };

  /// `total` steps, or 0 when unknown (then no percentage and no ETA).
  Progress(int64_t total, std::ostream& out, bool live, Options options);
  Progress(int64_t total, std::ostream& out, bool live);
  /// Writes to std::cout, live when stdout is a terminal.
  static Progress to_stdout(int64_t total);

  /// Reports that `step` steps are done, with the latest known loss (NaN while none is
  /// known yet: the line then shows none); prints if the throttle allows. Cheap otherwise.
  void update(int64_t step, int64_t epoch, double loss);
  /// Prints `text` on its own line (e.g. an eval result) without garbling the live line.
  void message(const std::string& text);
  /// Prints the final state and ends the live line.
  void finish();

 private:
  void print(double t);
  std::string line() const;

  int64_t total_;
  std::ostream& out_;
  bool live_;
  Options options_;
  double start_ = 0, last_print_t_ = 0;
  int64_t last_print_step_ = 0;
  int64_t step_ = 0, epoch_ = 0;
  double loss_ = std::nan(""), rate_ = 0;
  bool shown_ = false;  ///< a live line is on screen
};

}  // namespace genc::runtime
