// `genc sample CHECKPOINT [-n 64] [-o grid.png] [--seed N]`: recompiles the source stored in
// the checkpoint, loads its parameters and writes a PNG grid of n samples, atomically.
// Class-conditional samples are ordered by their label.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "runtime/io/png.h"
#include "tools/genc/command.h"
#include "tools/genc/runtime_driver.h"

namespace genc::cli {
namespace {

struct SampleArgs {
  std::string checkpoint;
  int64_t n = 64;
  std::string out = "grid.png";
  uint64_t seed = 0;
};

int run_sample(const SampleArgs& a) {
  Session session;
  std::optional<Restored> r = restore(session, a.checkpoint);
  if (!r) return std::max(session.finish(), 1);
  const std::string& model = r->meta.model;
  if (!r->executor->can_sample())
    return print_error("model '" + model + "' (objective " + r->training.plan.objective + ") cannot draw samples");
  runtime::Data s = r->executor->sample(a.n, a.seed);
  if (!is_image_batch(s.x))
    return print_error(fmt::format("the samples of model '{}' have shape [{}], not [C,H,W] images with 1 or 3 "
                                   "channels: there is no grid to draw",
                                   model, fmt::join(s.x.sizes().slice(1), ",")));
  at::Tensor images = to_unit_range(s.x, r->training.train_data());
  if (s.y) images = images.index_select(0, std::get<1>(s.y->sort(/*stable=*/true, 0, false)));
  runtime::write_png_grid(a.out, images);
  std::cout << fmt::format("genc: wrote {} ({} samples of {} at step {})\n", a.out, a.n, model, r->meta.step);
  return 0;
}

}  // namespace

Action setup_sample(CLI::App& sub) {
  auto a = std::make_shared<SampleArgs>();
  sub.add_option("checkpoint", a->checkpoint, "A checkpoint written by genc run (OUT/checkpoints/step_N.pt)")
      ->required();
  sub.add_option("-n", a->n, "Number of samples")->check(CLI::Range(int64_t{1}, int64_t{4096}))->capture_default_str();
  sub.add_option("-o,--output", a->out, "The PNG grid to write (atomically)")->capture_default_str();
  sub.add_option("--seed", a->seed, "Seed of the sampler's noise")->capture_default_str();
  sub.footer("Exit status: 0 success, 1 user error (missing, corrupt or foreign checkpoint; nothing is written),\n"
             "2 internal error.");
  return [a] { return guard_runtime([&] { return run_sample(*a); }); };
}

}  // namespace genc::cli
