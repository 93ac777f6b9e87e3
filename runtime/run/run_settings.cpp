// What a run trains and with which settings (see run_settings.h).
#include "runtime/run/run_settings.h"

#include <fmt/format.h>

#include "runtime/checkpoint.h"
#include "runtime/errors.h"
#include "runtime/run/run_dir.h"

namespace genc::runtime {
namespace {

std::optional<RunPlan> plan_fresh(pipeline::Compilation& c, const RunRequest& r) {
  if (r.file.empty()) throw RuntimeUserError("genc run needs a .gen FILE (or --resume OUT)");
  std::optional<sema::Options> options = pipeline::parse_overrides(c, r.sets);
  if (!options) return std::nullopt;
  std::optional<Source> source = read_source(c, r.file, options->overrides);
  if (!source) return std::nullopt;
  return RunPlan{std::move(*source), r.model, std::nullopt, std::nullopt};
}

std::optional<RunPlan> plan_resume(pipeline::Compilation& c, const RunRequest& r) {
  if (!r.out.empty() && r.out != r.resume)
    throw RuntimeUserError("--resume OUT continues the run in OUT; it takes no --out");
  if (!r.sets.empty())
    throw RuntimeUserError("--resume continues with the --set values the run started with; it takes no --set");
  RunPlan p;
  p.record = read_run_record(run_record_path(r.resume));
  std::string dir = checkpoints_of(r.resume, p.record);
  p.resume_from = latest_checkpoint(dir);
  if (!p.resume_from) throw RuntimeUserError("no checkpoint in '" + dir + "' to resume from");
  CheckpointMeta meta = read_checkpoint_meta(*p.resume_from);
  if (!r.file.empty()) {
    std::optional<Source> current = read_source(c, r.file, {});
    if (!current) return std::nullopt;
    if (current->text != meta.source_text)
      throw RuntimeUserError("'" + r.file + "' has changed since '" + *p.resume_from +
                             "' was written; --resume continues with the checkpoint's copy of the source "
                             "(leave FILE out, or start a new run)");
  }
  if (!r.model.empty() && r.model != meta.model)
    throw RuntimeUserError("'" + *p.resume_from + "' is a checkpoint of model '" + meta.model + "', not '" +
                           r.model + "'");
  p.source = Source{meta.source_path, meta.source_text, meta.overrides};
  p.model = meta.model;
  return p;
}

}  // namespace

std::optional<RunPlan> plan_run(pipeline::Compilation& c, const RunRequest& request) {
  return request.resume.empty() ? plan_fresh(c, request) : plan_resume(c, request);
}

std::string apply_run_settings(const RunRequest& r, const std::optional<RunRecord>& record, TrainConfig& c) {
  std::string device;
  if (record) {
    c.seed = record->seed;
    c.steps = record->steps;
    c.epochs = record->epochs;
    device = record->device;
  }
  if (r.seed) {
    if (record && *r.seed != record->seed)
      throw RuntimeUserError(
          fmt::format("the run in '{}' has seed {}; --resume cannot change it", r.resume, record->seed));
    c.seed = *r.seed;
  }
  if (r.steps) {
    c.steps = *r.steps;
  } else if (r.epochs) {
    c.epochs = *r.epochs;
    c.steps.reset();
  }
  if (!r.device.empty()) device = r.device;
  if (c.checkpoint.every == 0) c.checkpoint = {1, "epochs"};
  return device;
}

}  // namespace genc::runtime
