// `genc export CHECKPOINT -o model.pt`: the checkpoint's sampler as a TorchScript module
// with its trained weights (runtime/export), which Python loads with torch.jit.load.
#pragma once

#include <iosfwd>
#include <string>

#include "compiler/pipeline/pipeline.h"

namespace genc::runtime {

struct ExportRequest {
  std::string checkpoint;
  std::string out = "model.pt";
};

/// Restores the checkpoint and saves (atomically) a module whose forward(z) maps noise z
/// [N, noise_shape()...] to samples x, as genc's sampler does for that noise (before the
/// data's transforms are undone) and, for a VAE whose encoder translates, encode(x) to the
/// mean and log-variance of q(z|x); names it on `log`. False after reporting compile
/// errors in `c`; throws RuntimeUserError for a bad checkpoint or a sampler that cannot be
/// exported yet (saying why).
bool export_checkpoint(pipeline::Compilation& c, const ExportRequest& request, std::ostream& log);

}  // namespace genc::runtime
