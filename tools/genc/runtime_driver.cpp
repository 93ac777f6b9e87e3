// The runtime commands' shared steps (see runtime_driver.h).
#include "tools/genc/runtime_driver.h"

#include <iostream>

#include "compiler/ir/verifier.h"
#include "compiler/lower/lower.h"
#include "runtime/errors.h"
#include "runtime/trainer.h"

namespace genc::cli {

std::optional<Source> read_source(Session& session, const std::string& path, Overrides overrides) {
  const SourceFile* file = session.sources.load(path);
  if (file == nullptr) {
    session.diags.report(DiagKind::FileNotFound, SourceRange{}, {path});
    return std::nullopt;
  }
  return Source{path, file->text(), std::move(overrides)};
}

std::optional<ir::Program> compile_source(Session& session, const Source& source) {
  const SourceFile* file = session.sources.add(source.path, source.text);
  std::optional<frontend::ParsedUnit> unit = frontend::parse_program(*file, session.sources, session.diags);
  if (!unit || session.diags.has_errors()) return std::nullopt;
  sema::Options options;
  options.overrides = source.overrides;
  std::optional<ir::Program> program = sema::analyze(*unit, options, session.diags);
  if (!program || session.diags.has_errors()) return std::nullopt;
  std::vector<std::string> problems = ir::verify(*program);
  GENC_ASSERT(problems.empty(), "sema produced IR that does not verify: " + problems.front());
  passes::optimize(*program, pipeline_options());
  return program;
}

namespace {

/// The index of the train block to run, or null after printing why there is none.
std::optional<size_t> pick_train(const ir::Program& program, const std::string& source, const std::string& model) {
  std::string trained;
  for (size_t i = 0; i < program.trains.size(); ++i) {
    if (model.empty() || program.trains[i].model == model) return i;
    trained += (trained.empty() ? "" : ", ") + program.trains[i].model;
  }
  if (program.trains.empty()) {
    print_error("'" + source + "' has no `train` block: nothing to run");
  } else {
    print_error("'" + source + "' has no `train` block for model '" + model + "' (it trains: " + trained + ")");
  }
  return std::nullopt;
}

}  // namespace

std::optional<Training> prepare_training(Session& session, Source source, ir::Program program,
                                         const std::string& model) {
  std::optional<size_t> index = pick_train(program, source.path, model);
  if (!index) return std::nullopt;
  const ir::Train& train = program.trains[*index];
  const ir::Model* m = program.model(train.model);
  GENC_ASSERT(m != nullptr, "train block of unknown model " + train.model);
  std::optional<lower::TrainingProgram> plan = lower::lower(*m, session.diags);
  if (!plan || session.diags.has_errors()) return std::nullopt;
  runtime::TrainConfig config = ir::train_config(train);
  return Training{std::move(source), std::move(program), *index, std::move(*plan), std::move(config)};
}

std::optional<Restored> restore(Session& session, const std::string& checkpoint,
                                const std::function<void(ir::Program&)>& adjust) {
  runtime::CheckpointMeta meta = runtime::read_checkpoint_meta(checkpoint);
  Source source{meta.source_path, meta.source_text, meta.overrides};
  std::optional<ir::Program> program = compile_source(session, source);
  if (!program) return std::nullopt;
  if (adjust) adjust(*program);
  std::optional<Training> training = prepare_training(session, std::move(source), std::move(*program), meta.model);
  if (!training) return std::nullopt;
  torch::Device device = runtime::resolve_device(training->config.device);
  auto executor = std::make_unique<runtime::Executor>(training->plan, training->model(), training->config, device);
  runtime::load_checkpoint(checkpoint, *executor);
  return Restored{std::move(meta), std::move(*training), std::move(executor)};
}

at::Tensor to_unit_range(const at::Tensor& x, const ir::Dataset& data) {
  at::Tensor out = x;
  for (auto it = data.transforms.rbegin(); it != data.transforms.rend(); ++it) {
    const ir::Setting& t = *it;
    if (t.name != "scale") continue;
    double lo = ir::attr_float(t.args, "lo"), hi = ir::attr_float(t.args, "hi");
    out = (out - lo) / (hi - lo);
  }
  return out;
}

bool is_image_batch(const at::Tensor& x) { return x.dim() == 4 && (x.size(1) == 1 || x.size(1) == 3); }

int print_error(const std::string& message) {
  std::cerr << "genc: error: " << message << "\n";
  return 1;
}

int guard_runtime(const std::function<int()>& command) {
  try {
    return command();
  } catch (const runtime::RuntimeUserError& e) {
    return print_error(e.what());
  }
}

}  // namespace genc::cli
