// OUT/sweep.json as JSON (see sweep_state.h).
#include "runtime/sweep/sweep_state.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"

namespace genc::runtime::sweep {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kStatusNames[] = {"pending", "running", "done", "interrupted", "failed"};

Json optional_int(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(); }

std::optional<int64_t> read_optional_int(const Json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<int64_t>();
}

Status status_named(const std::string& name) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i)
    if (name == kStatusNames[i]) return static_cast<Status>(i);
  throw std::invalid_argument("unknown status " + name);
}

}  // namespace

const char* status_name(Status s) { return kStatusNames[static_cast<size_t>(s)]; }

bool SweepState::same_sweep(const SweepState& o) const {
  auto seeds = [](const SweepState& s) {
    std::vector<std::pair<std::string, uint64_t>> out;
    for (const RunState& r : s.runs) out.emplace_back(r.name, r.seed);
    return out;
  };
  auto axes_of = [](const SweepState& s) {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const Axis& a : s.axes) out.emplace_back(a.key, a.values);
    return out;
  };
  return source_hash == o.source_hash && model == o.model && axes_of(*this) == axes_of(o) && seeds(*this) == seeds(o) &&
         steps == o.steps && epochs == o.epochs && device == o.device;
}

std::string sweep_state_path(const std::string& out) { return (std::filesystem::path(out) / "sweep.json").string(); }

std::string text_hash(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

void write_sweep_state(const std::string& path, const SweepState& s) {
  Json j;
  j["file"] = s.file;
  j["source_hash"] = s.source_hash;
  j["model"] = s.model;
  j["axes"] = Json::array();
  for (const Axis& a : s.axes) j["axes"].push_back({{"key", a.key}, {"values", a.values}});
  j["steps"] = optional_int(s.steps);
  j["epochs"] = optional_int(s.epochs);
  j["device"] = s.device;
  j["plans"] = s.plans;
  j["runs"] = Json::array();
  for (const RunState& r : s.runs) {
    Json run;
    run["name"] = r.name;
    run["overrides"] = Json::object();
    for (const auto& [k, v] : r.overrides) run["overrides"][k] = v;
    run["seed"] = r.seed;
    run["plan"] = r.plan;
    run["status"] = status_name(r.status);
    if (!r.error.empty()) run["error"] = r.error;
    j["runs"].push_back(std::move(run));
  }
  write_file_atomic(path, j.dump(2) + "\n");
}

std::optional<SweepState> read_sweep_state(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    Json j = Json::parse(in);
    SweepState s;
    s.file = j.at("file").get<std::string>();
    s.source_hash = j.at("source_hash").get<std::string>();
    s.model = j.at("model").get<std::string>();
    for (const Json& a : j.at("axes")) s.axes.push_back({a.at("key").get<std::string>(), a.at("values").get<std::vector<std::string>>()});
    s.steps = read_optional_int(j.at("steps"));
    s.epochs = read_optional_int(j.at("epochs"));
    s.device = j.at("device").get<std::string>();
    s.plans = j.at("plans").get<size_t>();
    for (const Json& r : j.at("runs")) {
      RunState run;
      run.name = r.at("name").get<std::string>();
      for (const auto& [k, v] : r.at("overrides").items()) run.overrides.emplace_back(k, v.get<std::string>());
      run.seed = r.at("seed").get<uint64_t>();
      run.plan = r.at("plan").get<size_t>();
      run.status = status_named(r.at("status").get<std::string>());
      run.error = r.value("error", "");
      s.runs.push_back(std::move(run));
    }
    return s;
  } catch (const std::exception&) {  // nlohmann::json::exception, an unknown status
    throw file_error(path, "not a genc sweep state");
  }
}

}  // namespace genc::runtime::sweep
