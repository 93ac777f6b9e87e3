// PyTorch's default parameter initialisations, per parameter op (see param_init.h).
#include "runtime/param_init.h"

#include <cmath>

#include "compiler/ir/op_attrs.h"
#include "compiler/ir/param_shapes.h"
#include "compiler/support/diagnostics.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

using ir::Op;

at::Tensor uniform(std::vector<int64_t> shape, double bound, at::Generator& gen) {
  return at::empty(shape, at::kFloat).uniform_(-bound, bound, gen);
}

at::Tensor normal(std::vector<int64_t> shape, double std, at::Generator& gen) {
  return at::empty(shape, at::kFloat).normal_(0.0, std, gen);
}

at::Tensor unit(int64_t n, at::Generator& gen) {
  at::Tensor v = normal({n}, 1.0, gen);
  return v / (v.norm() + 1e-12);
}

/// weight (and bias) of linear/conv/upconv, plus spectral-norm buffers.
void weighted_layer(ParamModule& m, const ir::Node& node, std::vector<int64_t> weight_shape, int64_t fan_in,
                    int64_t out, at::Generator& gen) {
  double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
  ir::OpAttrs attrs(node.op, node.attrs);
  m.register_parameter("weight", uniform(weight_shape, bound, gen));
  if (attrs.boolean("bias")) m.register_parameter("bias", uniform({out}, bound, gen));
  if (attrs.boolean("spectral_norm")) {
    int64_t numel = 1;
    for (int64_t d : weight_shape) numel *= d;
    m.register_buffer("weight_u", unit(out, gen));
    m.register_buffer("weight_v", unit(numel / out, gen));
  }
}

void affine(ParamModule& m, int64_t n) {
  m.register_parameter("weight", at::ones({n}));
  m.register_parameter("bias", at::zeros({n}));
}

double xavier_bound(int64_t fan_in, int64_t fan_out) {
  return std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
}

}  // namespace

void init_node_params(ParamModule& m, const ir::Node& node, const std::vector<ir::ValueType>& inputs,
                      at::Generator& gen) {
  const std::vector<int64_t>& x = inputs.empty() ? std::vector<int64_t>{} : inputs[0].dims;
  ir::OpAttrs attrs(node.op, node.attrs);
  switch (node.op) {
    case Op::Linear: {
      int64_t in = x.back(), out = attrs.integer("out");
      weighted_layer(m, node, {out, in}, in, out, gen);
      if (attrs.boolean("zero_init")) {
        at::NoGradGuard no_grad;
        for (at::Tensor& p : m.parameters(/*recurse=*/false)) p.zero_();
      }
      break;
    }
    case Op::Conv:
    case Op::UpConv: {
      int64_t in = x[0], out = attrs.integer("out"), k = attrs.integer("k");
      std::vector<int64_t> shape = node.op == Op::Conv ? std::vector<int64_t>{out, in} : std::vector<int64_t>{in, out};
      int64_t receptive = 1;
      for (size_t i = 1; i < x.size(); ++i) {
        shape.push_back(k);
        receptive *= k;
      }
      weighted_layer(m, node, shape, shape[1] * receptive, out, gen);
      if (node.op == Op::Conv && attrs.boolean("zero_init")) {
        at::NoGradGuard no_grad;
        for (at::Tensor& p : m.parameters(/*recurse=*/false)) p.zero_();
      }
      break;
    }
    case Op::BatchNorm:
      affine(m, x[0]);
      m.register_buffer("running_mean", at::zeros({x[0]}));
      m.register_buffer("running_var", at::ones({x[0]}));
      break;
    case Op::LayerNorm:
      affine(m, x.back());
      break;
    case Op::GroupNorm:
      affine(m, x[0]);
      break;
    case Op::Embed:
      m.register_parameter("weight", normal({ir::embed_rows(node, inputs[0]), attrs.integer("dim")}, 1.0, gen));
      break;
    case Op::Position:
      m.register_parameter("weight",
                           normal({attrs.integer("len"), attrs.integer("dim")}, 0.02, gen));
      break;
    case Op::Attention:
    case Op::AttentionStep: {  // (a decode step uses its attention node's parameters)
      int64_t d = x[1];
      int64_t dc = node.op == Op::Attention && inputs.size() > 1 ? inputs[1].dims[1] : d;
      if (dc == d) {
        m.register_parameter("in_proj_weight", uniform({3 * d, d}, xavier_bound(d, 3 * d), gen));
      } else {
        m.register_parameter("q_proj_weight", uniform({d, d}, xavier_bound(d, d), gen));
        m.register_parameter("k_proj_weight", uniform({d, dc}, xavier_bound(dc, d), gen));
        m.register_parameter("v_proj_weight", uniform({d, dc}, xavier_bound(dc, d), gen));
      }
      m.register_parameter("in_proj_bias", at::zeros({3 * d}));
      m.register_parameter("out_proj_weight", uniform({d, d}, 1.0 / std::sqrt(static_cast<double>(d)), gen));
      m.register_parameter("out_proj_bias", at::zeros({d}));
      break;
    }
    case Op::ActNorm:
    case Op::ActNormInv:  // (a plan's inverse steps use their forward node's parameters)
      m.register_parameter("loc", at::zeros({x[0]}));
      m.register_parameter("logscale", at::zeros({x[0]}));
      m.register_buffer("initialized", at::zeros({}));
      break;
    case Op::InvConv1x1:
    case Op::InvConv1x1Inv: {
      at::Tensor w = std::get<0>(at::linalg_qr(normal({x[0], x[0]}, 1.0, gen))).contiguous();
      if (!ir::OpAttrs(node.op, node.attrs).boolean("lu")) {
        m.register_parameter("weight", w);
        break;
      }
      // Glow's LU form of the same random rotation: w = P L U, L unit lower, s = diag(U).
      auto [p, l, u] = at::linalg_lu(w);
      at::Tensor s = u.diagonal();
      m.register_buffer("perm", p.contiguous());
      m.register_parameter("lower", l.tril(-1).contiguous());
      m.register_parameter("upper", u.triu(1).contiguous());
      m.register_parameter("log_s", s.abs().log().contiguous());
      m.register_buffer("sign_s", s.sign().contiguous());
      break;
    }
    default:
      throw RuntimeUserError("genc run cannot execute '" + std::string(ir::op_name(node.op)) + "' yet (" +
                             node.name + ")");
  }
}

}  // namespace genc::runtime
