// `genc sample`: samples from a checkpoint, as a PNG grid, a scatter plot or .npy points.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "compiler/pipeline/pipeline.h"
#include "runtime/run/sampler_override.h"

namespace genc::runtime {

struct SampleRequest {
  std::string checkpoint;
  int64_t n = 64;                 ///< samples
  std::string out;                ///< the file to write (write_samples: .png, .npy, .txt); empty:
                                  ///< text models print to the log, others write grid.png
  std::string prompt;             ///< a text model continues it (at most its context long)
  uint64_t seed = 0;              ///< of the sampler's noise
  SamplerOverride sampler;        ///< a diffusion model's sampler / guidance instead of its own
};

/// Restores the checkpoint, draws `n` samples and writes them to `out` (write_samples: the
/// data's transforms undone, class-conditional grids ordered by label) atomically; reports
/// the file on `log`. False after reporting compile errors in `c`; throws RuntimeUserError
/// for a bad checkpoint or samples that `out` cannot hold (nothing is written).
bool sample_checkpoint(pipeline::Compilation& c, const SampleRequest& request, std::ostream& log);

}  // namespace genc::runtime
