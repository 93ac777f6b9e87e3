// Shape functions of the flow ops: coupling masks, couplings and the other invertible
// steps (each invertible step returns (y, logdet[])).
//
// Coupling masks split x into a conditioning half `cond` (passed through unchanged and fed
// to the coupling's net) and the transformed half `rest`:
//   "even"    any shape, on the row-major flattening: cond = elements 0,2,4,..., rest = 1,3,5,...
//             (on [D]: alternate features)
//   "odd"     the same with the halves swapped: cond = elements 1,3,5,..., rest = 0,2,4,...
//   "checker" [C,H,W]: cond = positions (h+w) even, in every channel; rest = (h+w) odd
//   "channel" [C,H,W]: cond = channels 0..ceil(C/2)-1; rest = the remaining channels
// Both halves must be non-empty. mask_select's "rest" half is a flat f32 vector in row-major
// order of x, and so is "cond" for "even"/"odd"; on a feature map "cond" keeps the spatial
// shape, so a coupling net may be convolutional (LANGUAGE.md 5.3): "channel" gives
// [ceil(C/2),H,W], "checker" gives [C,H,W] with the rest positions zeroed.
//
// A coupling's net output holds, per transformed element, a log-scale and a shift (affine)
// or a shift (additive): packed, numel = 2 (1) x numel(rest), in rest order; or, on a
// feature map, full-size, numel = 2 (1) x numel(x), one per element of x, of which the
// coupling reads the rest positions (a checkerboard net's [2C,H,W] conv output).
#include <fmt/format.h>

#include "compiler/ir/shape_fns_impl.h"

namespace genc::ir::shapes {
namespace {

// Element counts of the two halves of x under a coupling mask.
struct MaskSplit {
  int64_t cond = 0;
  int64_t rest = 0;
};

// Reads attribute `mask` and splits operand 0 by it; an error if the mask does not fit.
std::optional<ShapeResult> split_by_mask(const ShapeCall& call, AttrReader& attrs,
                                         MaskSplit& split) {
  std::string mask = attrs.string("mask");
  bool known = mask == "even" || mask == "odd" || mask == "checker" || mask == "channel";
  attrs.check(attrs.failed() || known, attr_str(mask), "mask",
              "\"even\", \"odd\", \"checker\" or \"channel\"");
  if (attrs.failed()) return attrs.failure();
  const ValueType& x = call.in(0);
  const std::vector<int64_t>& d = x.dims;
  if (mask == "even" || mask == "odd") {
    if (x.rank() == 0) return form_error(call, 0, "[D] for mask \"" + mask + "\"");
    int64_t n = x.numel();
    split.cond = mask == "even" ? (n + 1) / 2 : n / 2;
  } else {
    if (x.rank() != 3) return form_error(call, 0, "[C,H,W] for mask \"" + mask + "\"");
    int64_t plane = d[1] * d[2];
    split.cond = mask == "checker" ? d[0] * ((plane + 1) / 2) : (d[0] - d[0] / 2) * plane;
  }
  split.rest = x.numel() - split.cond;
  if (split.cond == 0 || split.rest == 0) {
    return shape_error(fmt::format("mask \"{}\" leaves one half of {} empty", mask, shape_str(d)),
                       0);
  }
  return std::nullopt;
}

ShapeResult with_logdet(const ValueType& y) { return ShapeResult::success({y, f32({})}); }

}  // namespace

// mask_select(mask, part: "cond"|"rest"): one half of x as a flat vector.
ShapeResult shape_mask_select(const ShapeCall& call) {
  AttrReader attrs(call);
  std::string part = attrs.string("part");
  attrs.check(attrs.failed() || part == "cond" || part == "rest", attr_str(part), "part",
              "\"cond\" or \"rest\"");
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  MaskSplit split;
  if (auto err = split_by_mask(call, attrs, split)) return *err;
  const std::vector<int64_t>& d = call.in(0).dims;
  std::string mask = attrs.string("mask");
  if (part == "cond" && mask == "channel") return ShapeResult::success({f32({d[0] - d[0] / 2, d[1], d[2]})});
  if (part == "cond" && mask == "checker") return ShapeResult::success({call.in(0)});
  return ShapeResult::success({f32({part == "cond" ? split.cond : split.rest})});
}

// affine_coupling / additive_coupling(x, net_out) with `mask`: net_out (any shape) holds
// 2*numel(rest) elements for the affine one (log-scale then shift), numel(rest) for the
// additive one (shift). -> (x's type, logdet f32[]).
ShapeResult shape_coupling(const ShapeCall& call) {
  for (int i = 0; i < 2; ++i)
    if (auto err = require_f32(call, i)) return *err;
  AttrReader attrs(call);
  MaskSplit split;
  if (auto err = split_by_mask(call, attrs, split)) return *err;
  bool affine = call.op == Op::AffineCoupling;
  if (affine) {
    std::string scale = attrs.string("scale");
    attrs.check(attrs.failed() || scale == "exp" || scale == "sigmoid", attr_str(scale), "scale",
                "\"exp\" or \"sigmoid\"");
    if (attrs.failed()) return attrs.failure();
  }
  int64_t needed = affine ? 2 * split.rest : split.rest;
  const ValueType& net_out = call.in(1);
  bool full = call.in(0).rank() == 3 && net_out.numel() == (affine ? 2 : 1) * call.in(0).numel();
  if (net_out.numel() != needed && !full) {
    std::string why =
        affine ? fmt::format("2 x {} transformed", split.rest) : "one per transformed";
    return shape_error(
        fmt::format("'{}' needs a net output of {} elements ({}), got {} ({} elements)",
                    call.spelling(), needed, why, shape_str(net_out.dims), net_out.numel()),
        1);
  }
  return with_logdet(call.in(0));
}

// actnorm, permute, logit, dequantize: elementwise or per-channel (dim 0) steps.
ShapeResult shape_invertible_same(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  if (call.in(0).rank() == 0) return form_error(call, 0, "at least one dimension");
  return with_logdet(call.in(0));
}

// invertible_step: the marker ending a user invertible's forward, (x, y, logdet[]) -> (y, logdet).
ShapeResult shape_invertible_step(const ShapeCall& call) {
  for (int k = 0; k < 3; ++k)
    if (auto err = require_f32(call, k)) return *err;
  if (call.in(2).rank() != 0) return form_error(call, 2, "one number per example ([])");
  return with_logdet(call.in(1));
}

// invertible_inverse: the marker ending a user invertible's `inverse` body, (x, y, x_rec) -> ();
// x_rec, the body's result on the step's y, has x's type.
ShapeResult shape_invertible_inverse(const ShapeCall& call) {
  for (int k = 0; k < 3; ++k)
    if (auto err = require_f32(call, k)) return *err;
  if (call.in(2) != call.in(0))
    return shape_error(fmt::format("'{}' returns {} but the step's input is {}", call.spelling(),
                                   shape_str(call.in(2).dims), shape_str(call.in(0).dims)),
                       2);
  return ShapeResult::success({});
}

// invconv1x1: an invertible CxC mixing of dim 0, on [C], [C,L] or [C,H,W].
ShapeResult shape_invconv(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  int rank = call.in(0).rank();
  if (rank < 1 || rank > 3) return form_error(call, 0, "[C], [C,L] or [C,H,W]");
  return with_logdet(call.in(0));
}

// squeeze: space-to-depth, [C,H,W] -> [4C,H/2,W/2] with H and W even.
ShapeResult shape_squeeze(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x.size() != 3 || x[1] % 2 != 0 || x[2] % 2 != 0)
    return form_error(call, 0, "[C,H,W] with even H and W");
  return with_logdet(f32({4 * x[0], x[1] / 2, x[2] / 2}));
}

// factor_out: the multi-scale step, [C,H,W] with C even -> (y [C/2,H,W], logdet, z
// [C/2,H,W]): y (channels 0..C/2-1) continues the flow, z (the others) goes to the prior.
ShapeResult shape_factor_out(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x.size() != 3 || x[0] % 2 != 0) return form_error(call, 0, "[C,H,W] with an even C");
  ValueType half = f32({x[0] / 2, x[1], x[2]});
  return ShapeResult::success({half, f32({}), half});
}

// factor_out_inv(y, z): factor_out's inverse, [C,H,W] twice -> [2C,H,W].
ShapeResult shape_factor_out_inverse(const ShapeCall& call) {
  for (int i = 0; i < 2; ++i)
    if (auto err = require_f32(call, i)) return *err;
  const std::vector<int64_t>& y = call.in(0).dims;
  if (y.size() != 3) return form_error(call, 0, "[C,H,W]");
  if (call.in(1).dims != y) return form_error(call, 1, "the shape of y, " + shape_str(y));
  return ShapeResult::success({f32({2 * y[0], y[1], y[2]})});
}

// affine_coupling_inv / additive_coupling_inv(y, net_out) with `mask`: the net output of
// the forward coupling, computed from y's conditioning half. -> y's type.
ShapeResult shape_coupling_inverse(const ShapeCall& call) {
  for (int i = 0; i < 2; ++i)
    if (auto err = require_f32(call, i)) return *err;
  AttrReader attrs(call);
  MaskSplit split;
  if (auto err = split_by_mask(call, attrs, split)) return *err;
  int64_t per = call.op == Op::AffineCouplingInv ? 2 : 1;
  bool full = call.in(0).rank() == 3 && call.in(1).numel() == per * call.in(0).numel();
  int64_t needed = per * split.rest;
  if (call.in(1).numel() != needed && !full)
    return shape_error(fmt::format("'{}' needs a net output of {} elements, got {}", call.spelling(),
                                   needed, shape_str(call.in(1).dims)),
                       1);
  return ShapeResult::success({call.in(0)});
}

// actnorm_inv, invconv1x1_inv, permute_inv, logit_inv, dequantize_inv: y -> x of y's type.
ShapeResult shape_inverse_same(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  if (call.in(0).rank() == 0) return form_error(call, 0, "at least one dimension");
  return ShapeResult::success({call.in(0)});
}

// unsqueeze: depth-to-space, [4C,H,W] -> [C,2H,2W] (squeeze's inverse).
ShapeResult shape_unsqueeze(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x.size() != 3 || x[0] % 4 != 0) return form_error(call, 0, "[4C,H,W]");
  return ShapeResult::success({f32({x[0] / 4, 2 * x[1], 2 * x[2]})});
}

}  // namespace genc::ir::shapes
