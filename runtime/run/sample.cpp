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
  if (!is_image_batch(s.x))
    throw RuntimeUserError(fmt::format("the samples of model '{}' have shape [{}], not [C,H,W] images with 1 or 3 "
                                       "channels: there is no grid to draw",
                                       model, fmt::join(s.x.sizes().slice(1), ",")));
  write_sample_grid(r.out, s, restored->training.train_data());
  log << fmt::format("genc: wrote {} ({} samples of {} at step {})\n", r.out, r.n, model, restored->meta.step);
  return true;
}

}  // namespace genc::runtime
