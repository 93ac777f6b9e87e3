// `genc sample` (see sample.h).
#include "runtime/run/sample.h"

#include <ostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/errors.h"
#include "runtime/io/sample_grid.h"
#include "runtime/run/restore.h"

namespace genc::runtime {

bool sample_checkpoint(pipeline::Compilation& c, const SampleRequest& r, std::ostream& log) {
  std::optional<Restored> restored = restore(c, r.checkpoint);
  if (!restored) return false;
  const std::string& model = restored->meta.model;
  if (!restored->executor->can_sample())
    throw RuntimeUserError("model '" + model + "' (objective " + restored->training.plan.objective +
                           ") cannot draw samples");
  Data s = restored->executor->sample(r.n, r.seed);
  write_samples(r.out, s, restored->training.train_data());
  log << fmt::format("genc: wrote {} ({} samples of {} at step {})\n", r.out, r.n, model, restored->meta.step);
  return true;
}

}  // namespace genc::runtime
