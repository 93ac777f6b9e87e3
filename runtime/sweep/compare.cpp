// The comparison of run folders (see compare.h).
#include "runtime/sweep/compare.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "compiler/lower/summary.h"
#include "runtime/checkpoint.h"
#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"
#include "runtime/report/compare_page.h"
#include "runtime/run/run_dir.h"
#include "runtime/run/run_record.h"
#include "runtime/run/training.h"
#include "runtime/sweep/arch_diff.h"
#include "runtime/sweep/sweep_state.h"

namespace genc::runtime::sweep {
namespace {

namespace fs = std::filesystem;
using report::ComparisonContent;

/// One run folder read back.
struct RunFolder {
  std::string dir;
  report::ComparedRun run;
  std::optional<CheckpointMeta> meta;  ///< its latest checkpoint's
};

RunFolder read_run_folder(const std::string& dir, const std::string& name, const std::string& status) {
  const std::string metrics = (fs::path(dir) / "metrics.jsonl").string();
  std::error_code ec;
  std::optional<RunRecord> record = read_run_record(run_record_path(dir));
  if (!record && !fs::exists(metrics, ec))
    throw RuntimeUserError("'" + dir + "' is not the folder of a genc run (it has no metrics.jsonl or run.json)");
  RunFolder f;
  f.dir = dir;
  f.run.name = name;
  f.run.status = status;
  f.run.metrics = report::read_metrics(metrics);
  if (record) f.run.seed = record->seed;
  if (std::optional<std::string> latest = latest_checkpoint(checkpoints_of(dir, record))) f.meta = read_checkpoint_meta(*latest);
  return f;
}

/// What makes runs one variant: all but the seed (a run without a checkpoint is its own).
std::string variant_key(const RunFolder& f) {
  if (!f.meta) return "dir:" + f.dir;
  std::string key = text_hash(f.meta->source_text) + "|" + f.meta->model;
  for (const auto& [k, v] : f.meta->overrides) key += "|" + k + "=" + v;
  return key;
}

/// The --set keys whose values differ between the variants, in order of first appearance.
std::vector<std::string> varying_keys(const std::vector<const RunFolder*>& firsts) {
  std::vector<std::string> keys;
  for (const RunFolder* f : firsts)
    if (f->meta)
      for (const auto& kv : f->meta->overrides)
        if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) keys.push_back(kv.first);
  auto value = [](const RunFolder* f, const std::string& key) -> std::string {
    if (!f->meta) return "";
    for (const auto& [k, v] : f->meta->overrides)
      if (k == key) return v;
    return "";
  };
  std::vector<std::string> varying;
  for (const std::string& key : keys)
    if (std::any_of(firsts.begin(), firsts.end(), [&](const RunFolder* f) { return value(f, key) != value(firsts[0], key); }))
      varying.push_back(key);
  return varying;
}

std::string short_key(const std::string& key, const std::vector<std::string>& all) {
  const std::string param = key.substr(key.find('.') + 1);
  int same = 0;
  for (const std::string& k : all) same += k.substr(k.find('.') + 1) == param;
  return same > 1 ? key : param;
}

bool compare_folders(pipeline::Compilation& c, std::vector<RunFolder> folders, ComparisonContent page,
                     const std::string& output, std::ostream& log) {
  // Variants: the runs that differ only in their seed.
  std::map<std::string, size_t> index;
  std::vector<const RunFolder*> firsts;
  for (size_t r = 0; r < folders.size(); ++r) {
    auto [it, fresh] = index.emplace(variant_key(folders[r]), page.variants.size());
    if (fresh) {
      page.variants.emplace_back();
      firsts.push_back(&folders[r]);
    }
    page.variants[it->second].runs.push_back(r);
    page.runs.push_back(folders[r].run);
  }
  const std::vector<std::string> keys = varying_keys(firsts);
  for (const std::string& k : keys) page.hyperparams.push_back(short_key(k, keys));

  // Each variant compiled once (`c` keeps the sources the diffs' locations point into).
  std::vector<std::optional<Training>> trainings(page.variants.size());
  std::vector<std::optional<ir::Program>> analyzed(page.variants.size());
  for (size_t v = 0; v < page.variants.size(); ++v) {
    report::Variant& variant = page.variants[v];
    const RunFolder& f = *firsts[v];
    for (const std::string& key : keys) {
      std::string value = "-";
      if (f.meta)
        for (const auto& [k, val] : f.meta->overrides)
          if (k == key) value = val;
      variant.values.push_back(value);
      variant.label += (variant.label.empty() ? "" : ",") + short_key(key, keys) + "=" + value;
    }
    if (variant.label.empty() || !f.meta) variant.label = f.meta ? fs::path(f.dir).filename().string() : f.run.name;
    if (!f.meta) continue;
    Source source{f.meta->source_path, f.meta->source_text, f.meta->overrides};
    trainings[v] = compile_training(c, source, f.meta->model);
    if (!trainings[v]) return false;
    sema::Options options;
    options.overrides = source.overrides;
    analyzed[v] = pipeline::compile(c, *c.sources.add(source.path, source.text), pipeline::Language::Gen, options,
                                    pipeline::Stage::Analyzed);
    GENC_ASSERT(analyzed[v].has_value(), "a source that compiled optimized failed to analyse");
    const Training& t = *trainings[v];
    variant.params = lower::summarize(t.model(), t.plan, t.config).trainable;
  }
  for (size_t v = 1; v < page.variants.size(); ++v) {
    if (!trainings[v] || !trainings[0]) continue;
    page.variants[v].same_graph_as_reference = same_graph(*trainings[0], *trainings[v]);
    page.variants[v].diff = diff_architectures({*trainings[0], *analyzed[0]}, {*trainings[v], *analyzed[v]});
  }
  write_file_atomic(output, report::render_comparison(page));
  const report::Ranking rank = report::ranking_of(page);
  log << fmt::format("genc: wrote {} ({} runs, {} variants, ranked by {} {})\n", output, page.runs.size(),
                     page.variants.size(), rank.split, rank.metric);
  return true;
}

}  // namespace

bool write_comparison(pipeline::Compilation& c, const CompareRequest& r, std::ostream& log) {
  if (r.runs.empty()) throw RuntimeUserError("genc compare needs at least one run folder");
  std::vector<RunFolder> folders;
  for (const std::string& dir : r.runs) folders.push_back(read_run_folder(dir, fs::path(dir).filename().string(), ""));
  ComparisonContent page;
  page.title = r.title.empty() ? fmt::format("{} runs", r.runs.size()) : r.title;
  for (const std::string& dir : r.runs) page.subtitle += (page.subtitle.empty() ? "" : " · ") + dir;
  return compare_folders(c, std::move(folders), std::move(page), r.output.empty() ? "comparison.html" : r.output, log);
}

bool is_sweep_folder(const std::string& out) {
  std::error_code ec;
  return fs::exists(sweep_state_path(out), ec);
}

bool write_sweep_report(pipeline::Compilation& c, const std::string& out, const std::string& output, std::ostream& log) {
  std::optional<SweepState> state = read_sweep_state(sweep_state_path(out));
  if (!state) throw RuntimeUserError("'" + out + "' is not the folder of a genc sweep");
  std::vector<RunFolder> folders;
  std::map<std::string, int> statuses;
  for (const RunState& run : state->runs) {
    ++statuses[status_name(run.status)];
    const std::string dir = (fs::path(out) / run.name).string();
    std::error_code ec;
    if (!fs::exists(run_record_path(dir), ec)) continue;  // not started
    folders.push_back(read_run_folder(dir, run.name, status_name(run.status)));
  }
  if (folders.empty()) throw RuntimeUserError("the sweep in '" + out + "' has no started run yet");
  ComparisonContent page;
  fs::path folder = fs::absolute(out).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "OUT/"
  page.title = "sweep " + folder.filename().string();
  page.subtitle = fmt::format("{} · {} runs", state->file, state->runs.size());
  for (const auto& [status, n] : statuses) page.subtitle += fmt::format(" · {} {}", n, status);
  return compare_folders(c, std::move(folders), std::move(page),
                         output.empty() ? (fs::path(out) / "report.html").string() : output, log);
}

}  // namespace genc::runtime::sweep
