// Parameter tensors per parameter op (see param_shapes.h), the shapes PyTorch's layers use.
#include "compiler/ir/param_shapes.h"

#include "compiler/ir/op_attrs.h"

namespace genc::ir {
namespace {

/// weight and bias of linear/conv/upconv, plus the spectral-norm power-iteration buffers.
std::vector<ParamTensor> weighted(const Node& node, std::vector<int64_t> weight, int64_t out) {
  OpAttrs attrs(node.op, node.attrs);
  std::vector<ParamTensor> t{{"weight", weight}};
  if (attrs.boolean("bias")) t.push_back({"bias", {out}});
  if (attrs.boolean("spectral_norm")) {
    const int64_t numel = t[0].numel();
    t.push_back({"weight_u", {out}, false});
    t.push_back({"weight_v", {numel / out}, false});
  }
  return t;
}

std::vector<ParamTensor> affine(int64_t n) { return {{"weight", {n}}, {"bias", {n}}}; }

}  // namespace

int64_t embed_rows(const Node& node, const ValueType& input) {
  return input.classes + (OpAttrs(node.op, node.attrs).boolean("null_class") ? 1 : 0);
}

int64_t ParamTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::vector<ValueType> input_types(const Graph& graph, NodeId id) {
  std::vector<ValueType> types;
  for (ValueRef v : graph.node(id).inputs) types.push_back(graph.type(v));
  return types;
}

std::optional<std::vector<ParamTensor>> param_tensors(const Node& node, const std::vector<ValueType>& inputs) {
  const std::vector<int64_t> x = inputs.empty() ? std::vector<int64_t>{} : inputs[0].dims;
  OpAttrs attrs(node.op, node.attrs);
  switch (node.op) {
    case Op::Linear: {
      const int64_t out = attrs.integer("out");
      return weighted(node, {out, x.back()}, out);
    }
    case Op::Conv:
    case Op::UpConv: {
      const int64_t in = x[0], out = attrs.integer("out"), k = attrs.integer("k");
      std::vector<int64_t> shape = node.op == Op::Conv ? std::vector<int64_t>{out, in} : std::vector<int64_t>{in, out};
      for (size_t i = 1; i < x.size(); ++i) shape.push_back(k);
      return weighted(node, shape, out);
    }
    case Op::BatchNorm: {
      std::vector<ParamTensor> t = affine(x[0]);
      t.push_back({"running_mean", {x[0]}, false});
      t.push_back({"running_var", {x[0]}, false});
      return t;
    }
    case Op::LayerNorm:
      return affine(x.back());
    case Op::GroupNorm:
      return affine(x[0]);
    case Op::Embed:
      return std::vector<ParamTensor>{{"weight", {embed_rows(node, inputs[0]), attrs.integer("dim")}}};
    case Op::Position:
      return std::vector<ParamTensor>{{"weight", {attrs.integer("len"), attrs.integer("dim")}}};
    case Op::Attention:
    case Op::AttentionStep: {  // (a step uses its attention node's: the same shapes)
      const bool context = node.op == Op::Attention && inputs.size() > 1;
      const int64_t d = x[1], dc = context ? inputs[1].dims[1] : d;
      std::vector<ParamTensor> t;
      if (dc == d) {
        t.push_back({"in_proj_weight", {3 * d, d}});
      } else {
        t.push_back({"q_proj_weight", {d, d}});
        t.push_back({"k_proj_weight", {d, dc}});
        t.push_back({"v_proj_weight", {d, dc}});
      }
      t.push_back({"in_proj_bias", {3 * d}});
      t.push_back({"out_proj_weight", {d, d}});
      t.push_back({"out_proj_bias", {d}});
      return t;
    }
    case Op::ActNorm:
      return std::vector<ParamTensor>{{"loc", {x[0]}}, {"logscale", {x[0]}}, {"initialized", {}, false}};
    case Op::InvConv1x1:
      if (OpAttrs(node.op, node.attrs).boolean("lu"))  // Glow's LU form (runtime/kernels/flow.cpp)
        return std::vector<ParamTensor>{{"perm", {x[0], x[0]}, false}, {"lower", {x[0], x[0]}},
                                        {"upper", {x[0], x[0]}}, {"log_s", {x[0]}}, {"sign_s", {x[0]}, false}};
      return std::vector<ParamTensor>{{"weight", {x[0], x[0]}}};
    default:
      return std::nullopt;
  }
}

}  // namespace genc::ir
