// Shape functions of the training-objective ops that compiler/lower adds to step, eval and
// sample graphs: random draws, gradient control, batch repetition and the per-example
// losses (each reduces an example to f32[]).
#include <algorithm>

#include <fmt/format.h>

#include "compiler/ir/shape_fns_impl.h"

namespace genc::ir::shapes {
namespace {

/// The error unless every operand is an f32 tensor of operand 0's shape.
std::optional<ShapeResult> require_same_f32(const ShapeCall& call) {
  for (int i = 0; i < static_cast<int>(call.inputs.size()); ++i) {
    if (auto err = require_f32(call, i)) return err;
    if (call.in(i).dims != call.in(0).dims) {
      return ShapeResult::failure(DiagKind::ShapeMismatch,
                                  {call.spelling(), shape_str(call.in(0).dims), shape_str(call.in(i).dims)},
                                  i);
    }
  }
  return std::nullopt;
}

}  // namespace

// randn / rand: `shape` per example.
ShapeResult shape_random(const ShapeCall& call) {
  AttrReader attrs(call);
  std::vector<int64_t> shape = attrs.integers("shape");
  if (attrs.failed()) return attrs.failure();
  for (int64_t d : shape) attrs.check(d > 0, shape_str(shape), "shape", "positive dimensions");
  if (attrs.failed()) return attrs.failure();
  return ShapeResult::success({f32(std::move(shape))});
}

// rand_label: one label of `classes` per example.
ShapeResult shape_rand_label(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t classes = attrs.positive("classes");
  if (attrs.failed()) return attrs.failure();
  ValueType t = ValueType::tensor({}, DType::I64);
  t.classes = classes;
  return ShapeResult::success({t});
}

// detach, grad_input, repeat_batch: the operand's type (repeat_batch needs `times`).
ShapeResult shape_passthrough(const ShapeCall& call) {
  if (call.op == Op::RepeatBatch) {
    AttrReader attrs(call);
    attrs.positive("times");
    if (attrs.failed()) return attrs.failure();
  }
  return ShapeResult::success({call.in(0)});
}

// reduce_samples: f32 rows in groups of `times` -> one row per group, same type.
ShapeResult shape_reduce_samples(const ShapeCall& call) {
  AttrReader attrs(call);
  attrs.positive("times");
  std::string how = attrs.string("how");
  attrs.check(attrs.failed() || how == "mean" || how == "logmeanexp", attr_str(how), "how",
              "\"mean\" or \"logmeanexp\"");
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  return ShapeResult::success({call.in(0)});
}

// reparam(mean, logvar, eps): equal f32 shapes -> that shape.
ShapeResult shape_reparam(const ShapeCall& call) {
  if (auto err = require_same_f32(call)) return *err;
  return ShapeResult::success({call.in(0)});
}

// kl_std_normal, normal_logpdf, bernoulli_nll, gaussian_nll: equal f32 shapes -> f32[].
ShapeResult shape_gaussian_loss(const ShapeCall& call) {
  if (auto err = require_same_f32(call)) return *err;
  return ShapeResult::success({f32({})});
}

// std_normal_logpdf: any f32 tensor -> f32[].
ShapeResult shape_event_sum(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  return ShapeResult::success({f32({})});
}

// gan_loss: a score -> f32[], for a known loss and target.
ShapeResult shape_gan_loss(const ShapeCall& call) {
  AttrReader attrs(call);
  std::string loss = attrs.string("loss");
  attrs.check(attrs.failed() || loss == "nonsaturating" || loss == "hinge" || loss == "wgan-gp" ||
                  loss == "lsgan",
              attr_str(loss), "loss", "\"nonsaturating\", \"hinge\", \"wgan-gp\" or \"lsgan\"");
  std::string target = attrs.string("target");
  attrs.check(attrs.failed() || target == "real" || target == "fake" || target == "gen", attr_str(target),
              "target", "\"real\", \"fake\" or \"gen\"");
  if (attrs.failed()) return attrs.failure();
  return shape_event_sum(call);
}

// categorical_nll, correct: logits f32[...,K] and a target of shape [...]: i64 classes
// (of K when the count is known) or f32 values in [0,1] (quantised) -> f32[].
ShapeResult shape_categorical_loss(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  const ValueType& logits = call.in(0);
  const ValueType& target = call.in(1);
  if (logits.dims.empty()) return form_error(call, 0, "logits [...,classes]");
  std::vector<int64_t> event(logits.dims.begin(), logits.dims.end() - 1);
  if (target.dims != event)
    return ShapeResult::failure(DiagKind::ShapeMismatch,
                                {call.spelling(), shape_str(logits.dims), shape_str(target.dims)}, 1);
  int64_t k = logits.dims.back();
  if (target.dtype == DType::I64 && target.classes != 0 && target.classes != k) {
    return shape_error(fmt::format("'{}' has {} classes of logits but a target of {} classes",
                                   call.spelling(), k, target.classes),
                       1);
  }
  if (call.op == Op::Correct && target.dtype != DType::I64)
    return ShapeResult::failure(DiagKind::DTypeMismatch, {call.spelling(), "i64 labels", target.str()}, 1);
  return ShapeResult::success({f32({})});
}

// categorical_mean: logits f32[...,K] -> f32[...].
ShapeResult shape_categorical_mean(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  const std::vector<int64_t>& dims = call.in(0).dims;
  if (dims.empty()) return form_error(call, 0, "logits [...,classes]");
  return ShapeResult::success({f32(std::vector<int64_t>(dims.begin(), dims.end() - 1))});
}

// grad_penalty(score, at): f32 tensors -> f32[].
ShapeResult shape_grad_penalty(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  if (auto err = require_f32(call, 1)) return *err;
  return ShapeResult::success({f32({})});
}

// start_tokens: i64[len] of `classes` per example.
ShapeResult shape_start_tokens(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t len = attrs.positive("len");
  int64_t classes = attrs.positive("classes");
  if (attrs.failed()) return attrs.failure();
  ValueType t = ValueType::tensor({len}, DType::I64);
  t.classes = classes;
  return ShapeResult::success({t});
}

// sample_position(tokens i64[L...], logits f32[L...,K] (or [1,K], one row), t i64[]) -> the tokens' type.
ShapeResult shape_sample_position(const ShapeCall& call) {
  const ValueType& tokens = call.in(0);
  if (tokens.kind != ValueKind::Tensor || tokens.dtype != DType::I64)
    return ShapeResult::failure(DiagKind::DTypeMismatch, {call.spelling(), "i64 tokens", tokens.str()}, 0);
  if (auto err = require_f32(call, 1)) return *err;
  const std::vector<int64_t>& logits = call.in(1).dims;
  // A decode step's logits are of the one row it ran: [1, K] for tokens [L].
  const bool one_row = tokens.dims.size() == 1 && logits.size() == 2 && logits[0] == 1;
  if (!one_row &&
      (logits.size() != tokens.dims.size() + 1 || !std::equal(tokens.dims.begin(), tokens.dims.end(), logits.begin())))
    return ShapeResult::failure(DiagKind::ShapeMismatch, {call.spelling(), shape_str(tokens.dims), shape_str(logits)}, 1);
  const ValueType& t = call.in(2);
  if (t.dtype != DType::I64 || !t.dims.empty())
    return ShapeResult::failure(DiagKind::DTypeMismatch, {call.spelling(), "a position i64[]", t.str()}, 2);
  AttrReader attrs(call);
  attrs.number("temperature");
  attrs.number("top_p");
  if (attrs.failed()) return attrs.failure();
  return ShapeResult::success({tokens});
}

// at_position(v [L,...], t i64[]) -> [1,...]: the row of position t.
ShapeResult shape_at_position(const ShapeCall& call) {
  const ValueType& v = call.in(0);
  if (v.kind != ValueKind::Tensor || v.rank() < 1) return form_error(call, 0, "a sequence [L,...]");
  const ValueType& t = call.in(1);
  if (t.dtype != DType::I64 || !t.dims.empty())
    return ShapeResult::failure(DiagKind::DTypeMismatch, {call.spelling(), "a position i64[]", t.str()}, 1);
  ValueType row = v;
  row.dims[0] = 1;
  return ShapeResult::success({row});
}

// kv_cache: f32[2, heads, len, dim / heads] per example (keys, then values).
ShapeResult shape_kv_cache(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t heads = attrs.positive("heads");
  int64_t len = attrs.positive("len");
  int64_t dim = attrs.positive("dim");
  if (attrs.failed()) return attrs.failure();
  attrs.check(dim % heads == 0, std::to_string(dim), "dim", "a multiple of heads");
  if (attrs.failed()) return attrs.failure();
  return ShapeResult::success({f32({2, heads, len, dim / heads})});
}

}  // namespace genc::ir::shapes
