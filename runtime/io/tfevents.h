// TensorBoard's event files: OUT/events.out.tfevents.<time>.<host>, which TensorBoard reads
// as a run (scalars and images), written as TFRecords of `Event` protobuf messages.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace genc::runtime {

/// One events file, opened for one segment of a run (a fresh run, or each resume), as
/// TensorFlow's summary writer does: a file_version event first and, when the segment
/// continues from step S > 0, a SessionLog START at step S + 1, which tells TensorBoard to
/// drop the events of steps from S + 1 on that an interrupted earlier segment wrote.
class EventsFile {
 public:
  /// Creates OUT/events.out.tfevents.<seconds since 1970>.<hostname> (appending when a
  /// segment of the same second made it already). Throws RuntimeUserError when it cannot
  /// be written.
  EventsFile(const std::string& out_dir, int64_t start_step);

  /// One event at `step` with a scalar per value, tagged "SPLIT/NAME" (train/loss, test/elbo).
  void add_scalars(int64_t step, const std::string& split, const std::vector<std::pair<std::string, double>>& values);

  /// One event at `step` with an image: a PNG file's bytes (8-bit grayscale, RGB or RGBA),
  /// its size and colour space read from its header. Ignores bytes that are no PNG.
  void add_png(int64_t step, const std::string& tag, std::string_view png);

  const std::string& path() const { return path_; }

 private:
  void write_event(const std::string& event);

  std::string path_;
  std::ofstream out_;
};

}  // namespace genc::runtime
