// Shape functions of the diffusion ops: schedule_coef, clamp, expand_batch and the
// classifier-free guidance ops (drop_label, guidance_labels, guidance_mix).
#include "compiler/ir/shape_fns_impl.h"

namespace genc::ir::shapes {

// schedule_coef: a timestep i64[] -> its coefficient f32[].
ShapeResult shape_schedule_coef(const ShapeCall& call) {
  AttrReader attrs(call);
  attrs.positive("steps");
  std::string schedule = attrs.string("schedule");
  std::string coef = attrs.string("coef");
  if (attrs.failed()) return attrs.failure();
  attrs.check(schedule == "linear" || schedule == "cosine" || schedule == "sigmoid", attr_str(schedule), "schedule",
              "\"linear\", \"cosine\" or \"sigmoid\"");
  attrs.check(coef == "sqrt_alpha_bar" || coef == "sqrt_one_minus_alpha_bar" || coef == "min_snr_eps" ||
                  coef == "min_snr_x0" || coef == "min_snr_v",
              attr_str(coef), "coef", "a schedule coefficient");
  if (attrs.failed()) return attrs.failure();
  const ValueType& t = call.in(0);
  if (t.kind != ValueKind::Tensor || t.dtype != DType::I64 || t.rank() != 0) return form_error(call, 0, "a time i64[]");
  return ShapeResult::success({f32({})});
}

// clamp(lo, hi): elementwise, lo <= hi.
ShapeResult shape_clamp(const ShapeCall& call) {
  AttrReader attrs(call);
  double lo = attrs.number("lo"), hi = attrs.number("hi");
  if (attrs.failed()) return attrs.failure();
  attrs.check(lo <= hi, attr_str(hi), "hi", "at least lo");
  if (attrs.failed()) return attrs.failure();
  return shape_same(call);
}

// expand_batch(v, like): v's type (its batch becomes like's at run time).
ShapeResult shape_expand_batch(const ShapeCall& call) { return ShapeResult::success({call.in(0)}); }

// drop_label, guidance_labels: a label of K -> the same type (values may be the null class K,
// which embeddings with null_class own a row for).
ShapeResult shape_label_same(const ShapeCall& call) {
  if (call.op == Op::DropLabel) {
    AttrReader attrs(call);
    double p = attrs.number("p");
    if (attrs.failed()) return attrs.failure();
    attrs.check(p >= 0.0 && p <= 1.0, attr_str(p), "p", "a probability in [0, 1]");
    if (attrs.failed()) return attrs.failure();
  }
  const ValueType& y = call.in(0);
  if (y.kind != ValueKind::Tensor || y.dtype != DType::I64 || y.rank() != 0 || y.classes <= 0)
    return form_error(call, 0, "a label of K");
  return ShapeResult::success({y});
}

// guidance_mix(w): f32 rows in pairs -> one row per pair, same type.
ShapeResult shape_guidance_mix(const ShapeCall& call) {
  AttrReader attrs(call);
  attrs.number("w");
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  return ShapeResult::success({call.in(0)});
}

}  // namespace genc::ir::shapes
