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
  std::optional<Restored> restored = restore(c, r.checkpoint, [&](ir::Program& p, const std::string& model) {
    apply_sampler_override(p, model, r.sampler);
  });
  if (!restored) return false;
  const std::string& model = restored->meta.model;
  if (!restored->executor->can_sample())
    throw RuntimeUserError("model '" + model + "' (objective " + restored->training.plan.objective +
                           ") cannot draw samples");
  const ir::Dataset& data = restored->training.train_data();
  std::vector<int64_t> prompt;
  if (!r.prompt.empty()) {
    if (!is_text_data(data))
      throw RuntimeUserError("--prompt needs a text model (data from text(...)); '" + model + "' is not one");
    const int64_t context = restored->training.plan.sample->result_type("x").dims.at(0);
    if (static_cast<int64_t>(r.prompt.size()) > context)
      throw RuntimeUserError(fmt::format("the prompt has {} bytes, longer than the context of {} ({} bytes)",
                                         r.prompt.size(), model, context));
    for (unsigned char c : r.prompt) prompt.push_back(c);
  }
  Data s = restored->executor->sample(r.n, r.seed, prompt);
  if (r.out.empty() && is_text_data(data)) {
    log << samples_text(s.x);
    return true;
  }
  const std::string out = r.out.empty() ? "grid.png" : r.out;
  write_samples(out, s, data);
  log << fmt::format("genc: wrote {} ({} samples of {} at step {})\n", out, r.n, model, restored->meta.step);
  return true;
}

}  // namespace genc::runtime
