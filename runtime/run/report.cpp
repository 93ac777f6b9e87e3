// `genc report` (see report.h): gathers a run folder's files into report::PageContent.
#include "runtime/run/report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>

#include <fmt/format.h>

#include "compiler/ir/dot.h"
#include "compiler/lower/summary.h"
#include "runtime/checkpoint.h"
#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"
#include "runtime/io/out_paths.h"
#include "runtime/report/graphviz.h"
#include "runtime/report/report_page.h"
#include "runtime/run/run_dir.h"
#include "runtime/run/run_record.h"
#include "runtime/run/training.h"
#include "runtime/sweep/compare.h"

namespace genc::runtime {
namespace {

namespace fs = std::filesystem;
using report::PageContent;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeUserError("cannot read '" + path.string() + "'");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The files in `dir` whose names match `pattern` (group 1: a number), ordered by it.
std::vector<std::pair<int64_t, fs::path>> numbered_files(const std::string& dir, const std::regex& pattern) {
  std::vector<std::pair<int64_t, fs::path>> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, m, pattern)) out.emplace_back(std::stoll(m[2].str()), entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The sample grids in `dir` (epoch_NNN.png, step_NNNNNNNN.png), oldest first.
std::vector<report::SampleGrid> sample_grids(const std::string& dir) {
  static const std::regex grid(R"((epoch|step)_(\d+)\.png)");
  std::vector<report::SampleGrid> out;
  for (const auto& [n, path] : numbered_files(dir, grid)) {
    const std::string unit = path.filename().string().rfind("epoch", 0) == 0 ? "epoch" : "step";
    out.push_back({fmt::format("{} {}", unit, n), read_bytes(path)});
  }
  return out;
}

std::string every(const Every& e) { return e.every == 0 ? "never" : fmt::format("every {} {}", e.every, e.unit); }

/// The model graph: the stored source compiled again to sema's IR (what --emit dot draws)
/// in its own Compilation, then laid out by graphviz.
void add_graph(const Source& source, PageContent& page) {
  pipeline::Compilation c;
  sema::Options options;
  options.overrides = source.overrides;
  std::optional<ir::Program> program =
      pipeline::compile(c, *c.sources.add(source.path, source.text), pipeline::Language::Gen, options,
                        pipeline::Stage::Analyzed);
  GENC_ASSERT(program.has_value(), "a source that compiled optimized failed to analyse");
  page.graph_svg = report::dot_to_svg(ir::to_dot(*program));
  if (!page.graph_svg) page.graph_note = "Graphviz's `dot` is not installed (apt-get install graphviz): the graph is left out. "
                                         "`genc compile --emit dot` prints it.";
}

void add_training(const Training& t, const CheckpointMeta& meta, PageContent& page) {
  const TrainConfig& k = t.config;
  page.model = meta.model;
  page.objective = t.plan.objective;
  page.source_path = meta.source_path;
  page.source_text = meta.source_text;
  page.summary = lower::print_summary(lower::summarize(t.model(), t.plan, k));
  page.settings.insert(page.settings.begin(),
                       {{"model", meta.model},
                        {"objective", t.plan.objective},
                        {"data", t.train().data},
                        {"batch", std::to_string(k.batch)},
                        {"optimizer", fmt::format("{} (lr {:g})", k.optimizer.kind, k.optimizer.lr)},
                        {"lr schedule", k.schedule.kind},
                        {"precision", k.precision},
                        {"log", every(k.log)},
                        {"eval", k.eval_data.empty() ? "never" : k.eval_data + " " + every(k.eval)},
                        {"sample", k.sample.every == 0 ? "never" : fmt::format("{} {}", k.sample_n, every(k.sample))}});
  for (const auto& [key, value] : meta.overrides) page.settings.emplace_back("--set " + key, value);
  page.settings.emplace_back("source", meta.source_path);
}

}  // namespace

bool write_report(pipeline::Compilation& c, const ReportRequest& r, std::ostream& log) {
  const std::string& out = r.out_dir;
  if (sweep::is_sweep_folder(out)) return sweep::write_sweep_report(c, out, r.output, log);
  const std::string metrics_path = (fs::path(out) / "metrics.jsonl").string();
  std::error_code ec;
  if (!fs::exists(metrics_path, ec) && !fs::exists(run_record_path(out), ec))
    throw RuntimeUserError("'" + out + "' is not the folder of a genc run (it has no metrics.jsonl or run.json)");

  PageContent page;
  page.out_dir = out;
  page.model = fs::path(out).filename().string();
  page.metrics = report::read_metrics(metrics_path);
  std::optional<RunRecord> record = read_run_record(run_record_path(out));
  std::string checkpoints = (fs::path(out) / "checkpoints").string();
  if (record) {
    page.settings = {{"seed", std::to_string(record->seed)},
                     {"steps", record->steps ? std::to_string(*record->steps) : "-"},
                     {"epochs", record->epochs ? std::to_string(*record->epochs) : "-"},
                     {"device", record->device.empty() ? "the train block's" : record->device},
                     {"checkpoints", record->checkpoint_dir}};
    if (fs::is_directory(checkpoints_of(out, *record), ec)) checkpoints = checkpoints_of(out, *record);
  }
  static const std::regex checkpoint_name(R"((step)_(\d+)\.pt)");
  for (const auto& entry : numbered_files(checkpoints, checkpoint_name))
    page.checkpoints.push_back(entry.second.filename().string());

  std::string sample_dir = (fs::path(out) / "samples").string();
  if (std::optional<std::string> latest = latest_checkpoint(checkpoints)) {
    CheckpointMeta meta = read_checkpoint_meta(*latest);
    Source source{meta.source_path, meta.source_text, meta.overrides};
    std::optional<Training> t = compile_training(c, source, meta.model);
    if (!t) return false;
    add_training(*t, meta, page);
    add_graph(source, page);
    sample_dir = under(out, t->config.sample_dir);
  } else {
    page.missing_note = "No checkpoint in '" + checkpoints + "': the source, graph and summary are left out.";
  }
  page.samples = sample_grids(sample_dir);

  const std::string path = r.output.empty() ? (fs::path(out) / "report.html").string() : r.output;
  write_file_atomic(path, report::render_page(page));
  log << fmt::format("genc: wrote {} ({} metric records, {} sample grids)\n", path, page.metrics.records,
                     page.samples.size());
  return true;
}

}  // namespace genc::runtime
