// The `data` transforms as whole-tensor ATen expressions.
#include "runtime/data/transforms.h"

#include <string>

#include "runtime/errors.h"

namespace genc::runtime::transforms {

at::Tensor binarize(const at::Tensor& x, double threshold) { return x.gt(threshold).to(at::kFloat); }

at::Tensor scale(const at::Tensor& x, double lo, double hi) { return x.mul(hi - lo).add_(lo); }

at::Tensor flatten(const at::Tensor& x) { return x.reshape({x.size(0), -1}); }

at::Tensor tokens(const at::Tensor& x, int64_t levels) {
  if (levels < 2) throw RuntimeUserError("tokens: levels must be at least 2, got " + std::to_string(levels));
  if (!x.is_floating_point()) return x.to(at::kLong);  // token ids already
  return x.clamp(0.0, 1.0).mul_(static_cast<double>(levels - 1)).round_().to(at::kLong);
}

}  // namespace genc::runtime::transforms
