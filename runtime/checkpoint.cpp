// Checkpoint files: writing (atomically), reading the metadata, restoring, finding the latest.
#include "runtime/checkpoint.h"

#include <torch/serialize/archive.h>

#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"

namespace genc::runtime {
namespace {

const char* kFormat = "genc-checkpoint-v1";

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

/// Opens `path` as an archive of our format, its tensors mapped onto `device` (a checkpoint
/// written on a GPU opens on the CPU and the other way round), or throws RuntimeUserError.
void open(const std::string& path, torch::serialize::InputArchive& archive, c10::Device device = c10::kCPU) {
  if (!std::filesystem::exists(path)) throw file_error(path, "no such file");
  bool ours = false;
  try {
    archive.load_from(path, device);
    ours = read_string(archive, "format") == kFormat;
  } catch (const std::exception&) {  // c10::Error, and TorchScript's errors on other files
  }
  if (!ours) throw file_error(path, "not a genc checkpoint");
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

void save_checkpoint(const std::string& path, Executor& executor, const RunState& run, const CheckpointMeta& meta) {
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(std::string(kFormat)));
  a.write("source_path", c10::IValue(meta.source_path));
  a.write("source_text", c10::IValue(meta.source_text));
  c10::List<std::string> overrides;
  for (const auto& [key, value] : meta.overrides) overrides.push_back(key + "=" + value);
  a.write("overrides", c10::IValue(overrides));
  a.write("model_name", c10::IValue(meta.model));
  a.write("step", c10::IValue(meta.step));
  a.write("epoch", c10::IValue(meta.epoch));
  a.write("batcher_epoch", c10::IValue(run.batcher.epoch));
  a.write("batcher_batch", c10::IValue(run.batcher.batch));
  a.write("log_sums", at::tensor(run.log_sums.empty() ? std::vector<double>{} : run.log_sums, at::kDouble), true);
  a.write("log_count", c10::IValue(run.log_count));
  torch::serialize::OutputArchive state;
  executor.save(state);
  a.write("executor", state);
  write_file_atomic(path, [&](std::ostream& out) { a.save_to(out); });
}

CheckpointMeta read_checkpoint_meta(const std::string& path) {
  torch::serialize::InputArchive a;
  open(path, a);
  try {
    return read_meta(a);
  } catch (const std::exception&) {
    throw file_error(path, "not a genc checkpoint");
  }
}

RunState load_checkpoint(const std::string& path, Executor& executor) {
  torch::serialize::InputArchive a;
  open(path, a, executor.device());
  RunState run;
  try {
    run.batcher.epoch = read_int(a, "batcher_epoch");
    run.batcher.batch = read_int(a, "batcher_batch");
    at::Tensor sums;
    a.read("log_sums", sums, true);
    sums = sums.cpu().contiguous();
    run.log_sums.assign(sums.data_ptr<double>(), sums.data_ptr<double>() + sums.numel());
    run.log_count = read_int(a, "log_count");
    torch::serialize::InputArchive state;
    a.read("executor", state);
    executor.load(state);
  } catch (const RuntimeUserError& e) {
    throw file_error(path, e.what());
  } catch (const std::exception& e) {
    // LibTorch's message names the tensor or key that did not fit; its first line is enough.
    std::string why = e.what();
    throw file_error(path, "not a genc checkpoint of this model (" + why.substr(0, why.find('\n')) + ")");
  }
  return run;
}

std::string checkpoint_path(const std::string& dir, int64_t step) {
  return (std::filesystem::path(dir) / fmt::format("step_{:08d}.pt", step)).string();
}

std::optional<std::string> latest_checkpoint(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  static const std::regex name(R"(step_(\d+)\.pt)");
  std::optional<std::string> best;
  int64_t best_step = -1;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::smatch m;
    std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    int64_t step = std::stoll(m[1].str());
    if (step > best_step) {
      best_step = step;
      best = entry.path().string();
    }
  }
  return best;
}

}  // namespace genc::runtime
