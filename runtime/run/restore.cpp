// Restoring a checkpoint (see restore.h).
#include "runtime/run/restore.h"

#include "runtime/trainer.h"

namespace genc::runtime {

std::optional<Restored> restore(pipeline::Compilation& c, const std::string& checkpoint,
                                const std::function<void(ir::Program&, const std::string&)>& adjust) {
  CheckpointMeta meta = read_checkpoint_meta(checkpoint);
  Source source{meta.source_path, meta.source_text, meta.overrides};
  std::optional<ir::Program> program = compile_source(c, source);
  if (!program) return std::nullopt;
  if (adjust) adjust(*program, meta.model);
  std::optional<Training> training = prepare_training(c, std::move(source), std::move(*program), meta.model);
  if (!training) return std::nullopt;
  torch::Device device = resolve_device(training->config.device);
  auto executor = std::make_unique<Executor>(training->plan, training->model(), training->config, device);
  load_checkpoint(checkpoint, *executor);
  return Restored{std::move(meta), std::move(*training), std::move(executor)};
}

}  // namespace genc::runtime
