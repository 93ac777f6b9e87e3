// Checkpoint files, the reading side that needs no executor: opening, metadata, run state.
#include "runtime/checkpoint_read.h"

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "runtime/errors.h"

namespace genc::runtime {
namespace {

uint32_t le16(const std::string& s, size_t at) {
  return static_cast<uint8_t>(s[at]) | static_cast<uint8_t>(s[at + 1]) << 8;
}
uint32_t le32(const std::string& s, size_t at) { return le16(s, at) | le16(s, at + 2) << 16; }

/// The CRC-32 of the raw deflate stream `data[0, size)` inflated, or nullopt when it is not a
/// whole stream of exactly `expected` bytes. Inflates through a fixed buffer, so that a forged
/// size allocates nothing.
std::optional<uLong> inflated_crc(const char* data, uint32_t size, uint32_t expected) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  z.avail_in = size;
  uLong sum = crc32(0L, Z_NULL, 0), total = 0;
  Bytef chunk[1 << 14];
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = chunk;
    z.avail_out = sizeof chunk;
    status = inflate(&z, Z_NO_FLUSH);
    uInt produced = static_cast<uInt>(sizeof chunk - z.avail_out);
    sum = crc32(sum, chunk, produced);
    total += produced;
    if (total > expected) break;
  }
  inflateEnd(&z);
  if (status != Z_STREAM_END || total != expected) return std::nullopt;
  return sum;
}

/// Why the zip archive `bytes` is damaged, or "" when every entry of its central directory
/// has a local header of the same name and data (stored, or deflated: LibTorch's code/
/// files) of the recorded size and CRC-32. LibTorch's
/// reader checks none of this, and some damaged archives crash it (fuzz_checkpoint found a
/// segmentation fault in its TorchScript parser), so genc checks first. A directory or entries
/// in ZIP64 form (4 GiB and more) are left to LibTorch when the file is that large.
std::string zip_damage(const std::string& bytes) {
  const size_t eocd_size = 22;
  if (bytes.size() < eocd_size) return "too short";
  size_t eocd = std::string::npos;
  for (size_t at = bytes.size() - eocd_size + 1; at-- > 0 && bytes.size() - at <= eocd_size + 0xFFFF;)
    if (le32(bytes, at) == 0x06054b50) {
      eocd = at;
      break;
    }
  if (eocd == std::string::npos) return "no zip directory";
  size_t entries = le16(bytes, eocd + 10);
  size_t at = le32(bytes, eocd + 16);
  if (at == 0xFFFFFFFF) {
    // ZIP64: only an archive of 4 GiB or more needs it; in a smaller file the offset is damage.
    if (bytes.size() < 0xFFFFFFFFull) return "a damaged zip directory";
    return "";
  }
  for (size_t i = 0; i < entries; ++i) {
    if (at + 46 > bytes.size() || le32(bytes, at) != 0x02014b50) return "a damaged zip directory";
    uint32_t crc = le32(bytes, at + 16), size = le32(bytes, at + 20), stored = le32(bytes, at + 24);
    size_t name_len = le16(bytes, at + 28), extra_len = le16(bytes, at + 30), comment_len = le16(bytes, at + 32);
    uint32_t flags = le16(bytes, at + 8), method = le16(bytes, at + 10);
    size_t local = le32(bytes, at + 42);
    if (at + 46 + name_len > bytes.size()) return "a damaged zip directory";
    std::string name = bytes.substr(at + 46, name_len);
    at += 46 + name_len + extra_len + comment_len;
    if (size == 0xFFFFFFFF || stored == 0xFFFFFFFF || local == 0xFFFFFFFF) {
      // ZIP64: only a file of 4 GiB or more needs it (else LibTorch allocates 4 GiB for it).
      if (bytes.size() < 0xFFFFFFFFull) return "a damaged entry '" + name + "'";
      continue;
    }
    if (local + 30 > bytes.size() || le32(bytes, local) != 0x04034b50) return "a damaged entry '" + name + "'";
    size_t local_name_len = le16(bytes, local + 26), local_extra_len = le16(bytes, local + 28);
    size_t data = local + 30 + local_name_len + local_extra_len;
    if (bytes.compare(local + 30, local_name_len, name) != 0 || data + size > bytes.size())
      return "a damaged entry '" + name + "'";
    // Encrypted (bit 0), patched (5) or strongly encrypted (6) entries are none of LibTorch's.
    if ((flags & 0x61) != 0 || (method != 0 && method != 8)) return "a damaged entry '" + name + "'";
    std::optional<uLong> sum = method == 0 ? crc32(0L, reinterpret_cast<const Bytef*>(bytes.data() + data), size)
                                           : inflated_crc(bytes.data() + data, size, stored);
    if (!sum) return "a damaged entry '" + name + "' (bad deflate data)";
    if (*sum != crc) return "a damaged entry '" + name + "' (CRC mismatch)";
  }
  return "";
}

std::string read_string(torch::serialize::InputArchive& a, const std::string& key) {
  c10::IValue v;
  a.read(key, v);
  return v.toStringRef();
}

int64_t read_int(torch::serialize::InputArchive& a, const std::string& key) {
  c10::IValue v;
  a.read(key, v);
  return v.toInt();
}

CheckpointMeta read_meta(torch::serialize::InputArchive& a) {
  CheckpointMeta m;
  m.source_path = read_string(a, "source_path");
  m.source_text = read_string(a, "source_text");
  c10::IValue overrides;
  a.read("overrides", overrides);
  for (const c10::IValue& kv : overrides.toListRef()) {
    const std::string& s = kv.toStringRef();
    size_t eq = s.find('=');
    m.overrides.emplace_back(s.substr(0, eq), eq == std::string::npos ? "" : s.substr(eq + 1));
  }
  m.model = read_string(a, "model_name");
  m.step = read_int(a, "step");
  m.epoch = read_int(a, "epoch");
  return m;
}

}  // namespace

const char* const kCheckpointFormat = "genc-checkpoint-v1";

void open_checkpoint(const std::string& path, torch::serialize::InputArchive& archive, c10::Device device) {
  if (!std::filesystem::exists(path)) throw file_error(path, "no such file");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string damage = zip_damage(bytes);
  if (!damage.empty()) throw file_error(path, "not a genc checkpoint (" + damage + ")");
  bool ours = false;
  try {
    archive.load_from(path, device);
    ours = read_string(archive, "format") == kCheckpointFormat;
  } catch (const std::exception&) {  // c10::Error, and TorchScript's errors on other files
  }
  if (!ours) throw file_error(path, "not a genc checkpoint");
}

CheckpointMeta read_checkpoint_meta(const std::string& path) {
  torch::serialize::InputArchive a;
  open_checkpoint(path, a);
  try {
    return read_meta(a);
  } catch (const std::exception&) {
    throw file_error(path, "not a genc checkpoint");
  }
}

RunState read_run_state(const std::string& path, torch::serialize::InputArchive& a) {
  RunState run;
  try {
    run.batcher.epoch = read_int(a, "batcher_epoch");
    run.batcher.batch = read_int(a, "batcher_batch");
    at::Tensor sums;
    a.read("log_sums", sums, true);
    sums = sums.cpu().contiguous();
    run.log_sums.assign(sums.data_ptr<double>(), sums.data_ptr<double>() + sums.numel());
    run.log_count = read_int(a, "log_count");
  } catch (const std::exception&) {
    throw file_error(path, "not a genc checkpoint");
  }
  return run;
}

}  // namespace genc::runtime
