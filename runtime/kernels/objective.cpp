// Kernels of the training-objective ops: random draws with the frame's generator,
// gradient control (detach, grad_input, grad_penalty), batch repetition, classifier-free
// guidance (drop_label, guidance_labels, guidance_mix), and the
// per-example losses of VAEs, GANs and classifiers (each sums its event to [B]).
#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <limits>

#include "compiler/lower/schedule.h"
#include "runtime/kernels/kernels_impl.h"

namespace genc::runtime::kernels {
namespace {

using ir::Op;

const double kLog2Pi = std::log(2.0 * M_PI);

/// randn, rand, rand_label: batch * num / den rows of the node's type.
class RandomKernel : public Kernel {
 public:
  explicit RandomKernel(const KernelSpec& s)
      : op_(s.node.op), out_(s.out[0]), num_(s.batch_num), den_(s.batch_den) {
    shape_ = {0};
    for (int64_t d : s.node.outputs[0].dims) shape_.push_back(d);
    if (op_ == Op::RandLabel) {
      classes_ = s.attrs().integer("classes");
      options_ = at::TensorOptions(s.device).dtype(at::kLong);
    } else {
      options_ = at::TensorOptions(s.device).dtype(at::kFloat);
    }
  }
  void run(Frame& f) override {
    shape_[0] = f.batch * num_ / den_;
    switch (op_) {
      case Op::Randn:
        f.slots[out_] = f.random(shape_, options_, [&](at::IntArrayRef s, const at::TensorOptions& o) {
          return at::randn(s, *f.generator, o);
        });
        break;
      case Op::RandUniform:
        f.slots[out_] = f.random(shape_, options_, [&](at::IntArrayRef s, const at::TensorOptions& o) {
          return at::rand(s, *f.generator, o);
        });
        break;
      default:
        f.slots[out_] = f.random(shape_, options_, [&](at::IntArrayRef s, const at::TensorOptions& o) {
          return at::randint(classes_, s, *f.generator, o);
        });
        break;
    }
  }

 private:
  Op op_;
  int out_;
  int64_t num_, den_, classes_ = 0;
  std::vector<int64_t> shape_;
  at::TensorOptions options_;
};

/// drop_label: each label replaced by the null class K with probability p (classifier-free
/// guidance's training step).
class DropLabelKernel : public Kernel {
 public:
  explicit DropLabelKernel(const KernelSpec& s)
      : in_(s.in[0]), out_(s.out[0]), null_(s.input_types[0].classes), p_(s.attrs().number("p")),
        options_(at::TensorOptions(s.device).dtype(at::kFloat)) {}
  void run(Frame& f) override {
    const at::Tensor& y = f.slots[in_];
    at::Tensor u = f.random({y.size(0)}, options_, [&](at::IntArrayRef s, const at::TensorOptions& o) {
      return at::rand(s, *f.generator, o);
    });
    f.slots[out_] = at::where(u < p_, at::full_like(y, null_), y);
  }

 private:
  int in_, out_;
  int64_t null_;
  double p_;
  at::TensorOptions options_;
};

/// start_tokens: batch * num / den rows of `len` zeros (the start token), i64.
class StartTokensKernel : public Kernel {
 public:
  explicit StartTokensKernel(const KernelSpec& s)
      : out_(s.out[0]), num_(s.batch_num), den_(s.batch_den), len_(s.attrs().integer("len")),
        options_(at::TensorOptions(s.device).dtype(at::kLong)) {}
  void run(Frame& f) override { f.slots[out_] = at::zeros({f.batch * num_ / den_, len_}, options_); }

 private:
  int out_;
  int64_t num_, den_, len_;
  at::TensorOptions options_;
};

/// kv_cache: batch * num / den rows of zeros [2, heads, len, dim / heads], f32.
class KvCacheKernel : public Kernel {
 public:
  explicit KvCacheKernel(const KernelSpec& s)
      : out_(s.out[0]), num_(s.batch_num), den_(s.batch_den), options_(at::TensorOptions(s.device).dtype(at::kFloat)) {
    shape_ = {0};
    for (int64_t d : s.node.outputs[0].dims) shape_.push_back(d);
  }
  void run(Frame& f) override {
    shape_[0] = f.batch * num_ / den_;
    f.slots[out_] = at::zeros(shape_, options_);
  }

 private:
  int out_;
  int64_t num_, den_;
  std::vector<int64_t> shape_;
  at::TensorOptions options_;
};

/// sample_position(tokens [B,L], logits [B,L,K] or [B,1,K], t [1]): a copy of the tokens with position
/// t drawn from softmax(logits[:, t] / temperature), restricted to the top_k most likely
/// tokens and to the smallest set of them whose probability reaches top_p. The position
/// stays a device tensor (index_select / index_copy): no host synchronisation.
class SamplePositionKernel : public Kernel {
 public:
  explicit SamplePositionKernel(const KernelSpec& s)
      : tokens_(s.in[0]), logits_(s.in[1]), t_(s.in[2]), out_(s.out[0]),
        temperature_(s.attrs().number("temperature")), top_k_(s.attrs().integer("top_k")),
        top_p_(s.attrs().number("top_p")) {}
  void run(Frame& f) override {
    at::Tensor t = f.slots[t_].reshape({-1}).narrow(0, 0, 1);  // one position for every row (a loop table value)
    const at::Tensor& rows = f.slots[logits_];  // [B, L, K], or [B, 1, K] from a decode step
    at::Tensor logits = (rows.size(1) == 1 ? rows.select(1, 0) : rows.index_select(1, t).squeeze(1)) / temperature_;
    int64_t k = logits.size(-1);
    if (top_k_ > 0 && top_k_ < k) {
      at::Tensor kth = std::get<0>(logits.topk(top_k_, -1)).select(-1, top_k_ - 1).unsqueeze(-1);
      logits = logits.masked_fill(logits < kth, -std::numeric_limits<float>::infinity());
    }
    at::Tensor probs = at::softmax(logits, -1);
    if (top_p_ < 1.0) {
      auto [sorted, order] = probs.sort(-1, /*descending=*/true);
      // Drop a token when the mass before it already reaches top_p (the first always stays).
      at::Tensor drop = (sorted.cumsum(-1) - sorted) >= top_p_;
      probs = probs.scatter(-1, order, sorted.masked_fill(drop, 0.0));
    }
    at::Tensor draw = f.random_unsharded(probs.options(), [&](const at::TensorOptions& o) {
      return at::multinomial(probs.to(o.device()), 1, false, *f.generator);
    });
    f.slots[out_] = f.slots[tokens_].index_copy(1, t, draw);
  }

 private:
  int tokens_, logits_, t_, out_;
  double temperature_;
  int64_t top_k_;
  double top_p_;
};

/// One-operand kernels given as a function of the operand (and the node's attributes).
class MapKernel : public Kernel {
 public:
  using Fn = std::function<at::Tensor(const at::Tensor&)>;
  MapKernel(const KernelSpec& s, Fn fn) : in_(s.in[0]), out_(s.out[0]), fn_(std::move(fn)) {}
  void run(Frame& f) override { f.slots[out_] = fn_(f.slots[in_]); }

 private:
  int in_, out_;
  Fn fn_;
};

/// Kernels of several operands given as a function of them.
class ZipKernel : public Kernel {
 public:
  using Fn = std::function<at::Tensor(const std::vector<at::Tensor>&)>;
  ZipKernel(const KernelSpec& s, Fn fn) : in_(s.in), out_(s.out[0]), fn_(std::move(fn)) {
    args_.resize(in_.size());
  }
  void run(Frame& f) override {
    for (size_t i = 0; i < in_.size(); ++i) args_[i] = f.slots[in_[i]];
    f.slots[out_] = fn_(args_);
    for (at::Tensor& a : args_) a = at::Tensor();
  }

 private:
  std::vector<int> in_;
  int out_;
  Fn fn_;
  std::vector<at::Tensor> args_;
};

/// A copy of its operand that is a gradient leaf, so grad_penalty can differentiate
/// with respect to it (a plain detached copy where gradients are off).
class GradInputKernel : public Kernel {
 public:
  explicit GradInputKernel(const KernelSpec& s) : in_(s.in[0]), out_(s.out[0]) {}
  void run(Frame& f) override {
    at::Tensor t = f.slots[in_].detach();
    f.slots[out_] = at::GradMode::is_enabled() ? t.requires_grad_(true) : t;
  }

 private:
  int in_, out_;
};

/// (|d sum(score) / d at|_2 - 1)^2 per example, differentiable (create_graph).
class GradPenaltyKernel : public Kernel {
 public:
  explicit GradPenaltyKernel(const KernelSpec& s) : score_(s.in[0]), at_(s.in[1]), out_(s.out[0]) {}
  void run(Frame& f) override {
    const at::Tensor& score = f.slots[score_];
    const at::Tensor& at = f.slots[at_];
    if (!at.requires_grad() || !at::GradMode::is_enabled()) {
      f.slots[out_] = at::zeros({at.size(0)}, at.options());
      return;
    }
    at::Tensor g = torch::autograd::grad({score.sum()}, {at}, /*grad_outputs=*/{}, /*retain_graph=*/true,
                                         /*create_graph=*/true)[0];
    f.slots[out_] = (g.reshape({g.size(0), -1}).norm(2, 1) - 1).pow(2);
  }

 private:
  int score_, at_, out_;
};

at::Tensor gan_loss(const at::Tensor& s, const std::string& loss, const std::string& target) {
  bool real = target != "fake";  // the generator wants its samples scored as real
  at::Tensor l;
  if (loss == "nonsaturating") {
    l = at::softplus(real ? -s : s);
  } else if (loss == "hinge") {
    l = target == "gen" ? -s : at::relu(real ? 1 - s : 1 + s);
  } else if (loss == "wgan-gp") {
    l = real ? -s : s;
  } else {
    l = 0.5 * (real ? (s - 1).pow(2) : s.pow(2));
  }
  return sum_per_example(l);
}

/// Class ids from a target: i64 as they are; f32 values in [0,1] quantised to k levels.
at::Tensor class_ids(const at::Tensor& target, int64_t k) {
  if (target.scalar_type() == at::kLong) return target;
  return (target.clamp(0, 1) * static_cast<double>(k - 1)).round().to(at::kLong);
}

/// schedule_coef: the coefficient table computed once (float64, then f32 on the device),
/// indexed by each example's timestep.
class ScheduleCoefKernel : public Kernel {
 public:
  explicit ScheduleCoefKernel(const KernelSpec& s) : in_(s.in[0]), out_(s.out[0]) {
    lower::ScheduleSpec spec = lower::ScheduleSpec::of_attrs(s.node.attrs);
    std::vector<double> values = lower::schedule_coefficients(spec, s.attrs().string("coef"), s.attrs().number("gamma"));
    table_ = at::tensor(values, at::TensorOptions().dtype(at::kDouble)).to(at::kFloat).to(s.device);
  }
  void run(Frame& f) override { f.slots[out_] = table_.index_select(0, f.slots[in_].reshape({-1})); }

 private:
  int in_, out_;
  at::Tensor table_;
};

std::unique_ptr<Kernel> map(const KernelSpec& s, MapKernel::Fn fn) { return std::make_unique<MapKernel>(s, std::move(fn)); }
std::unique_ptr<Kernel> zip(const KernelSpec& s, ZipKernel::Fn fn) { return std::make_unique<ZipKernel>(s, std::move(fn)); }

}  // namespace

std::unique_ptr<Kernel> make_objective(const KernelSpec& s) {
  ir::OpAttrs attrs = s.attrs();
  switch (s.node.op) {
    case Op::Randn:
    case Op::RandUniform:
    case Op::RandLabel: return std::make_unique<RandomKernel>(s);
    case Op::Detach: return map(s, [](const at::Tensor& x) { return x.detach(); });
    case Op::ScheduleCoef: return std::make_unique<ScheduleCoefKernel>(s);
    case Op::Clamp: {
      double lo = attrs.number("lo"), hi = attrs.number("hi");
      return map(s, [lo, hi](const at::Tensor& x) { return x.clamp(lo, hi); });
    }
    case Op::ExpandBatch:
      return zip(s, [](const std::vector<at::Tensor>& a) {
        std::vector<int64_t> shape = a[0].sizes().vec();
        shape[0] = a[1].size(0);
        return a[0].expand(shape);
      });
    case Op::GradInput: return std::make_unique<GradInputKernel>(s);
    case Op::GradPenalty: return std::make_unique<GradPenaltyKernel>(s);
    case Op::RepeatBatch: {
      int64_t times = attrs.integer("times");
      return map(s, [times](const at::Tensor& x) { return x.repeat_interleave(times, 0); });
    }
    case Op::ReduceSamples: {
      int64_t times = attrs.integer("times");
      bool mean = attrs.string("how") == "mean";
      return map(s, [times, mean](const at::Tensor& x) {
        std::vector<int64_t> shape = x.sizes().vec();
        shape[0] = x.size(0) / times;
        shape.insert(shape.begin() + 1, times);
        at::Tensor g = x.reshape(shape);
        return mean ? g.mean(1) : at::logsumexp(g, 1) - std::log(static_cast<double>(times));
      });
    }
    case Op::DropLabel: return std::make_unique<DropLabelKernel>(s);
    case Op::GuidanceLabels: {
      int64_t null = s.input_types[0].classes;
      return map(s, [null](const at::Tensor& y) {
        at::Tensor out = y.clone();
        out.slice(0, 1, out.size(0), 2).fill_(null);
        return out;
      });
    }
    case Op::GuidanceMix: {
      double w = attrs.number("w");
      return map(s, [w](const at::Tensor& x) {
        std::vector<int64_t> shape = x.sizes().vec();
        shape[0] = x.size(0) / 2;
        shape.insert(shape.begin() + 1, 2);
        at::Tensor pairs = x.reshape(shape), cond = pairs.select(1, 0), uncond = pairs.select(1, 1);
        return uncond + w * (cond - uncond);
      });
    }
    case Op::Reparam:
      return zip(s, [](const std::vector<at::Tensor>& a) { return at::addcmul(a[0], at::exp(0.5 * a[1]), a[2]); });
    case Op::KlStdNormal:
      return zip(s, [](const std::vector<at::Tensor>& a) {
        return -0.5 * sum_per_example(1 + a[1] - a[0].pow(2) - a[1].exp());
      });
    case Op::NormalLogpdf:
      return zip(s, [](const std::vector<at::Tensor>& a) {
        return -0.5 * sum_per_example(kLog2Pi + a[2] + (a[0] - a[1]).pow(2) * at::exp(-a[2]));
      });
    case Op::StdNormalLogpdf:
      return map(s, [](const at::Tensor& z) { return -0.5 * sum_per_example(kLog2Pi + z.pow(2)); });
    case Op::BernoulliNll:
      return zip(s, [](const std::vector<at::Tensor>& a) {
        return sum_per_example(at::binary_cross_entropy_with_logits(a[0], a[1], {}, {}, at::Reduction::None));
      });
    case Op::GaussianNll:
      return zip(s, [](const std::vector<at::Tensor>& a) {
        return 0.5 * sum_per_example(kLog2Pi + a[1] + (a[2] - a[0]).pow(2) * at::exp(-a[1]));
      });
    case Op::CategoricalNll: {
      int64_t k = s.input_types[0].dims.back();
      return zip(s, [k](const std::vector<at::Tensor>& a) {
        at::Tensor ids = class_ids(a[1], k).unsqueeze(-1);
        return -sum_per_example(at::log_softmax(a[0], -1).gather(-1, ids).squeeze(-1));
      });
    }
    case Op::CategoricalMean: {
      int64_t k = s.input_types[0].dims.back();
      at::Tensor levels = at::arange(k, at::TensorOptions(s.device).dtype(at::kFloat)) / std::max<double>(1.0, k - 1);
      return map(s, [levels](const at::Tensor& logits) { return (at::softmax(logits, -1) * levels).sum(-1); });
    }
    case Op::Correct:
      return zip(s, [](const std::vector<at::Tensor>& a) {
        return mean_per_example(a[0].argmax(-1).eq(a[1]).to(at::kFloat));
      });
    case Op::GanLoss: {
      std::string loss = attrs.string("loss"), target = attrs.string("target");
      return map(s, [loss, target](const at::Tensor& score) { return gan_loss(score, loss, target); });
    }
    case Op::ShiftRight:
      return map(s, [](const at::Tensor& x) {
        return at::cat({at::zeros_like(x.narrow(1, 0, 1)), x.narrow(1, 0, x.size(1) - 1)}, 1);
      });
    case Op::StartTokens: return std::make_unique<StartTokensKernel>(s);
    case Op::KvCache: return std::make_unique<KvCacheKernel>(s);
    case Op::AtPosition:
      return zip(s, [](const std::vector<at::Tensor>& a) {
        return a[0].index_select(1, a[1].reshape({-1}).narrow(0, 0, 1));  // one position for every row
      });
    case Op::SamplePosition: return std::make_unique<SamplePositionKernel>(s);
    default: not_in_family("objective", s);
  }
}

}  // namespace genc::runtime::kernels
