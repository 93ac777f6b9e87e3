// Sample grids (see sample_grid.h).
#include "runtime/io/sample_grid.h"

#include <tuple>

#include "compiler/support/diagnostics.h"
#include "runtime/io/png.h"

namespace genc::runtime {

bool is_image_batch(const at::Tensor& x) { return x.dim() == 4 && (x.size(1) == 1 || x.size(1) == 3); }

at::Tensor to_unit_range(const at::Tensor& x, const ir::Dataset& data) {
  // Loading applied the transforms in order, so undoing them goes the other way:
  // scale(a, b) then scale(c, d) is x -> (x (b-a) + a)(d-c) + c, undone by d, c first.
  at::Tensor out = x;
  for (auto it = data.transforms.rbegin(); it != data.transforms.rend(); ++it) {
    if (it->name != "scale") continue;
    double lo = ir::attr_float(it->args, "lo"), hi = ir::attr_float(it->args, "hi");
    out = out.sub(lo).div(hi - lo);
  }
  return out;
}

void write_sample_grid(const std::string& path, const Data& samples, const ir::Dataset& data) {
  GENC_ASSERT(is_image_batch(samples.x), "write_sample_grid of samples that are not images");
  at::Tensor images = to_unit_range(samples.x, data);
  if (samples.y) images = images.index_select(0, std::get<1>(samples.y->sort(/*stable=*/true, 0, false)));
  write_png_grid(path, images);
}

}  // namespace genc::runtime
