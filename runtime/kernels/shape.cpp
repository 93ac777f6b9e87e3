// Kernels of shape manipulation (views where possible), reductions, resampling and the
// sinusoidal time embedding. Per-example dimension d is ATen dimension d + 1.
#include <cmath>

#include "runtime/kernels/kernels_impl.h"

namespace genc::runtime::kernels {
namespace {

using ir::Op;

/// flatten and reshape: a view to [B, <result dims>] (a copy only when not contiguous).
class ReshapeKernel : public Kernel {
 public:
  explicit ReshapeKernel(const KernelSpec& s) : in_(s.in[0]), out_(s.out[0]) {
    shape_ = {0};
    for (int64_t d : s.node.outputs[0].dims) shape_.push_back(d);
  }
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    shape_[0] = x.size(0);
    f.slots[out_] = x.reshape(shape_);
  }

 private:
  int in_, out_;
  std::vector<int64_t> shape_;
};

/// Operands with one batch row (constants, tables) are expanded to the batch of the rest.
class ConcatKernel : public Kernel {
 public:
  explicit ConcatKernel(const KernelSpec& s) : in_(s.in), out_(s.out[0]) {
    int rank = s.input_types[0].rank();
    int64_t d = s.attrs().integer("dim");
    dim_ = (d < 0 ? d + rank : d) + 1;
  }
  void run(Frame& f) override {
    int64_t batch = 1;
    for (int slot : in_) batch = std::max(batch, f.slots[slot].size(0));
    std::vector<at::Tensor> parts;
    parts.reserve(in_.size());
    for (int slot : in_) {
      const at::Tensor& t = f.slots[slot];
      if (t.size(0) == batch) {
        parts.push_back(t);
      } else {
        std::vector<int64_t> shape = t.sizes().vec();
        shape[0] = batch;
        parts.push_back(t.expand(shape));
      }
    }
    f.slots[out_] = at::cat(parts, dim_);
  }

 private:
  std::vector<int> in_;
  int out_;
  int64_t dim_;
};

class SplitKernel : public Kernel {
 public:
  explicit SplitKernel(const KernelSpec& s) : in_(s.in[0]), out_(s.out) {
    int rank = s.input_types[0].rank();
    int64_t d = s.attrs().integer("dim");
    dim_ = (d < 0 ? d + rank : d) + 1;
  }
  void run(Frame& f) override {
    std::vector<at::Tensor> parts = f.slots[in_].chunk(static_cast<int64_t>(out_.size()), dim_);
    for (size_t i = 0; i < out_.size(); ++i) f.slots[out_[i]] = parts[i];
  }

 private:
  int in_;
  std::vector<int> out_;
  int64_t dim_;
};

/// sum/mean over per-example `dims` (all of them when none are listed).
class ReduceKernel : public Kernel {
 public:
  explicit ReduceKernel(const KernelSpec& s) : mean_(s.node.op == Op::Mean), in_(s.in[0]), out_(s.out[0]) {
    int rank = s.input_types[0].rank();
    std::vector<int64_t> listed;
    if (s.attrs().has("dims")) listed = s.attrs().integers("dims");
    if (listed.empty())
      for (int d = 0; d < rank; ++d) listed.push_back(d);
    for (int64_t d : listed) dims_.push_back((d < 0 ? d + rank : d) + 1);
  }
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    if (dims_.empty()) {
      f.slots[out_] = x;
      return;
    }
    f.slots[out_] = mean_ ? x.mean(dims_) : x.sum(dims_);
  }

 private:
  bool mean_;
  int in_, out_;
  std::vector<int64_t> dims_;
};

class ResampleKernel : public Kernel {
 public:
  explicit ResampleKernel(const KernelSpec& s)
      : up_(s.node.op == Op::Upsample),
        in_(s.in[0]),
        out_(s.out[0]),
        factor_(s.attrs().integer("factor")),
        size_{s.node.outputs[0].dims[1], s.node.outputs[0].dims[2]} {}
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    f.slots[out_] = up_ ? at::upsample_nearest2d(x, size_) : at::avg_pool2d(x, {factor_, factor_}, {factor_, factor_});
  }

 private:
  bool up_;
  int in_, out_;
  int64_t factor_;
  std::vector<int64_t> size_;
};

/// Transformer-style embedding of a time value t: [sin(t w_i), cos(t w_i)] with
/// w_i = 10000^(-i / (dim/2)). Integer steps are used as they are; f32 times in [0,1]
/// are scaled by 1000 first, so both give the same frequencies over a schedule.
class SinusoidalKernel : public Kernel {
 public:
  explicit SinusoidalKernel(const KernelSpec& s)
      : in_(s.in[0]), out_(s.out[0]), scale_(s.input_types[0].dtype == ir::DType::F32 ? 1000.0 : 1.0) {
    int64_t half = s.attrs().integer("dim") / 2;
    at::TensorOptions opts = at::TensorOptions(s.device).dtype(at::kFloat);
    freqs_ = at::exp(at::arange(half, opts) * (-std::log(10000.0) / static_cast<double>(half))).unsqueeze(0);
  }
  void run(Frame& f) override {
    at::Tensor t = f.slots[in_].to(at::kFloat).mul(scale_).unsqueeze(1) * freqs_;
    f.slots[out_] = at::cat({t.sin(), t.cos()}, 1);
  }

 private:
  int in_, out_;
  double scale_;
  at::Tensor freqs_;
};

}  // namespace

std::unique_ptr<Kernel> make_shape(const KernelSpec& spec) {
  switch (spec.node.op) {
    case Op::Flatten:
    case Op::Reshape: return std::make_unique<ReshapeKernel>(spec);
    case Op::Concat: return std::make_unique<ConcatKernel>(spec);
    case Op::Split: return std::make_unique<SplitKernel>(spec);
    case Op::Sum:
    case Op::Mean: return std::make_unique<ReduceKernel>(spec);
    case Op::Upsample:
    case Op::AvgPool: return std::make_unique<ResampleKernel>(spec);
    case Op::Sinusoidal: return std::make_unique<SinusoidalKernel>(spec);
    default: not_in_family("shape", spec);
  }
}

}  // namespace genc::runtime::kernels
