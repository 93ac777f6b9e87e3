// Bringing a checkpoint back to life for `genc sample` and `genc eval`: the source it
// stores recompiled, and an Executor holding its state.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "compiler/ir/program.h"
#include "compiler/pipeline/pipeline.h"
#include "runtime/checkpoint.h"
#include "runtime/executor.h"
#include "runtime/run/training.h"

namespace genc::runtime {

/// A restored checkpoint. `training` points into the Compilation that restored it.
struct Restored {
  CheckpointMeta meta;
  Training training;
  std::unique_ptr<Executor> executor;
};

/// Recompiles the source stored in `checkpoint` (with its --set overrides), lets `adjust`
/// edit the program before lowering (null: no change; it gets the checkpoint's model name),
/// builds the Executor on the train block's device and loads the checkpoint into it. Throws RuntimeUserError for a missing,
/// corrupt or foreign checkpoint; null after reporting compile errors in `c`.
std::optional<Restored> restore(pipeline::Compilation& c, const std::string& checkpoint,
                                const std::function<void(ir::Program&, const std::string&)>& adjust = nullptr);

}  // namespace genc::runtime
