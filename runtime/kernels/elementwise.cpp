// Kernels of constants, activations and other elementwise functions, dropout,
// broadcasting arithmetic and matmul.
#include "runtime/kernels/kernels_impl.h"

namespace genc::runtime::kernels {
namespace {

using ir::Op;

/// A constant made once at build time: one batch row of the node's type.
class ConstKernel : public Kernel {
 public:
  explicit ConstKernel(const KernelSpec& s) : out_(s.out[0]) {
    std::vector<int64_t> shape{1};
    for (int64_t d : s.node.outputs[0].dims) shape.push_back(d);
    value_ = at::full(shape, s.attrs().number("value"), at::TensorOptions(s.device).dtype(at::kFloat));
  }
  void run(Frame& f) override { f.slots[out_] = value_; }

 private:
  int out_;
  at::Tensor value_;
};

class ActivationKernel : public Kernel {
 public:
  explicit ActivationKernel(const KernelSpec& s)
      : in_(s.in[0]), out_(s.out[0]), act_(Activation::of_node(s)) {}
  void run(Frame& f) override { f.slots[out_] = act_.apply(f.slots[in_]); }

 private:
  int in_, out_;
  Activation act_;
};

class UnaryKernel : public Kernel {
 public:
  using Fn = at::Tensor (*)(const at::Tensor&);
  UnaryKernel(const KernelSpec& s, Fn fn) : in_(s.in[0]), out_(s.out[0]), fn_(fn) {}
  void run(Frame& f) override { f.slots[out_] = fn_(f.slots[in_]); }

 private:
  int in_, out_;
  Fn fn_;
};

/// Inverted dropout with the frame's generator; the identity outside training.
class DropoutKernel : public Kernel {
 public:
  explicit DropoutKernel(const KernelSpec& s) : in_(s.in[0]), out_(s.out[0]), p_(s.attrs().number("p")) {}
  void run(Frame& f) override {
    const at::Tensor& x = f.slots[in_];
    if (!f.training || p_ == 0.0) {
      f.slots[out_] = x;
      return;
    }
    at::Tensor keep = f.random(x.sizes().vec(), x.options(), [&](at::IntArrayRef s, const at::TensorOptions& o) {
      // x's own memory layout when the draw is x's size (outside a shard: as it always was).
      return (s == x.sizes() ? at::empty_like(x, o) : at::empty(s, o)).bernoulli_(1.0 - p_, *f.generator);
    });
    f.slots[out_] = x * keep.div_(1.0 - p_);
  }

 private:
  int in_, out_;
  double p_;
};

/// add/sub/mul/div with per-example broadcasting: the operand of lower per-example rank
/// gets size-1 dimensions after the batch dimension.
class BinaryKernel : public Kernel {
 public:
  explicit BinaryKernel(const KernelSpec& s) : op_(s.node.op), a_(s.in[0]), b_(s.in[1]) {
    out_ = s.out[0];
    int ra = s.input_types[0].rank(), rb = s.input_types[1].rank();
    lift_a_ = ra < rb ? rb - ra : 0;
    lift_b_ = rb < ra ? ra - rb : 0;
  }
  void run(Frame& f) override {
    at::Tensor a = lift_rank(f.slots[a_], lift_a_);
    at::Tensor b = lift_rank(f.slots[b_], lift_b_);
    switch (op_) {
      case Op::Add: f.slots[out_] = a + b; break;
      case Op::Sub: f.slots[out_] = a - b; break;
      case Op::Mul: f.slots[out_] = a * b; break;
      default: f.slots[out_] = at::div(a, b); break;
    }
  }

 private:
  Op op_;
  int a_, b_, out_;
  int lift_a_, lift_b_;
};

/// torch.matmul on per-example operands: 1-d operands become a row (left) or a column
/// (right) and that dimension is dropped again; leading dimensions broadcast.
class MatMulKernel : public Kernel {
 public:
  explicit MatMulKernel(const KernelSpec& s) : a_(s.in[0]), b_(s.in[1]), out_(s.out[0]) {
    int ra = s.input_types[0].rank(), rb = s.input_types[1].rank();
    row_ = ra == 1;
    col_ = rb == 1;
    int pa = row_ ? 2 : ra, pb = col_ ? 2 : rb;
    lift_a_ = pa < pb ? pb - pa : 0;
    lift_b_ = pb < pa ? pa - pb : 0;
  }
  void run(Frame& f) override {
    at::Tensor a = f.slots[a_], b = f.slots[b_];
    if (row_) a = a.unsqueeze(-2);
    if (col_) b = b.unsqueeze(-1);
    at::Tensor y = at::matmul(lift_rank(a, lift_a_), lift_rank(b, lift_b_));
    if (col_) y = y.squeeze(-1);
    if (row_) y = y.squeeze(-2);
    f.slots[out_] = y;
  }

 private:
  int a_, b_, out_;
  bool row_, col_;
  int lift_a_, lift_b_;
};

}  // namespace

std::unique_ptr<Kernel> make_elementwise(const KernelSpec& spec) {
  Op op = spec.node.op;
  if (ir::has_flag(op, ir::kActivation)) return std::make_unique<ActivationKernel>(spec);
  switch (op) {
    case Op::Const: return std::make_unique<ConstKernel>(spec);
    case Op::Exp: return std::make_unique<UnaryKernel>(spec, [](const at::Tensor& t) { return at::exp(t); });
    case Op::Log: return std::make_unique<UnaryKernel>(spec, [](const at::Tensor& t) { return at::log(t); });
    case Op::Sqrt: return std::make_unique<UnaryKernel>(spec, [](const at::Tensor& t) { return at::sqrt(t); });
    case Op::Sin: return std::make_unique<UnaryKernel>(spec, [](const at::Tensor& t) { return at::sin(t); });
    case Op::Cos: return std::make_unique<UnaryKernel>(spec, [](const at::Tensor& t) { return at::cos(t); });
    case Op::Neg: return std::make_unique<UnaryKernel>(spec, [](const at::Tensor& t) { return at::neg(t); });
    case Op::Dropout: return std::make_unique<DropoutKernel>(spec);
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div: return std::make_unique<BinaryKernel>(spec);
    case Op::MatMul: return std::make_unique<MatMulKernel>(spec);
    default: not_in_family("elementwise", spec);
  }
}

}  // namespace genc::runtime::kernels
