// The TorchScript translation of a sampler's IR (see torchscript_source.h). Each op maps to
// the ATen operator the runtime's kernel calls (runtime/kernels), in eval mode: batch norm
// reads its running statistics.
#include "runtime/export/torchscript_source.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/ir/op_attrs.h"

namespace genc::runtime::exporting {
namespace {

using ir::Op;

std::string var(ir::ValueRef v) { return fmt::format("v{}_{}", v.node, v.port); }

std::string attribute_name(const std::string& node, const std::string& tensor) {
  std::string name = node + "_" + tensor;
  for (char& c : name)
    if (c == '.') c = '_';
  return name;
}

/// Ops of layers and shapes that translate (besides a graph's input, noise and result).
bool translatable(Op op) {
  switch (op) {
    case Op::Output: case Op::Linear: case Op::Conv: case Op::UpConv: case Op::BatchNorm:
    case Op::Relu: case Op::LeakyRelu: case Op::Gelu: case Op::Silu: case Op::Tanh: case Op::Sigmoid:
    case Op::Softplus: case Op::Reshape: case Op::Flatten:
      return true;
    default:
      return false;
  }
}

/// `x` through activation op `act` (leaky_relu with `slope`).
std::string activation(Op act, const std::string& x, double slope) {
  switch (act) {
    case Op::Relu: return "torch.relu(" + x + ")";
    case Op::LeakyRelu: return fmt::format("torch.leaky_relu({}, {})", x, slope);
    case Op::Gelu: return "torch.gelu(" + x + ")";
    case Op::Silu: return "torch.silu(" + x + ")";
    case Op::Tanh: return "torch.tanh(" + x + ")";
    case Op::Sigmoid: return "torch.sigmoid(" + x + ")";
    default: return "torch.softplus(" + x + ")";
  }
}

/// The layer's fused activation (its `act` attribute) around `y`.
std::string fused(const ir::OpAttrs& attrs, const std::string& y) {
  if (!attrs.has("act")) return y;
  return activation(*ir::op_from_name(attrs.string("act")), y, attrs.number("slope"));
}

class Writer {
 public:

  /// `self.ATTR` of tensor `tensor` of parameter node `node`, recorded as used.
  std::string param(const ir::Node& node, const std::string& tensor) {
    std::string a = attribute_name(node.name, tensor);
    bool known = false;
    for (const ParamUse& u : out_.params) known = known || u.attribute == a;
    if (!known) out_.params.push_back({node.name, tensor, a});
    return "self." + a;
  }

  /// The expression of node `n`'s result, its operand `x`.
  std::string expression(const ir::Node& n, const std::string& x) {
    ir::OpAttrs attrs(n.op, n.attrs);
    switch (n.op) {
      case Op::Linear: {
        const std::string bias = attrs.boolean("bias") ? param(n, "bias") : "None";
        return fused(attrs, fmt::format("torch.linear({}, {}, {})", x, param(n, "weight"), bias));
      }
      case Op::Conv: case Op::UpConv: {
        const bool two_d = graph_->type(n.inputs[0]).rank() == 3;
        const std::string bias = attrs.boolean("bias") ? param(n, "bias") : "None";
        const int64_t s = attrs.integer("s"), p = attrs.integer("p");
        const std::string fn = std::string(n.op == Op::UpConv ? "conv_transpose" : "conv") + (two_d ? "2d" : "1d");
        const std::string stride = two_d ? fmt::format("[{}, {}]", s, s) : fmt::format("[{}]", s);
        const std::string padding = two_d ? fmt::format("[{}, {}]", p, p) : fmt::format("[{}]", p);
        return fused(attrs, fmt::format("torch.{}({}, {}, {}, {}, {})", fn, x, param(n, "weight"), bias, stride, padding));
      }
      case Op::BatchNorm:
        return fmt::format("torch.batch_norm({}, {}, {}, {}, {}, False, 0.1, 1e-05, False)", x, param(n, "weight"),
                           param(n, "bias"), param(n, "running_mean"), param(n, "running_var"));
      case Op::Reshape:
        return fmt::format("{}.reshape([-1, {}])", x, fmt::join(attrs.integers("shape"), ", "));
      case Op::Flatten:
        return x + ".flatten(1)";
      default:
        return activation(n.op, x, n.op == Op::LeakyRelu ? attrs.number("slope") : 0.0);
    }
  }

  /// The body of a method of `graph` whose argument `arg` is its noise (randn) or input.
  std::string body(const ir::Graph& graph, const std::string& arg) {
    graph_ = &graph;
    std::string text;
    for (ir::NodeId id : graph.topo_order()) {
      const ir::Node& n = graph.node(id);
      if (n.op == Op::Randn) {
        out_.noise_shape = ir::OpAttrs(n.op, n.attrs).integers("shape");
        text += fmt::format("    {} = {}\n", var({id, 0}), arg);
      } else if (n.op == Op::Input) {
        text += fmt::format("    {} = {}\n", var({id, 0}), arg);
      } else if (n.op == Op::Gaussian) {
        text += fmt::format("    {} = ({}, {})\n", var({id, 0}), var(n.inputs[0]), var(n.inputs[1]));
      } else if (n.op == Op::Output) {
        text += fmt::format("    return {}\n", var(n.inputs[0]));
      } else {
        text += fmt::format("    {} = {}\n", var({id, 0}), expression(n, var(n.inputs[0])));
      }
    }
    return text;
  }

  TorchScriptSampler& out() { return out_; }

 private:
  const ir::Graph* graph_ = nullptr;
  TorchScriptSampler out_;
};

/// The first op of `g` (besides its input, output and `extra`) without a translation, as
/// "'op'"; null when every op translates.
std::optional<std::string> untranslatable_op(const ir::Graph& g, Op extra) {
  for (ir::NodeId id : g.ids()) {
    const ir::Node& n = g.node(id);
    if (n.op == extra || n.op == Op::Input) continue;
    if (!translatable(n.op)) return fmt::format("'{}'", ir::op_name(n.op));
    const bool weighted = n.op == Op::Linear || n.op == Op::Conv || n.op == Op::UpConv;
    if (weighted && ir::OpAttrs(n.op, n.attrs).boolean("spectral_norm")) return std::string("spectral_norm");
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> unsupported(const lower::Loop& sampler) {
  if (sampler.step || sampler.finish)
    return "its sampler '" + sampler.name + "' is a loop (diffusion, autoregressive): only straight-line samplers "
           "(a VAE's decoder, a GAN's generator, a flow's inverse of plain layers) are exported yet";
  if (sampler.results() != std::vector<std::string>{"x"})
    return "its sampler '" + sampler.name + "' also returns labels (a conditional model): not exported yet";
  const ir::Graph& g = sampler.init.graph;
  if (g.find(Op::Randn).size() != 1) return "its sampler does not draw its noise from exactly one randn";
  std::optional<std::string> op = untranslatable_op(g, Op::Randn);
  if (op) return "its sampler uses " + *op + ", which has no TorchScript translation yet";
  return std::nullopt;
}

bool exportable_encoder(const ir::Function& role) {
  const ir::Graph& g = role.graph;
  const std::vector<ir::NodeId> outputs = g.find(Op::Output);
  return role.params.size() == 1 && outputs.size() == 1 &&
         g.node(g.node(outputs[0]).inputs[0].node).op == Op::Gaussian && !untranslatable_op(g, Op::Gaussian);
}

TorchScriptSampler torchscript_sampler(const lower::Loop& sampler, const ir::Function* encoder) {
  Writer w;
  std::string source = "def forward(self, z: Tensor) -> Tensor:\n" + w.body(sampler.init.graph, "z");
  source += fmt::format("\ndef noise_shape(self) -> List[int]:\n    return [{}]\n", fmt::join(w.out().noise_shape, ", "));
  if (encoder) {
    source += "\ndef encode(self, x: Tensor) -> Tuple[Tensor, Tensor]:\n" + w.body(encoder->graph, "x");
    w.out().has_encode = true;
  }
  w.out().source = std::move(source);
  return std::move(w.out());
}

}  // namespace genc::runtime::exporting
