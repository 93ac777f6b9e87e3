// Shape functions of the layers that own parameters: linear, conv, upconv, the
// normalisations, embed, position and attention.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/ir/shape_fns_impl.h"

namespace genc::ir::shapes {
namespace {

// "relu, leaky_relu, ...": every op flagged kActivation, in table order.
std::string activation_list() {
  std::vector<std::string_view> names;
  for (int i = 0; i < op_count(); ++i) {
    Op op = static_cast<Op>(i);
    if (has_flag(op, kActivation)) names.push_back(op_name(op));
  }
  return fmt::format("an activation ({})", fmt::join(names, ", "));
}

// Attributes shared by linear/conv/upconv: bias, spectral_norm, and a fused activation
// (`act` = an activation's spelling, `slope` for leaky_relu) set by the fusion pass.
void read_layer_options(AttrReader& attrs) {
  attrs.boolean("bias");
  attrs.boolean("spectral_norm");
  if (attrs.has("act")) {
    std::string act = attrs.string("act");
    std::optional<Op> op = op_from_name(act);
    attrs.check(attrs.failed() || (op && has_flag(*op, kActivation)), attr_str(act), "act",
                activation_list());
  }
  attrs.number("slope");
}

// conv (transposed = false) and upconv (true) on [C,L] or [C,H,W], PyTorch's formulas:
//   conv:   (L + 2p - k) / s + 1        upconv: (L - 1) * s - 2p + k
ShapeResult spatial(const ShapeCall& call, bool transposed) {
  AttrReader attrs(call);
  int64_t out = attrs.positive("out");
  int64_t k = attrs.positive("k");
  int64_t s = attrs.positive("s");
  int64_t p = attrs.non_negative("p");
  read_layer_options(attrs);
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x.size() != 2 && x.size() != 3) return form_error(call, 0, "[C,L] or [C,H,W]");
  std::vector<int64_t> dims{out};
  for (size_t i = 1; i < x.size(); ++i) {
    int64_t n = transposed ? (x[i] - 1) * s - 2 * p + k
                           : (x[i] + 2 * p < k ? 0 : (x[i] + 2 * p - k) / s + 1);
    if (n < 1) {
      return shape_error(fmt::format("'{}' with k {}, s {}, p {} leaves no output for input {}",
                                     call.spelling(), k, s, p, shape_str(x)),
                         0);
    }
    dims.push_back(n);
  }
  return ShapeResult::success({f32(std::move(dims))});
}

}  // namespace

// linear: [..., in] -> [..., out] on the last dimension.
ShapeResult shape_linear(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t out = attrs.positive("out");
  read_layer_options(attrs);
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  std::vector<int64_t> dims = call.in(0).dims;
  if (dims.empty()) return form_error(call, 0, "[...,features]");
  dims.back() = out;
  return ShapeResult::success({f32(std::move(dims))});
}

ShapeResult shape_conv(const ShapeCall& call) { return spatial(call, false); }
ShapeResult shape_upconv(const ShapeCall& call) { return spatial(call, true); }

// batchnorm on [F] or [C,...] (statistics per feature / channel); layernorm over the
// last dimension. Both keep the shape.
ShapeResult shape_norm(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  if (call.in(0).dims.empty())
    return form_error(call, 0, call.op == Op::BatchNorm ? "[F] or [C,...]" : "[...,D]");
  return ShapeResult::success({call.in(0)});
}

// groupnorm on [C,...]: C must split into `groups` equal groups.
ShapeResult shape_groupnorm(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t groups = attrs.positive("groups");
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x.empty()) return form_error(call, 0, "[C,...]");
  if (x[0] % groups != 0) {
    return shape_error(
        fmt::format("'{}' needs channels divisible by groups: {} channels, {} groups",
                    call.spelling(), x[0], groups),
        0);
  }
  return ShapeResult::success({call.in(0)});
}

// embed: tokens i64[L] of V -> f32[L,dim]; a label i64[] of K -> f32[dim].
ShapeResult shape_embed(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t dim = attrs.positive("dim");
  if (attrs.failed()) return attrs.failure();
  const ValueType& x = call.in(0);
  if (x.dtype != DType::I64 || x.classes <= 0) {
    return ShapeResult::failure(DiagKind::DTypeMismatch,
                                {call.spelling(), "tokens or a label with a class count", x.str()},
                                0);
  }
  std::vector<int64_t> dims = x.dims;
  dims.push_back(dim);
  return ShapeResult::success({f32(std::move(dims))});
}

// position: a learned table -> f32[len,dim].
ShapeResult shape_position(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t len = attrs.positive("len");
  int64_t dim = attrs.positive("dim");
  if (attrs.failed()) return attrs.failure();
  return ShapeResult::success({f32({len, dim})});
}

// attention: x [L,d] with d % heads == 0, optional context [Lc,dc] -> [L,d].
ShapeResult shape_attention(const ShapeCall& call) {
  if (call.inputs.empty() || call.inputs.size() > 2) {
    return ShapeResult::failure(DiagKind::WrongArity, {call.spelling(), "1 or 2 operands",
                                                       std::to_string(call.inputs.size())});
  }
  AttrReader attrs(call);
  int64_t heads = attrs.positive("heads");
  attrs.boolean("causal");
  double dropout = attrs.has("dropout") ? attrs.number("dropout") : 0.0;
  if (attrs.failed()) return attrs.failure();
  attrs.check(dropout >= 0.0 && dropout < 1.0, fmt::format("{}", dropout), "dropout", "in [0, 1)");
  if (attrs.failed()) return attrs.failure();
  for (int i = 0; i < static_cast<int>(call.inputs.size()); ++i) {
    if (auto err = require_f32(call, i)) return *err;
    if (call.in(i).rank() != 2) return form_error(call, i, i == 0 ? "[L,d]" : "a context [Lc,dc]");
  }
  int64_t d = call.in(0).dims[1];
  if (d % heads != 0) {
    return shape_error(fmt::format("'{}' needs the width divisible by heads: width {}, {} heads",
                                   call.spelling(), d, heads),
                       0);
  }
  return ShapeResult::success({call.in(0)});
}

// attention_step(x [1,d], cache [2,heads,L,d/heads], t i64[]) -> ([1,d], the cache's type).
ShapeResult shape_attention_step(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t heads = attrs.positive("heads");
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  if (auto err = require_f32(call, 1)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x.size() != 2 || x[0] != 1) return form_error(call, 0, "one row [1,d]");
  const std::vector<int64_t>& cache = call.in(1).dims;
  if (cache.size() != 4 || cache[0] != 2 || cache[1] != heads || cache[1] * cache[3] != x[1])
    return form_error(call, 1, fmt::format("a cache [2,{},L,{}]", heads, x[1] / heads));
  const ValueType& t = call.in(2);
  if (t.dtype != DType::I64 || !t.dims.empty())
    return ShapeResult::failure(DiagKind::DTypeMismatch, {call.spelling(), "a position i64[]", t.str()}, 2);
  return ShapeResult::success({call.in(0), call.in(1)});
}

}  // namespace genc::ir::shapes
