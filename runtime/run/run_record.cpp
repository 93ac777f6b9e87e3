// OUT/run.json as JSON (see run_record.h).
#include "runtime/run/run_record.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "compiler/ir/train_config.h"
#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"
#include "runtime/io/out_paths.h"

namespace genc::runtime {

std::string checkpoints_of(const std::string& out, const RunRecord& record) {
  return under(out, record.checkpoint_dir);
}

std::string checkpoints_of(const std::string& out, const std::optional<RunRecord>& record) {
  return record ? checkpoints_of(out, *record) : under(out, ir::TrainConfig{}.checkpoint_dir);
}

void write_run_record(const std::string& path, const RunRecord& r) {
  nlohmann::ordered_json j;
  j["seed"] = r.seed;
  j["steps"] = r.steps ? nlohmann::ordered_json(*r.steps) : nlohmann::ordered_json();
  j["epochs"] = r.epochs ? nlohmann::ordered_json(*r.epochs) : nlohmann::ordered_json();
  j["device"] = r.device;
  j["checkpoint_dir"] = r.checkpoint_dir;
  write_file_atomic(path, j.dump(2) + "\n");
}

std::optional<RunRecord> read_run_record(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    RunRecord r;
    r.seed = j.at("seed").get<uint64_t>();
    if (!j.at("steps").is_null()) r.steps = j["steps"].get<int64_t>();
    if (!j.at("epochs").is_null()) r.epochs = j["epochs"].get<int64_t>();
    r.device = j.at("device").get<std::string>();
    r.checkpoint_dir = j.at("checkpoint_dir").get<std::string>();
    return r;
  } catch (const nlohmann::json::exception&) {
    throw file_error(path, "not a genc run record");
  }
}

}  // namespace genc::runtime
