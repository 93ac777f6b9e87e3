// MetricsLog: nlohmann::ordered_json keeps the keys in the order written.
#include "runtime/io/metrics.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

#include "compiler/support/diagnostics.h"
#include "runtime/errors.h"

namespace genc::runtime {

MetricsLog::MetricsLog(const std::string& out_dir)
    : path_(out_dir + "/metrics.jsonl"), out_(path_, std::ios::app) {
  if (!out_) throw RuntimeUserError("cannot write '" + path_ + "': " + std::strerror(errno));
}

void MetricsLog::append(const MetricsRecord& record) {
  nlohmann::ordered_json j;
  j["step"] = record.step;
  j["epoch"] = record.epoch;
  j["split"] = record.split;
  j["loss"] = record.loss;
  for (const auto& [key, value] : record.extra) {
    GENC_ASSERT(!j.contains(key), "metrics key '" + key + "' given twice");
    j[key] = value;
  }
  out_ << j.dump() << '\n';
  out_.flush();
  if (!out_) throw RuntimeUserError("cannot write '" + path_ + "': " + std::strerror(errno));
}

}  // namespace genc::runtime
