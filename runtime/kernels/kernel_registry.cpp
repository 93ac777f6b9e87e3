// make_kernel: the switch over ops.def's Kernel column that calls each op's kernel
// family; shared kernel helpers.
#include "runtime/kernels/kernels_impl.h"

namespace genc::runtime {
namespace {

/// The Kernel column's `slot` and `none`: ops without a kernel.
[[noreturn]] std::unique_ptr<Kernel> make_slot(const KernelSpec& spec) {
  internal_error("'" + std::string(ir::op_name(spec.node.op)) +
                 "' has no kernel: the compiled graph binds its value to a slot");
}

[[noreturn]] std::unique_ptr<Kernel> make_none(const KernelSpec& spec) {
  internal_error("'" + std::string(ir::op_name(spec.node.op)) +
                 "' is compile-time only (ops.def): it must not reach the runtime");
}

}  // namespace

std::unique_ptr<Kernel> make_kernel(const KernelSpec& spec) {
  using kernels::make_elementwise;
  using kernels::make_flow;
  using kernels::make_layer;
  using kernels::make_objective;
  using kernels::make_shape;
  switch (spec.node.op) {
#define OP(id, spelling, inputs, outputs, flags, shape_fn, kernel) \
  case ir::Op::id:                                                 \
    return make_##kernel(spec);
#include "compiler/ir/ops.def"
  }
  internal_error("op out of range: " + std::to_string(static_cast<int>(spec.node.op)));
}

namespace kernels {

void not_in_family(const char* family, const KernelSpec& spec) {
  internal_error(std::string("the ") + family + " kernels have none for '" +
                 std::string(ir::op_name(spec.node.op)) + "', which ops.def assigns to them");
}

Activation Activation::fused(const KernelSpec& layer) {
  ir::OpAttrs attrs = layer.attrs();
  if (!attrs.has("act")) return {};
  std::optional<ir::Op> op = ir::op_from_name(attrs.string("act"));
  GENC_ASSERT(op && ir::has_flag(*op, ir::kActivation), "fused act is not an activation");
  return of(*op, attrs.number("slope"));
}

Activation Activation::of_node(const KernelSpec& node) {
  ir::Op op = node.node.op;
  return of(op, op == ir::Op::LeakyRelu ? node.attrs().number("slope") : 0.0);
}

Activation Activation::of(ir::Op op, double slope) {
  Activation a;
  a.slope_ = slope;
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
