// Checkpoint files, the reading side that needs no executor: opening, metadata, run state.
#include "runtime/checkpoint_read.h"

#include <filesystem>

#include "runtime/errors.h"

namespace genc::runtime {
namespace {

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
