// TensorBoard event files (see tfevents.h).
//
// The protobuf messages are encoded by hand, not with libprotobuf and protoc: genc writes
// five fields of Event, three of Summary.Value, four of Summary.Image and one of SessionLog,
// and the protobuf wire format (varints, fixed64/fixed32, length-delimited fields) is
// frozen, so a 30-line encoder does what a .proto, a protoc build step and a library
// dependency would. Field numbers are TensorBoard's (tensorboard/compat/proto/event.proto,
// summary.proto):
//   Event      wall_time=1 double, step=2 int64, file_version=3 string, summary=5, session_log=7
//   Summary    value=1 (repeated)
//   Value      tag=1 string, simple_value=2 float, image=4
//   Image      height=1, width=2, colorspace=3 int32, encoded_image_string=4 bytes
//   SessionLog status=1 enum (START = 1)
// Each event is one TFRecord: uint64 length, masked CRC-32C of those 8 bytes, the data,
// masked CRC-32C of the data (little-endian).
#include "runtime/io/tfevents.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "runtime/errors.h"
#include "runtime/io/crc32c.h"

namespace genc::runtime {
namespace {

constexpr const char* kPrefix = "events.out.tfevents.";

// ------------------------------------------------------------------ protobuf wire format
enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kBytes = 2, kFixed32 = 5 };

void put_varint(std::string& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7F) | 0x80);
  out += static_cast<char>(v);
}
void put_key(std::string& out, uint32_t field, WireType type) { put_varint(out, field << 3 | type); }
void put_int(std::string& out, uint32_t field, int64_t v) {
  put_key(out, field, kVarint);
  put_varint(out, static_cast<uint64_t>(v));
}
template <typename T>
void put_little_endian(std::string& out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // x86-64 and aarch64 Linux are little-endian
  out.append(bytes, sizeof(T));
}
void put_double(std::string& out, uint32_t field, double v) {
  put_key(out, field, kFixed64);
  put_little_endian(out, v);
}
void put_float(std::string& out, uint32_t field, float v) {
  put_key(out, field, kFixed32);
  put_little_endian(out, v);
}
void put_bytes(std::string& out, uint32_t field, std::string_view bytes) {
  put_key(out, field, kBytes);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// ------------------------------------------------------------------ Event
/// An Event with its wall_time (now) and step; the caller appends its payload field.
std::string event_header(int64_t step) {
  std::string e;
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  put_double(e, 1, now);
  put_int(e, 2, step);
  return e;
}

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

uint32_t big_endian_u32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) v = v << 8 | static_cast<unsigned char>(b[at + k]);
  return v;
}

}  // namespace

EventsFile::EventsFile(const std::string& out_dir, int64_t start_step) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  path_ = (std::filesystem::path(out_dir) / fmt::format("{}{}.{}", kPrefix, seconds, hostname())).string();
  out_.open(path_, std::ios::binary | std::ios::app);
  if (!out_) throw RuntimeUserError("cannot write '" + path_ + "': " + std::strerror(errno));
  std::string version = event_header(start_step);
  put_bytes(version, 3, "brain.Event:2");
  write_event(version);
  if (start_step > 0) {
    std::string session_log;
    put_int(session_log, 1, 1);  // START: TensorBoard drops the earlier events of this step and later ones
    std::string start = event_header(start_step + 1);
    put_bytes(start, 7, session_log);
    write_event(start);
  }
}

void EventsFile::add_scalars(int64_t step, const std::string& split,
                             const std::vector<std::pair<std::string, double>>& values) {
  std::string summary;
  for (const auto& [name, value] : values) {
    std::string v;
    put_bytes(v, 1, split + "/" + name);
    put_float(v, 2, static_cast<float>(value));
    put_bytes(summary, 1, v);
  }
  std::string e = event_header(step);
  put_bytes(e, 5, summary);
  write_event(e);
}

void EventsFile::add_png(int64_t step, const std::string& tag, std::string_view png) {
  // The IHDR chunk follows the 8-byte signature: length, "IHDR", width, height, depth, colour type.
  if (png.size() < 26 || png.substr(1, 3) != "PNG" || png.substr(12, 4) != "IHDR") return;
  const int colour_type = static_cast<unsigned char>(png[25]);
  const int colourspace = colour_type == 0 ? 1 : colour_type == 2 ? 3 : colour_type == 6 ? 4 : 0;
  if (colourspace == 0) return;
  std::string image;
  put_int(image, 1, big_endian_u32(png, 20));  // height
  put_int(image, 2, big_endian_u32(png, 16));  // width
  put_int(image, 3, colourspace);
  put_bytes(image, 4, png);
  std::string value;
  put_bytes(value, 1, tag);
  put_bytes(value, 4, image);
  std::string summary;
  put_bytes(summary, 1, value);
  std::string e = event_header(step);
  put_bytes(e, 5, summary);
  write_event(e);
}

void EventsFile::write_event(const std::string& event) {
  std::string length;
  put_little_endian<uint64_t>(length, event.size());
  std::string record = length;
  put_little_endian<uint32_t>(record, masked_crc32c(length));
  record += event;
  put_little_endian<uint32_t>(record, masked_crc32c(event));
  out_.write(record.data(), static_cast<std::streamsize>(record.size()));
  out_.flush();
  if (!out_) throw RuntimeUserError("cannot write '" + path_ + "': " + std::strerror(errno));
}

}  // namespace genc::runtime
