// One train block compiled for the runtime: a .gen source (a file's text, or the copy a
// checkpoint stores) through the compile pipeline, its train block picked, its model's
// objective lowered to a TrainingProgram and its settings read into a TrainConfig.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "compiler/pipeline/pipeline.h"
#include "runtime/train_config.h"

namespace genc::runtime {

using Overrides = std::vector<std::pair<std::string, std::string>>;

/// A program's source: a .gen file's text, or the copy a checkpoint stores.
struct Source {
  std::string path;  ///< as it names itself in diagnostics; relative imports resolve against it
  std::string text;
  Overrides overrides;  ///< --set, in order
};

/// One `train` block compiled for the runtime. It points into source files owned by the
/// Compilation that compiled it: keep that alive as long as this.
struct Training {
  Source source;
  ir::Program program;
  size_t train_index = 0;
  lower::TrainingProgram plan;
  TrainConfig config;

  const ir::Train& train() const { return program.trains[train_index]; }
  const ir::Model& model() const { return *program.model(train().model); }
  const ir::Dataset& train_data() const { return *program.dataset(train().data); }
};

/// Reads `path` into a Source. Null after reporting FileNotFound in `c`.
std::optional<Source> read_source(pipeline::Compilation& c, const std::string& path, Overrides overrides);

/// Compiles `source` to optimized graph IR (pipeline::compile). Null after reporting errors.
std::optional<ir::Program> compile_source(pipeline::Compilation& c, const Source& source);

/// Picks the train block of `model` (empty: the first train block), lowers its model's
/// objective and reads its settings. Null after reporting diagnostics in `c`; throws
/// RuntimeUserError when the program has no such train block.
std::optional<Training> prepare_training(pipeline::Compilation& c, Source source, ir::Program program,
                                         const std::string& model);

/// compile_source, then prepare_training.
std::optional<Training> compile_training(pipeline::Compilation& c, Source source, const std::string& model);

}  // namespace genc::runtime
