// What the runtime commands (run, sample, eval) share: compiling a .gen source down to one
// train block's lowered TrainingProgram and TrainConfig (from a file, or from the copy a
// checkpoint stores), rebuilding an Executor from a checkpoint, and reporting runtime user
// errors as one line.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "runtime/checkpoint.h"
#include "runtime/executor.h"
#include "runtime/train_config.h"
#include "tools/genc/driver.h"

namespace genc::cli {

using Overrides = std::vector<std::pair<std::string, std::string>>;

/// A program's source: a .gen file's text, or the copy a checkpoint stores.
struct Source {
  std::string path;  ///< as it names itself in diagnostics; relative imports resolve against it
  std::string text;
  Overrides overrides;  ///< --set, in order
};

/// One `train` block compiled for the runtime. It points into source files owned by the
/// Session that compiled it: keep that Session alive as long as this.
struct Training {
  Source source;
  ir::Program program;
  size_t train_index = 0;
  lower::TrainingProgram plan;
  runtime::TrainConfig config;

  const ir::Train& train() const { return program.trains[train_index]; }
  const ir::Model& model() const { return *program.model(train().model); }
  const ir::Dataset& train_data() const { return *program.dataset(train().data); }
};

/// Reads `path` into a Source (FileNotFound is reported in the session).
std::optional<Source> read_source(Session& session, const std::string& path, Overrides overrides);

/// Parses, analyses and optimizes `source`. Null after reporting errors in the session.
std::optional<ir::Program> compile_source(Session& session, const Source& source);

/// Picks the train block of `model` (empty: the first train block), lowers its model's
/// objective and takes its settings' TrainConfig. Null after reporting: diagnostics go to
/// the session, problems without a source position are printed at once (print_error).
std::optional<Training> prepare_training(Session& session, Source source, ir::Program program,
                                         const std::string& model);

/// A checkpoint brought back to life: its source recompiled and an Executor holding its state.
struct Restored {
  runtime::CheckpointMeta meta;
  Training training;
  std::unique_ptr<runtime::Executor> executor;
};

/// Recompiles the source stored in `checkpoint` (with its --set overrides), lets `adjust`
/// edit the program before lowering (null: no change), builds the Executor on the train
/// block's device and loads the checkpoint into it. Throws RuntimeUserError for a missing,
/// corrupt or foreign checkpoint; null after printing compile errors.
std::optional<Restored> restore(Session& session, const std::string& checkpoint,
                                const std::function<void(ir::Program&)>& adjust = nullptr);

/// Samples as images with values in [0,1]: the inverse of the data's `scale(lo, hi)`
/// transforms, applied to `x` [N, ...].
at::Tensor to_unit_range(const at::Tensor& x, const ir::Dataset& data);

/// Whether `x` [N,C,H,W] with C = 1 or 3 can be written as a PNG grid.
bool is_image_batch(const at::Tensor& x);

/// Prints "genc: error: MESSAGE" on stderr and returns exit code 1.
int print_error(const std::string& message);

/// Runs a runtime command: a runtime::RuntimeUserError it throws is printed as one
/// "genc: error: ..." line and gives exit code 1. Other exceptions propagate (exit 2).
int guard_runtime(const std::function<int()>& command);

}  // namespace genc::cli
