// `genc sample`: a PNG grid of samples from a checkpoint.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "compiler/pipeline/pipeline.h"

namespace genc::runtime {

struct SampleRequest {
  std::string checkpoint;
  int64_t n = 64;                 ///< samples
  std::string out = "grid.png";  ///< the PNG to write
  uint64_t seed = 0;              ///< of the sampler's noise
};

/// Restores the checkpoint, draws `n` samples and writes them as one grid (write_sample_grid:
/// the data's transforms undone, class-conditional samples ordered by label) atomically;
/// reports the file on `log`. False after reporting compile errors in `c`; throws
/// RuntimeUserError for a bad checkpoint or a model without image samples (nothing is written).
bool sample_checkpoint(pipeline::Compilation& c, const SampleRequest& request, std::ostream& log);

}  // namespace genc::runtime
