// One train block compiled for the runtime (see training.h).
#include "runtime/run/training.h"

#include "compiler/lower/lower.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

/// The index of the train block to run; throws RuntimeUserError when there is none.
size_t pick_train(const ir::Program& program, const std::string& source, const std::string& model) {
  std::string trained;
  for (size_t i = 0; i < program.trains.size(); ++i) {
    if (model.empty() || program.trains[i].model == model) return i;
    trained += (trained.empty() ? "" : ", ") + program.trains[i].model;
  }
  if (program.trains.empty()) throw RuntimeUserError("'" + source + "' has no `train` block: nothing to run");
  throw RuntimeUserError("'" + source + "' has no `train` block for model '" + model + "' (it trains: " + trained +
                         ")");
}

}  // namespace

std::optional<Source> read_source(pipeline::Compilation& c, const std::string& path, Overrides overrides) {
  const SourceFile* file = c.sources.load(path);
  if (file == nullptr) {
    c.diags.report(DiagKind::FileNotFound, SourceRange{}, {path});
    return std::nullopt;
  }
  return Source{path, file->text(), std::move(overrides)};
}

std::optional<ir::Program> compile_source(pipeline::Compilation& c, const Source& source) {
  const SourceFile* file = c.sources.add(source.path, source.text);
  sema::Options options;
  options.overrides = source.overrides;
  return pipeline::compile(c, *file, pipeline::Language::Gen, options);
}

std::optional<Training> prepare_training(pipeline::Compilation& c, Source source, ir::Program program,
                                         const std::string& model) {
  size_t index = pick_train(program, source.path, model);
  const ir::Train& train = program.trains[index];
  const ir::Model* m = program.model(train.model);
  GENC_ASSERT(m != nullptr, "train block of unknown model " + train.model);
  std::optional<lower::TrainingProgram> plan = lower::lower(*m, c.diags);
  if (!plan || c.diags.has_errors()) return std::nullopt;
  TrainConfig config = ir::train_config(train);
  return Training{std::move(source), std::move(program), index, std::move(*plan), std::move(config)};
}

std::optional<Training> compile_training(pipeline::Compilation& c, Source source, const std::string& model) {
  std::optional<ir::Program> program = compile_source(c, source);
  if (!program) return std::nullopt;
  return prepare_training(c, std::move(source), std::move(*program), model);
}

}  // namespace genc::runtime
