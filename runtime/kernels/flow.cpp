// Forward kernels of the flow ops: coupling masks, affine/additive couplings, actnorm (with
// Glow's data-dependent initialisation), invertible 1x1 convolutions, permutations,
// squeeze, factor_out, logit, dequantize and the marker of a user invertible step (each returns
// (y, logdet [B])), and the inverse steps a flow's sampler runs (y -> x).
#include <cmath>
#include <optional>

#include "runtime/data/rng.h"
#include "runtime/kernels/kernels_impl.h"

namespace genc::runtime::kernels {
namespace {

using ir::Op;

/// The flat (row-major, per example) indices of a coupling mask's halves; see
/// shape_fns_flow.cpp for the masks.
struct MaskIndices {
  at::Tensor cond, rest;
};

MaskIndices mask_indices(const std::string& mask, const std::vector<int64_t>& dims, at::Device device) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<int64_t> cond, rest;
  for (int64_t i = 0; i < n; ++i) {
    bool in_cond;
    if (mask == "even" || mask == "odd") {
      in_cond = (i % 2 == 0) == (mask == "even");
    } else {
      int64_t plane = dims[1] * dims[2], c = i / plane, h = (i % plane) / dims[2], w = i % dims[2];
      in_cond = mask == "checker" ? (h + w) % 2 == 0 : c < dims[0] - dims[0] / 2;
    }
    (in_cond ? cond : rest).push_back(i);
  }
  auto to = [&](const std::vector<int64_t>& v) { return at::tensor(v, at::kLong).to(device); };
  return {to(cond), to(rest)};
}

at::Tensor flat(const at::Tensor& x) { return x.reshape({x.size(0), -1}); }

/// Operand shapes [C] / [C,L] / [C,H,W]: a per-channel vector [C] viewed to broadcast.
at::Tensor per_channel(const at::Tensor& v, int rank) {
  std::vector<int64_t> shape{1, v.size(0)};
  for (int i = 1; i < rank; ++i) shape.push_back(1);
  return v.view(shape);
}

int64_t spatial_size(const std::vector<int64_t>& dims) {
  int64_t s = 1;
  for (size_t i = 1; i < dims.size(); ++i) s *= dims[i];
  return s;
}

/// One half of x: flat, or on a feature map the spatially shaped conditioning half
/// ("channel": the first ceil(C/2) channels; "checker": x with the rest positions zeroed).
class MaskSelectKernel : public Kernel {
 public:
  explicit MaskSelectKernel(const KernelSpec& s) : in_(s.in[0]), out_(s.out[0]) {
    const std::vector<int64_t>& dims = s.input_types[0].dims;
    std::string mask = s.attrs().string("mask");
    bool cond = s.attrs().string("part") == "cond";
    MaskIndices m = mask_indices(mask, dims, s.device);
    index_ = cond ? m.cond : m.rest;
    if (cond && mask == "channel") channels_ = dims[0] - dims[0] / 2;
    if (cond && mask == "checker")
      keep_ = at::zeros({dims[0] * dims[1] * dims[2]}).index_fill_(0, m.cond.cpu(), 1.0).view({1, dims[0], dims[1], dims[2]}).to(s.device);
  }
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    if (channels_ > 0) f.slots[out_] = x.narrow(1, 0, channels_);
    else if (keep_.defined()) f.slots[out_] = x * keep_.to(x.dtype());
    else f.slots[out_] = flat(x).index_select(1, index_);
  }

 private:
  int in_, out_;
  int64_t channels_ = 0;  ///< "channel" cond: the channels kept
  at::Tensor index_, keep_;  ///< keep_: "checker" cond's 0/1 mask [1,C,H,W]
};

/// A coupling's per-element log-scale and shift of the rest half from its net output `o`
/// ([B, k n] full-size on a feature map, k = 1 or 2 and n = numel(x) per example, or [B, k r]
/// packed in rest order); `affine` reads both, else o is the shift alone.
struct CouplingParams {
  at::Tensor log_scale, shift;
};

CouplingParams coupling_params(const at::Tensor& o, const at::Tensor& rest, int64_t n, bool affine, bool sigmoid) {
  int64_t r = rest.size(0), k = affine ? 2 : 1;
  bool full = o.size(1) == k * n;  // r < n, so never both
  auto part = [&](int64_t i) {
    return full ? o.narrow(1, i * n, n).index_select(1, rest) : o.narrow(1, i * r, r);
  };
  if (!affine) return {at::Tensor(), part(0)};
  at::Tensor s = part(0);
  return {sigmoid ? at::log_sigmoid(s + 2.0) : s, part(1)};
}

/// y_rest = x_rest * exp(l) + t (affine; o = [s, t], l = s for scale "exp" or
/// log sigmoid(s + 2) for "sigmoid") or x_rest + t (additive; o = t); the conditioning half
/// passes unchanged. logdet = sum(l).
class CouplingKernel : public Kernel {
 public:
  explicit CouplingKernel(const KernelSpec& s)
      : x_(s.in[0]), net_(s.in[1]), y_(s.out[0]), logdet_(s.out[1]), affine_(s.node.op == Op::AffineCoupling),
        sigmoid_(affine_ && s.attrs().string("scale") == "sigmoid"), numel_(s.input_types[0].numel()) {
    rest_ = mask_indices(s.attrs().string("mask"), s.input_types[0].dims, s.device).rest;
  }
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[x_];
    at::Tensor xf = flat(x), o = flat(f.slots[net_]);
    at::Tensor rest = xf.index_select(1, rest_);
    CouplingParams p = coupling_params(o, rest_, numel_, affine_, sigmoid_);
    at::Tensor y_rest;
    if (affine_) {
      y_rest = rest * p.log_scale.exp() + p.shift;
      f.slots[logdet_] = p.log_scale.sum(1);
    } else {
      y_rest = rest + p.shift;
      f.slots[logdet_] = at::zeros({x.size(0)}, x.options());
    }
    f.slots[y_] = xf.index_copy(1, rest_, y_rest).view(x.sizes());
  }

 private:
  int x_, net_, y_, logdet_;
  bool affine_, sigmoid_;
  int64_t numel_;
  at::Tensor rest_;
};

/// factor_out: y = channels 0..C/2-1, z = channels C/2..C-1 (to the prior), logdet 0.
class FactorOutKernel : public Kernel {
 public:
  explicit FactorOutKernel(const KernelSpec& s)
      : x_(s.in[0]), y_(s.out[0]), logdet_(s.out[1]), z_(s.out[2]), half_(s.input_types[0].dims[0] / 2) {}
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[x_];
    f.slots[y_] = x.narrow(1, 0, half_);
    f.slots[z_] = x.narrow(1, half_, half_);
    f.slots[logdet_] = at::zeros({x.size(0)}, x.options());
  }

 private:
  int x_, y_, logdet_, z_;
  int64_t half_;
};

/// y = (x + loc) * exp(logscale) per channel; the first training batch sets loc and
/// logscale so that y has zero mean and unit variance per channel (Glow).
class ActNormKernel : public Kernel {
 public:
  explicit ActNormKernel(const KernelSpec& s)
      : x_(s.in[0]),
        y_(s.out[0]),
        logdet_(s.out[1]),
        rank_(s.input_types[0].rank()),
        spatial_(static_cast<double>(spatial_size(s.input_types[0].dims))),
        loc_(s.params->get("loc")),
        logscale_(s.params->get("logscale")),
        initialized_(s.params->get("initialized")) {}
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[x_];
    if (f.training && !known_initialized_) {
      // Without reading `initialized` on the host (no sync): the first training batch's
      // statistics replace loc and logscale unless a checkpoint already set them.
      at::NoGradGuard no_grad;
      at::Tensor per = x.transpose(0, 1).reshape({x.size(1), -1});
      at::Tensor mean = per.mean(1);
      at::Tensor std = (per - mean.unsqueeze(1)).pow(2).mean(1).sqrt();  // biased, as Glow
      at::Tensor fresh = initialized_ == 0.0;
      loc_.copy_(at::where(fresh, -mean, loc_));
      logscale_.copy_(at::where(fresh, -(std + 1e-6).log(), logscale_));
      initialized_.fill_(1.0);
      known_initialized_ = true;
    }
    f.slots[y_] = (x + per_channel(loc_, rank_)) * per_channel(logscale_.exp(), rank_);
    f.slots[logdet_] = (logscale_.sum() * spatial_).expand({x.size(0)});
  }

 private:
  int x_, y_, logdet_, rank_;
  double spatial_;
  at::Tensor loc_, logscale_, initialized_;
  bool known_initialized_ = false;  ///< this kernel has run in training (so `initialized` is 1)
};

/// An invconv1x1's W from its parameters (`module`), and log|det W|: the plain form's
/// `weight`, or with `lu: true` Glow's W = P (L + I) (U + diag(sign_s exp(log_s))), whose
/// log|det W| is sum log_s (L strictly lower, U strictly upper, P and sign_s fixed).
struct InvConvWeight {
  bool lu = false;
  at::Tensor weight, perm, lower, upper, log_s, sign_s;

  InvConvWeight(const KernelSpec& s) : lu(s.attrs().boolean("lu")) {
    if (!lu) {
      weight = s.params->get("weight");
      return;
    }
    perm = s.params->get("perm");
    lower = s.params->get("lower");
    upper = s.params->get("upper");
    log_s = s.params->get("log_s");
    sign_s = s.params->get("sign_s");
  }
  at::Tensor matrix() const {
    if (!lu) return weight;
    at::Tensor eye = at::eye(lower.size(0), lower.options());
    at::Tensor l = lower.tril(-1) + eye;
    at::Tensor u = upper.triu(1) + at::diag(sign_s * log_s.exp());
    return at::matmul(perm, at::matmul(l, u));
  }
  at::Tensor logabsdet(const at::Tensor& w) const { return lu ? log_s.sum() : std::get<1>(at::slogdet(w)); }
};

/// y = W x over the channel dimension; logdet = log|det W| * spatial size.
class InvConvKernel : public Kernel {
 public:
  explicit InvConvKernel(const KernelSpec& s)
      : x_(s.in[0]),
        y_(s.out[0]),
        logdet_(s.out[1]),
        rank_(s.input_types[0].rank()),
        spatial_(static_cast<double>(spatial_size(s.input_types[0].dims))),
        weight_(s) {}
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[x_];
    at::Tensor w = weight_.matrix();
    if (rank_ == 1) f.slots[y_] = at::matmul(x, w.t());
    if (rank_ == 2) f.slots[y_] = at::conv1d(x, w.unsqueeze(-1));
    if (rank_ == 3) f.slots[y_] = at::conv2d(x, w.unsqueeze(-1).unsqueeze(-1));
    f.slots[logdet_] = (weight_.logabsdet(w) * spatial_).expand({x.size(0)});
  }

 private:
  int x_, y_, logdet_, rank_;
  double spatial_;
  InvConvWeight weight_;
};

/// The parameter-free invertible steps.
class FixedStepKernel : public Kernel {
 public:
  explicit FixedStepKernel(const KernelSpec& s)
      : op_(s.node.op), x_(s.in[0]), y_(s.out[0]), logdet_(s.out[1]), numel_(s.input_types[0].numel()) {
    ir::OpAttrs a = s.attrs();
    if (op_ == Op::Permute) {
      int64_t c = s.input_types[0].dims[0];
      std::vector<int64_t> order(static_cast<size_t>(c));
      for (int64_t i = 0; i < c; ++i) order[static_cast<size_t>(i)] = c - 1 - i;
      if (a.string("order") == "random") {
        Rng rng(static_cast<uint64_t>(a.integer("seed")));
        for (int64_t i = c - 1; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<uint64_t>(i + 1))]);
      }
      index_ = at::tensor(order, at::kLong).to(s.device);
    }
    if (op_ == Op::Logit) alpha_ = a.number("alpha");
    if (op_ == Op::Dequantize) levels_ = static_cast<double>(a.integer("levels"));
  }
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[x_];
    at::Tensor zero = at::zeros({x.size(0)}, x.options());
    switch (op_) {
      case Op::Permute:
        f.slots[y_] = x.index_select(1, index_);
        f.slots[logdet_] = zero;
        break;
      case Op::Squeeze: {
        int64_t b = x.size(0), c = x.size(1), h = x.size(2) / 2, w = x.size(3) / 2;
        f.slots[y_] = x.view({b, c, h, 2, w, 2}).permute({0, 1, 3, 5, 2, 4}).reshape({b, 4 * c, h, w});
        f.slots[logdet_] = zero;
        break;
      }
      case Op::Logit: {
        at::Tensor p = alpha_ + (1 - 2 * alpha_) * x;
        f.slots[y_] = p.log() - (1 - p).log();
        f.slots[logdet_] = sum_per_example(std::log(1 - 2 * alpha_) - p.log() - (1 - p).log());
        break;
      }
      default: {  // dequantize: y = (x (levels-1) + u) / levels, u ~ U(0,1)
        at::Tensor u = f.random(x.sizes().vec(), x.options(), [&](at::IntArrayRef s, const at::TensorOptions& o) {
          return at::rand(s, *f.generator, o);
        });
        f.slots[y_] = (x * (levels_ - 1) + u) / levels_;
        f.slots[logdet_] = zero - static_cast<double>(numel_) * std::log(levels_);
        break;
      }
    }
  }

 private:
  Op op_;
  int x_, y_, logdet_;
  int64_t numel_;
  at::Tensor index_;
  double alpha_ = 0.0, levels_ = 0.0;  ///< logit's and dequantize's attributes
};

/// A user invertible's forward, already expanded: (x, y, logdet) -> (y, logdet).
class InvertibleStepKernel : public Kernel {
 public:
  explicit InvertibleStepKernel(const KernelSpec& s) : y_in_(s.in[1]), logdet_in_(s.in[2]), y_(s.out[0]), logdet_(s.out[1]) {}
  void run(Frame& f) override {
    f.slots[y_] = f.slots[y_in_];
    f.slots[logdet_] = f.slots[logdet_in_];
  }

 private:
  int y_in_, logdet_in_, y_, logdet_;
};

/// The inverse steps, y -> x, each undoing its forward kernel above: couplings take the net
/// output computed from y's conditioning half (which the forward step passed unchanged).
class InverseStepKernel : public Kernel {
 public:
  explicit InverseStepKernel(const KernelSpec& s)
      : op_(s.node.op), y_(s.in[0]), x_(s.out[0]), rank_(s.input_types[0].rank()) {
    ir::OpAttrs a = s.attrs();
    if (op_ == Op::AffineCouplingInv || op_ == Op::AdditiveCouplingInv) {
      net_ = s.in[1];
      rest_ = mask_indices(a.string("mask"), s.input_types[0].dims, s.device).rest;
      sigmoid_ = op_ == Op::AffineCouplingInv && a.string("scale") == "sigmoid";
      numel_ = s.input_types[0].numel();
    }
    if (op_ == Op::FactorOutInv) net_ = s.in[1];
    if (op_ == Op::ActNormInv) {
      loc_ = s.params->get("loc");
      logscale_ = s.params->get("logscale");
    }
    if (op_ == Op::InvConv1x1Inv) invconv_.emplace(s);
    if (op_ == Op::PermuteInv) {
      int64_t c = s.input_types[0].dims[0];
      std::vector<int64_t> order(static_cast<size_t>(c));
      for (int64_t i = 0; i < c; ++i) order[static_cast<size_t>(i)] = c - 1 - i;
      if (a.string("order") == "random") {  // the forward kernel's shuffle, then inverted
        Rng rng(static_cast<uint64_t>(a.integer("seed")));
        for (int64_t i = c - 1; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<uint64_t>(i + 1))]);
      }
      std::vector<int64_t> inverse(order.size());
      for (size_t i = 0; i < order.size(); ++i) inverse[static_cast<size_t>(order[i])] = static_cast<int64_t>(i);
      index_ = at::tensor(inverse, at::kLong).to(s.device);
    }
    if (op_ == Op::LogitInv) alpha_ = a.number("alpha");
    if (op_ == Op::DequantizeInv) levels_ = static_cast<double>(a.integer("levels"));
  }
  void run(Frame& f) override {
    const at::Tensor& y = f.slots[y_];
    switch (op_) {
      case Op::AffineCouplingInv:
      case Op::AdditiveCouplingInv: {
        at::Tensor yf = flat(y), o = flat(f.slots[net_]);
        at::Tensor rest = yf.index_select(1, rest_);
        bool affine = op_ == Op::AffineCouplingInv;
        CouplingParams p = coupling_params(o, rest_, numel_, affine, sigmoid_);
        at::Tensor x_rest = affine ? (rest - p.shift) * (-p.log_scale).exp() : rest - p.shift;
        f.slots[x_] = yf.index_copy(1, rest_, x_rest).view(y.sizes());
        break;
      }
      case Op::FactorOutInv:  // net_ holds z
        f.slots[x_] = at::cat({y, f.slots[net_]}, 1);
        break;
      case Op::ActNormInv:
        f.slots[x_] = y * per_channel((-logscale_).exp(), rank_) - per_channel(loc_, rank_);
        break;
      case Op::InvConv1x1Inv: {
        at::Tensor w = at::inverse(invconv_->matrix());
        if (rank_ == 1) f.slots[x_] = at::matmul(y, w.t());
        if (rank_ == 2) f.slots[x_] = at::conv1d(y, w.unsqueeze(-1));
        if (rank_ == 3) f.slots[x_] = at::conv2d(y, w.unsqueeze(-1).unsqueeze(-1));
        break;
      }
      case Op::PermuteInv:
        f.slots[x_] = y.index_select(1, index_);
        break;
      case Op::Unsqueeze: {
        int64_t b = y.size(0), c = y.size(1) / 4, h = y.size(2), w = y.size(3);
        f.slots[x_] = y.view({b, c, 2, 2, h, w}).permute({0, 1, 4, 2, 5, 3}).reshape({b, c, 2 * h, 2 * w});
        break;
      }
      case Op::LogitInv:
        f.slots[x_] = (y.sigmoid() - alpha_) / (1 - 2 * alpha_);
        break;
      default:  // dequantize_inv
        f.slots[x_] = ((y * levels_).floor() / (levels_ - 1)).clamp(0.0, 1.0);
        break;
    }
  }

 private:
  Op op_;
  int y_, x_, rank_, net_ = -1;  ///< net_: a coupling's net output, factor_out_inv's z
  bool sigmoid_ = false;
  int64_t numel_ = 0;
  at::Tensor rest_, loc_, logscale_, index_;
  std::optional<InvConvWeight> invconv_;
  double alpha_ = 0.0, levels_ = 0.0;
};

}  // namespace

std::unique_ptr<Kernel> make_flow(const KernelSpec& spec) {
  switch (spec.node.op) {
    case Op::MaskSelect: return std::make_unique<MaskSelectKernel>(spec);
    case Op::AffineCoupling:
    case Op::AdditiveCoupling: return std::make_unique<CouplingKernel>(spec);
    case Op::ActNorm: return std::make_unique<ActNormKernel>(spec);
    case Op::InvConv1x1: return std::make_unique<InvConvKernel>(spec);
    case Op::Permute:
    case Op::Squeeze:
    case Op::Logit:
    case Op::Dequantize: return std::make_unique<FixedStepKernel>(spec);
    case Op::InvertibleStep: return std::make_unique<InvertibleStepKernel>(spec);
    case Op::FactorOut: return std::make_unique<FactorOutKernel>(spec);
    case Op::AffineCouplingInv:
    case Op::AdditiveCouplingInv:
    case Op::ActNormInv:
    case Op::InvConv1x1Inv:
    case Op::PermuteInv:
    case Op::Unsqueeze:
    case Op::LogitInv:
    case Op::DequantizeInv:
    case Op::FactorOutInv: return std::make_unique<InverseStepKernel>(spec);
    default: not_in_family("flow", spec);
  }
}

}  // namespace genc::runtime::kernels
