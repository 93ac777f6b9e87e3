// make_kernel: picks the kernel family of a node's op; shared kernel helpers.
#include "runtime/kernels/kernels_impl.h"

namespace genc::runtime {

std::unique_ptr<Kernel> make_kernel(const KernelSpec& spec) {
  using kernels::make_elementwise;
  using kernels::make_flow;
  using kernels::make_layer;
  using kernels::make_objective;
  using kernels::make_shape;
  for (auto* family : {make_layer, make_elementwise, make_shape, make_objective, make_flow})
    if (std::unique_ptr<Kernel> k = family(spec)) return k;
  return nullptr;
}

namespace kernels {

Activation Activation::from_attrs(const ir::Attrs& attrs) {
  auto it = attrs.find("act");
  if (it == attrs.end()) return {};
  std::optional<ir::Op> op = ir::op_from_name(std::get<std::string>(it->second));
  GENC_ASSERT(op && ir::has_flag(*op, ir::kActivation), "fused act is not an activation");
  return from_op(*op, attrs);
}

Activation Activation::from_op(ir::Op op, const ir::Attrs& attrs) {
  Activation a;
  a.slope_ = ir::attr_float_or(attrs, "slope", 0.2);
  switch (op) {
    case ir::Op::Relu: a.op_ = Kind::Relu; break;
    case ir::Op::LeakyRelu: a.op_ = Kind::LeakyRelu; break;
    case ir::Op::Gelu: a.op_ = Kind::Gelu; break;
    case ir::Op::Silu: a.op_ = Kind::Silu; break;
    case ir::Op::Tanh: a.op_ = Kind::Tanh; break;
    case ir::Op::Sigmoid: a.op_ = Kind::Sigmoid; break;
    case ir::Op::Softplus: a.op_ = Kind::Softplus; break;
    default: internal_error("not an activation: " + std::string(ir::op_name(op)));
  }
  return a;
}

at::Tensor Activation::apply_to_fresh(at::Tensor t) const {
  switch (op_) {
    case Kind::Relu: return t.relu_();
    case Kind::LeakyRelu: return at::leaky_relu_(t, slope_);
    case Kind::Tanh: return t.tanh_();
    case Kind::Sigmoid: return t.sigmoid_();
    default: return apply(t);
  }
}

at::Tensor Activation::apply(const at::Tensor& t) const {
  switch (op_) {
    case Kind::None: return t;
    case Kind::Relu: return at::relu(t);
    case Kind::LeakyRelu: return at::leaky_relu(t, slope_);
    case Kind::Gelu: return at::gelu(t);
    case Kind::Silu: return at::silu(t);
    case Kind::Tanh: return at::tanh(t);
    case Kind::Sigmoid: return at::sigmoid(t);
    case Kind::Softplus: return at::softplus(t);
  }
  return t;
}

at::Tensor sum_per_example(const at::Tensor& t) {
  if (t.dim() == 1) return t;
  return t.reshape({t.size(0), -1}).sum(1);
}

at::Tensor mean_per_example(const at::Tensor& t) {
  if (t.dim() == 1) return t;
  return t.reshape({t.size(0), -1}).mean(1);
}

at::Tensor lift_rank(const at::Tensor& t, int n) {
  at::Tensor out = t;
  for (int i = 0; i < n; ++i) out = out.unsqueeze(1);
  return out;
}

}  // namespace kernels
}  // namespace genc::runtime
