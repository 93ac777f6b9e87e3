// GradReducer: buckets planned once from the first gradients, then per call one packing
// copy (cat), one all-reduce and one division per bucket (see grad_reducer.h).
#include "runtime/dist/grad_reducer.h"

#include <ATen/ATen.h>

namespace genc::runtime::dist {

void GradReducer::plan(const std::vector<at::Tensor>& grads) {
  buckets_.clear();
  defined_.assign(grads.size(), false);
  int64_t bytes = 0;
  for (size_t i = 0; i < grads.size(); ++i) {
    const at::Tensor& g = grads[i];
    if (!g.defined()) continue;
    defined_[i] = true;
    const int64_t size = g.numel() * static_cast<int64_t>(g.element_size());
    bool fits = !buckets_.empty() && bytes + size <= kBucketBytes;
    if (fits) {
      const at::Tensor& first = grads[buckets_.back().members.front()];
      fits = first.scalar_type() == g.scalar_type() && first.device() == g.device();
    }
    if (!fits) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().members.push_back(i);
    bytes += size;
  }
  for (Bucket& b : buckets_) {
    int64_t n = 0;
    for (size_t i : b.members) n += grads[i].numel();
    b.flat = at::empty({n}, grads[b.members.front()].options());
  }
}

void GradReducer::average(std::vector<at::Tensor>& grads, const std::string& when) {
  std::vector<bool> defined(grads.size());
  for (size_t i = 0; i < grads.size(); ++i) defined[i] = grads[i].defined();
  if (defined != defined_) plan(grads);
  const double world = group_->world_size();
  for (Bucket& b : buckets_) {
    std::vector<at::Tensor> parts;
    parts.reserve(b.members.size());
    for (size_t i : b.members) parts.push_back(grads[i].reshape({-1}));
    at::cat_out(b.flat, parts);
    group_->all_reduce_sum(b.flat, "the gradient all-reduce of group '" + name_ + "' in " + when);
    b.flat.div_(world);
    int64_t offset = 0;
    for (size_t i : b.members) {
      const int64_t n = grads[i].numel();
      grads[i] = b.flat.narrow(0, offset, n).view(grads[i].sizes());
      offset += n;
    }
  }
}

}  // namespace genc::runtime::dist
