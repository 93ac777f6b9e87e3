// Checkpoint files: writing (atomically), restoring, finding the latest (reading without an
// executor: checkpoint_read.cpp).
#include "runtime/checkpoint.h"

#include <torch/serialize/archive.h>

#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"

namespace genc::runtime {
void save_checkpoint(const std::string& path, Executor& executor, const RunState& run, const CheckpointMeta& meta) {
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(std::string(kCheckpointFormat)));
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

RunState load_checkpoint(const std::string& path, Executor& executor) {
  torch::serialize::InputArchive a;
  open_checkpoint(path, a, executor.device());
  RunState run = read_run_state(path, a);
  try {
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
  // At most 18 digits: any such step fits in int64_t (a longer name is not ours).
  static const std::regex name(R"(step_(\d{1,18})\.pt)");
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
