// Kernels of the layers that own parameters: linear (addmm + in-place activation), conv
// and upconv (1-d and 2-d, fused activation, optional spectral norm), the
// normalisations, embed, position and multi-head attention (and its one-row decode step).
#include <cmath>
#include <limits>

#include "runtime/compat.h"
#include "runtime/kernels/kernels_impl.h"

namespace genc::runtime::kernels {
namespace {

using ir::Op;

/// t / max(|t|, 1e-12), as F.normalize.
at::Tensor normalize(const at::Tensor& t) { return t / t.norm().clamp_min(1e-12); }

/// W / sigma(W), sigma from one power iteration per training forward (PyTorch's
/// spectral_norm): u, v are buffers updated without gradient; sigma = u^T W v.
class SpectralNorm {
 public:
  SpectralNorm() = default;
  SpectralNorm(const ParamModule& m, bool transposed)
      : weight_(m.get("weight")), u_(m.get("weight_u")), v_(m.get("weight_v")), transposed_(transposed) {}

  bool enabled() const { return weight_.defined(); }

  at::Tensor weight(bool training) {
    at::Tensor w = transposed_ ? weight_.transpose(0, 1) : weight_;
    at::Tensor mat = w.reshape({w.size(0), -1});
    if (training) {
      at::NoGradGuard no_grad;
      v_.copy_(normalize(at::mv(mat.t(), u_)));
      u_.copy_(normalize(at::mv(mat, v_)));
    }
    at::Tensor sigma = at::dot(u_.clone(), at::mv(mat, v_.clone()));
    return weight_ / sigma;
  }

 private:
  at::Tensor weight_, u_, v_;
  bool transposed_ = false;
};

class LinearKernel : public Kernel {
 public:
  explicit LinearKernel(const KernelSpec& s)
      : in_(s.in[0]),
        out_(s.out[0]),
        weight_(s.params->get("weight")),
        bias_(s.params->find_parameter("bias")),
        act_(Activation::fused(s)) {
    if (s.attrs().boolean("spectral_norm")) sn_ = SpectralNorm(*s.params, false);
    out_shape_ = {0};
    for (int64_t d : s.node.outputs[0].dims) out_shape_.push_back(d);
  }

  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    at::Tensor w = sn_.enabled() ? sn_.weight(f.training) : weight_;
    at::Tensor x2 = x.dim() == 2 ? x : x.reshape({-1, x.size(-1)});
    at::Tensor y = bias_.defined() ? at::addmm(bias_, x2, w.t()) : at::mm(x2, w.t());
    y = act_.apply_to_fresh(y);
    if (x.dim() != 2) {
      out_shape_[0] = x.size(0);
      y = y.view(out_shape_);
    }
    f.slots[out_] = y;
  }

 private:
  int in_, out_;
  at::Tensor weight_, bias_;
  Activation act_;
  SpectralNorm sn_;
  std::vector<int64_t> out_shape_;
};

class ConvKernel : public Kernel {
 public:
  explicit ConvKernel(const KernelSpec& s)
      : in_(s.in[0]),
        out_(s.out[0]),
        transposed_(s.node.op == Op::UpConv),
        two_d_(s.input_types[0].rank() == 3),
        stride_(s.attrs().integer("s")),
        padding_(s.attrs().integer("p")),
        weight_(s.params->get("weight")),
        bias_(s.params->find_parameter("bias")),
        act_(Activation::fused(s)) {
    if (s.attrs().boolean("spectral_norm")) sn_ = SpectralNorm(*s.params, transposed_);
  }

  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    at::Tensor w = sn_.enabled() ? sn_.weight(f.training) : weight_;
    at::Tensor y;
    if (two_d_) {
      y = transposed_ ? at::conv_transpose2d(x, w, bias_, {stride_, stride_}, {padding_, padding_})
                      : at::conv2d(x, w, bias_, {stride_, stride_}, {padding_, padding_});
    } else {
      y = transposed_ ? at::conv_transpose1d(x, w, bias_, {stride_}, {padding_})
                      : at::conv1d(x, w, bias_, {stride_}, {padding_});
    }
    f.slots[out_] = act_.apply_to_fresh(y);
  }

 private:
  int in_, out_;
  bool transposed_, two_d_;
  int64_t stride_, padding_;
  at::Tensor weight_, bias_;
  Activation act_;
  SpectralNorm sn_;
};

class NormKernel : public Kernel {
 public:
  explicit NormKernel(const KernelSpec& s)
      : op_(s.node.op),
        in_(s.in[0]),
        out_(s.out[0]),
        weight_(s.params->get("weight")),
        bias_(s.params->get("bias")),
        groups_(op_ == Op::GroupNorm ? s.attrs().integer("groups") : 0),
        last_dim_(s.input_types[0].dims.back()) {
    if (op_ == Op::BatchNorm) {
      running_mean_ = s.params->get("running_mean");
      running_var_ = s.params->get("running_var");
    }
  }

  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    bool cudnn = at::globalContext().userEnabledCuDNN();
    switch (op_) {
      case Op::BatchNorm:
        f.slots[out_] = at::batch_norm(x, weight_, bias_, running_mean_, running_var_, f.training, 0.1, 1e-5, cudnn);
        break;
      case Op::LayerNorm:
        f.slots[out_] = at::layer_norm(x, {last_dim_}, weight_, bias_, 1e-5, cudnn);
        break;
      default:
        f.slots[out_] = at::group_norm(x, groups_, weight_, bias_, 1e-5, cudnn);
        break;
    }
  }

 private:
  Op op_;
  int in_, out_;
  at::Tensor weight_, bias_, running_mean_, running_var_;
  int64_t groups_, last_dim_;
};

class EmbedKernel : public Kernel {
 public:
  explicit EmbedKernel(const KernelSpec& s) : in_(s.in[0]), out_(s.out[0]), weight_(s.params->get("weight")) {}
  void run(Frame& f) override { f.slots[out_] = at::embedding(weight_, f.slots[in_]); }

 private:
  int in_, out_;
  at::Tensor weight_;
};

/// The learned table as one batch row [1, len, dim].
class PositionKernel : public Kernel {
 public:
  explicit PositionKernel(const KernelSpec& s) : out_(s.out[0]), weight_(s.params->get("weight")) {}
  void run(Frame& f) override { f.slots[out_] = weight_.unsqueeze(0); }

 private:
  int out_;
  at::Tensor weight_;
};

/// nn.MultiheadAttention's computation on x [B,L,d] (and a context [B,Lc,dc]), with dropout
/// of the attention probabilities while training.
class AttentionKernel : public Kernel {
 public:
  explicit AttentionKernel(const KernelSpec& s)
      : x_(s.in[0]),
        context_(s.in.size() > 1 ? s.in[1] : -1),
        out_(s.out[0]),
        heads_(s.attrs().integer("heads")),
        causal_(s.attrs().boolean("causal")),
        dropout_(s.attrs().has("dropout") ? s.attrs().number("dropout") : 0.0),
        d_(s.input_types[0].dims[1]),
        in_bias_(s.params->get("in_proj_bias")),
        out_weight_(s.params->get("out_proj_weight")),
        out_bias_(s.params->get("out_proj_bias")) {
    if (causal_)
      mask_ = compat::causal_mask(s.input_types[0].dims[0], s.input_types.back().dims[0], at::TensorOptions(s.device));
    in_weight_ = s.params->find_parameter("in_proj_weight");
    if (!in_weight_.defined()) {
      q_weight_ = s.params->get("q_proj_weight");
      k_weight_ = s.params->get("k_proj_weight");
      v_weight_ = s.params->get("v_proj_weight");
    }
  }

  void run(Frame& f) override {
    const at::Tensor& x = f.slots[x_];
    at::Tensor q, k, v;
    if (context_ < 0) {
      std::vector<at::Tensor> qkv = at::linear(x, in_weight_, in_bias_).chunk(3, -1);
      q = qkv[0], k = qkv[1], v = qkv[2];
    } else {
      const at::Tensor& c = f.slots[context_];
      std::vector<at::Tensor> b = in_bias_.chunk(3);
      if (in_weight_.defined()) {
        std::vector<at::Tensor> w = in_weight_.chunk(3);
        q = at::linear(x, w[0], b[0]), k = at::linear(c, w[1], b[1]), v = at::linear(c, w[2], b[2]);
      } else {
        q = at::linear(x, q_weight_, b[0]), k = at::linear(c, k_weight_, b[1]), v = at::linear(c, v_weight_, b[2]);
      }
    }
    q = split_heads(q), k = split_heads(k), v = split_heads(v);
    at::Tensor keep;  // dropout of the probabilities, with the frame's generator
    if (f.training && dropout_ > 0.0) {
      keep = f.random({q.size(0), heads_, q.size(2), k.size(2)}, q.options(),
                      [&](at::IntArrayRef s, const at::TensorOptions& o) {
                        return at::empty(s, o).bernoulli_(1.0 - dropout_, *f.generator);
                      });
      keep.div_(1.0 - dropout_);
    }
    at::Tensor o = compat::scaled_dot_product_attention(q, k, v, causal_, mask_, keep);
    o = o.transpose(1, 2).reshape({x.size(0), x.size(1), d_});
    f.slots[out_] = at::linear(o, out_weight_, out_bias_);
  }

 private:
  /// [B, L, d] -> [B, heads, L, d / heads], contiguous
  at::Tensor split_heads(const at::Tensor& t) const {
    return t.view({t.size(0), t.size(1), heads_, d_ / heads_}).transpose(1, 2).contiguous();
  }

  int x_, context_, out_;
  int64_t heads_;
  bool causal_;
  double dropout_;
  int64_t d_;
  at::Tensor in_weight_, q_weight_, k_weight_, v_weight_, in_bias_, out_weight_, out_bias_;
  at::Tensor mask_;  ///< compat::causal_mask when causal
};

/// attention_step(x [B,1,d], cache [B,2,heads,L,d/heads], t [1]): the attention node's
/// projections of the one row x; its key and value written into row t of the cache in
/// place, then x attends over cache rows 0..t (later rows masked: every shape is static).
class AttentionStepKernel : public Kernel {
 public:
  explicit AttentionStepKernel(const KernelSpec& s)
      : x_(s.in[0]), cache_(s.in[1]), t_(s.in[2]), out_(s.out[0]), cache_out_(s.out[1]),
        heads_(s.attrs().integer("heads")),
        d_(s.input_types[0].dims[1]),
        in_weight_(s.params->get("in_proj_weight")),
        in_bias_(s.params->get("in_proj_bias")),
        out_weight_(s.params->get("out_proj_weight")),
        out_bias_(s.params->get("out_proj_bias")),
        rows_(at::arange(s.input_types[1].dims[2], at::TensorOptions(s.device).dtype(at::kLong))) {}

  void run(Frame& f) override {
    const at::Tensor& x = f.slots[x_];
    at::Tensor cache = f.slots[cache_];
    at::Tensor t = f.slots[t_].reshape({-1}).narrow(0, 0, 1);
    const int64_t b = x.size(0), dh = d_ / heads_;
    std::vector<at::Tensor> qkv = at::linear(x, in_weight_, in_bias_).view({b, 3, heads_, 1, dh}).unbind(1);
    at::Tensor keys = cache.select(1, 0), values = cache.select(1, 1);  // [B, heads, L, dh]
    {
      at::NoGradGuard state;  // the cache is sampler state, never differentiated
      keys.index_copy_(2, t, qkv[1]);
      values.index_copy_(2, t, qkv[2]);
    }
    at::Tensor scores = at::matmul(qkv[0], keys.transpose(-2, -1)).mul_(1.0 / std::sqrt(static_cast<double>(dh)));
    scores.masked_fill_(rows_.gt(t), -std::numeric_limits<float>::infinity());
    at::Tensor o = at::matmul(at::softmax(scores, -1), values);  // [B, heads, 1, dh]
    f.slots[out_] = at::linear(o.transpose(1, 2).reshape({b, 1, d_}), out_weight_, out_bias_);
    f.slots[cache_out_] = cache;
  }

 private:
  int x_, cache_, t_, out_, cache_out_;
  int64_t heads_, d_;
  at::Tensor in_weight_, in_bias_, out_weight_, out_bias_;
  at::Tensor rows_;  ///< 0..L-1, the cache rows
};

}  // namespace

std::unique_ptr<Kernel> make_layer(const KernelSpec& spec) {
  switch (spec.node.op) {
    case Op::Linear: return std::make_unique<LinearKernel>(spec);
    case Op::Conv:
    case Op::UpConv: return std::make_unique<ConvKernel>(spec);
    case Op::BatchNorm:
    case Op::LayerNorm:
    case Op::GroupNorm: return std::make_unique<NormKernel>(spec);
    case Op::Embed: return std::make_unique<EmbedKernel>(spec);
    case Op::Position: return std::make_unique<PositionKernel>(spec);
    case Op::Attention: return std::make_unique<AttentionKernel>(spec);
    case Op::AttentionStep: return std::make_unique<AttentionStepKernel>(spec);
    default: not_in_family("layer", spec);
  }
}

}  // namespace genc::runtime::kernels
