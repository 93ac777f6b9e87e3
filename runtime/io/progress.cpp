// Progress: throttled formatting of the training state.
#include "runtime/io/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>

namespace genc::runtime {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string clock_str(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

}  // namespace

Progress::Progress(int64_t total, std::ostream& out, bool live, Options options)
    : total_(total), out_(out), live_(live), options_(std::move(options)) {
  if (!options_.now) options_.now = steady_seconds;
  start_ = last_print_t_ = options_.now();
}

Progress::Progress(int64_t total, std::ostream& out, bool live) : Progress(total, out, live, Options{}) {}

Progress Progress::to_stdout(int64_t total) { return Progress(total, std::cout, isatty(STDOUT_FILENO) != 0); }

void Progress::update(int64_t step, int64_t epoch, double loss) {
  step_ = step;
  epoch_ = epoch;
  loss_ = loss;
  const double t = options_.now();
  if (t - last_print_t_ >= (live_ ? options_.live_every_s : options_.plain_every_s)) print(t);
}

void Progress::print(double t) {
  const double dt = t - last_print_t_;
  if (dt > 0 && step_ > last_print_step_) {
    const double window = static_cast<double>(step_ - last_print_step_) / dt;
    rate_ = rate_ == 0 ? window : 0.7 * rate_ + 0.3 * window;
  }
  last_print_t_ = t;
  last_print_step_ = step_;
  if (live_) {
    out_ << '\r' << line() << "\x1b[K" << std::flush;
    shown_ = true;
  } else {
    out_ << line() << '\n' << std::flush;
  }
}

std::string Progress::line() const {
  std::string s = total_ > 0 ? fmt::format("step {}/{} ({:.1f}%)", step_, total_, 100.0 * step_ / total_)
                             : fmt::format("step {}", step_);
  s += fmt::format("  epoch {}", epoch_);
  if (!std::isnan(loss_)) s += fmt::format("  loss {:.4g}", loss_);
  if (rate_ > 0) {
    s += fmt::format("  {:.1f} steps/s", rate_);
    if (total_ > 0) s += "  ETA " + clock_str(static_cast<double>(total_ - step_) / rate_);
  }
  return s;
}

void Progress::message(const std::string& text) {
  if (shown_) out_ << '\r' << "\x1b[K";
  out_ << text << '\n' << std::flush;
  if (shown_) out_ << line() << std::flush;
}

void Progress::finish() {
  const double t = options_.now();
  if (step_ != last_print_step_) print(t);
  if (live_ && shown_) out_ << '\n';
  out_ << fmt::format("done: {} steps in {}", step_, clock_str(t - start_)) << std::endl;
  shown_ = false;
}

}  // namespace genc::runtime
