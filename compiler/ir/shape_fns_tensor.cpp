// Shape functions of parameter-free tensor ops: elementwise ops, broadcasting
// arithmetic, matmul, shape manipulation, reductions, resampling, the time embedding,
// and the distribution constructors.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/ir/shape_fns_impl.h"

namespace genc::ir::shapes {
namespace {

ShapeResult mismatch(const ShapeCall& call, int a, int b) {
  return ShapeResult::failure(
      DiagKind::ShapeMismatch,
      {call.spelling(), shape_str(call.in(a).dims), shape_str(call.in(b).dims)}, b);
}

// PyTorch broadcasting of two shapes (aligned at the last dimension); nullopt if they clash.
std::optional<std::vector<int64_t>> broadcast(const std::vector<int64_t>& a,
                                              const std::vector<int64_t>& b) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[rank - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

ValueType with_dims(ValueType t, std::vector<int64_t> dims) {
  t.dims = std::move(dims);
  return t;
}

// The spatial [C,H,W] operand of upsample/avgpool and its `factor`.
std::optional<ShapeResult> read_factor(const ShapeCall& call, int64_t& factor) {
  AttrReader attrs(call);
  factor = attrs.positive("factor");
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return err;
  if (call.in(0).rank() != 3) return form_error(call, 0, "[C,H,W]");
  return std::nullopt;
}

}  // namespace

// Elementwise f32 ops (activations, exp, log, ...): the shape is kept.
ShapeResult shape_same(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  return ShapeResult::success({call.in(0)});
}

// dropout: elementwise with a drop probability p in [0, 1).
ShapeResult shape_dropout(const ShapeCall& call) {
  AttrReader attrs(call);
  double p = attrs.number("p");
  attrs.check(attrs.failed() || (p >= 0.0 && p < 1.0), attr_str(p), "p", "a probability in [0, 1)");
  if (attrs.failed()) return attrs.failure();
  return shape_same(call);
}

// add/sub/mul/div: PyTorch broadcasting. The result is f32 if either operand is (and
// always for div, a true division); two i64 operands give i64 without a class count.
ShapeResult shape_broadcast(const ShapeCall& call) {
  std::optional<std::vector<int64_t>> dims = broadcast(call.in(0).dims, call.in(1).dims);
  if (!dims) return mismatch(call, 0, 1);
  bool integer =
      call.in(0).dtype == DType::I64 && call.in(1).dtype == DType::I64 && call.op != Op::Div;
  return ShapeResult::success(
      {ValueType::tensor(std::move(*dims), integer ? DType::I64 : DType::F32)});
}

// matmul as torch.matmul: 1-d operands are promoted to a row (left) or column (right)
// and that dimension is removed again; leading (batch) dimensions broadcast.
ShapeResult shape_matmul(const ShapeCall& call) {
  for (int i = 0; i < 2; ++i) {
    if (auto err = require_f32(call, i)) return *err;
    if (call.in(i).rank() == 0) return form_error(call, i, "at least one dimension");
  }
  std::vector<int64_t> a = call.in(0).dims;
  std::vector<int64_t> b = call.in(1).dims;
  bool a_vector = a.size() == 1;
  bool b_vector = b.size() == 1;
  if (a_vector) a.insert(a.begin(), 1);
  if (b_vector) b.push_back(1);
  if (a[a.size() - 1] != b[b.size() - 2]) return mismatch(call, 0, 1);
  std::optional<std::vector<int64_t>> dims = broadcast(
      std::vector<int64_t>(a.begin(), a.end() - 2), std::vector<int64_t>(b.begin(), b.end() - 2));
  if (!dims) return mismatch(call, 0, 1);
  if (!a_vector) dims->push_back(a[a.size() - 2]);
  if (!b_vector) dims->push_back(b.back());
  return ShapeResult::success({f32(std::move(*dims))});
}

// flatten: -> [numel]; dtype and class count are kept.
ShapeResult shape_flatten(const ShapeCall& call) {
  return ShapeResult::success({with_dims(call.in(0), {call.in(0).numel()})});
}

// reshape(shape): sizes > 0 and at most one -1, which takes the remaining elements.
ShapeResult shape_reshape(const ShapeCall& call) {
  AttrReader attrs(call);
  std::vector<int64_t> shape = attrs.integers("shape");
  int64_t inferred = std::count(shape.begin(), shape.end(), -1);
  bool sizes_ok =
      std::all_of(shape.begin(), shape.end(), [](int64_t d) { return d > 0 || d == -1; });
  attrs.check(attrs.failed() || (sizes_ok && inferred <= 1), shape_str(shape), "shape",
              "positive sizes with at most one -1");
  if (attrs.failed()) return attrs.failure();
  const ValueType& x = call.in(0);
  int64_t known = 1;
  for (int64_t d : shape) known *= d == -1 ? 1 : d;
  if (inferred == 1) {
    if (x.numel() % known != 0) {
      return shape_error(
          fmt::format("cannot reshape {} ({} elements) to {}: {} is not a multiple of {}",
                      shape_str(x.dims), x.numel(), shape_str(shape), x.numel(), known),
          0);
    }
    std::replace(shape.begin(), shape.end(), int64_t{-1}, x.numel() / known);
  } else if (known != x.numel()) {
    return ShapeResult::failure(
        DiagKind::ReshapeCount,
        {shape_str(x.dims), std::to_string(x.numel()), shape_str(shape), std::to_string(known)}, 0);
  }
  return ShapeResult::success({with_dims(x, std::move(shape))});
}

// concat(dim): two or more operands of one dtype and rank, equal except along `dim`.
ShapeResult shape_concat(const ShapeCall& call) {
  int n = static_cast<int>(call.inputs.size());
  if (n < 2)
    return ShapeResult::failure(DiagKind::WrongArity,
                                {call.spelling(), "at least 2 operands", std::to_string(n)});
  AttrReader attrs(call);
  int64_t dim = attrs.integer("dim");
  if (attrs.failed()) return attrs.failure();
  const ValueType& first = call.in(0);
  std::optional<int> d = normalize_dim(dim, first.rank());
  if (!d) return bad_dimension(dim, first.rank());
  ValueType result = first;
  for (int i = 1; i < n; ++i) {
    const ValueType& t = call.in(i);
    if (t.dtype != first.dtype) {
      std::string expected = first.dtype == DType::F32 ? "f32 tensors" : "i64 tensors";
      return ShapeResult::failure(DiagKind::DTypeMismatch, {call.spelling(), expected, t.str()}, i);
    }
    if (t.rank() != first.rank()) return mismatch(call, 0, i);
    for (int j = 0; j < first.rank(); ++j)
      if (j != *d && t.dims[j] != first.dims[j]) return mismatch(call, 0, i);
    result.dims[*d] += t.dims[*d];
    if (t.classes != first.classes) result.classes = 0;
  }
  return ShapeResult::success({result});
}

// split(parts, dim): `parts` equal results along `dim`.
ShapeResult shape_split(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t parts = attrs.positive("parts");
  int64_t dim = attrs.integer("dim");
  if (attrs.failed()) return attrs.failure();
  const ValueType& x = call.in(0);
  std::optional<int> d = normalize_dim(dim, x.rank());
  if (!d) return bad_dimension(dim, x.rank());
  if (x.dims[*d] % parts != 0) {
    return shape_error(fmt::format("'{}' cannot divide dimension {} of size {} into {} equal parts",
                                   call.spelling(), dim, x.dims[*d], parts),
                       0);
  }
  ValueType part = x;
  part.dims[*d] /= parts;
  return ShapeResult::success(std::vector<ValueType>(static_cast<size_t>(parts), part));
}

// sum/mean(dims): the listed dimensions are removed; no `dims` (or []) reduces all.
ShapeResult shape_reduce(const ShapeCall& call) {
  AttrReader attrs(call);
  std::vector<int64_t> dims = attrs.has("dims") ? attrs.integers("dims") : std::vector<int64_t>{};
  if (attrs.failed()) return attrs.failure();
  if (auto err = require_f32(call, 0)) return *err;
  const ValueType& x = call.in(0);
  std::set<int> removed;
  for (int64_t dim : dims) {
    std::optional<int> d = normalize_dim(dim, x.rank());
    if (!d) return bad_dimension(dim, x.rank());
    attrs.check(removed.insert(*d).second, shape_str(dims), "dims", "distinct dimensions");
  }
  if (attrs.failed()) return attrs.failure();
  std::vector<int64_t> out;
  if (!dims.empty()) {
    for (int j = 0; j < x.rank(); ++j)
      if (!removed.count(j)) out.push_back(x.dims[j]);
  }
  return ShapeResult::success({f32(std::move(out))});
}

// upsample(factor): nearest-neighbour, [C,H,W] -> [C,H*f,W*f].
ShapeResult shape_upsample(const ShapeCall& call) {
  int64_t f = 0;
  if (auto err = read_factor(call, f)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  return ShapeResult::success({f32({x[0], x[1] * f, x[2] * f})});
}

// avgpool(factor): kernel = stride = f, [C,H,W] -> [C,floor(H/f),floor(W/f)].
ShapeResult shape_avgpool(const ShapeCall& call) {
  int64_t f = 0;
  if (auto err = read_factor(call, f)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x[1] < f || x[2] < f) {
    return shape_error(fmt::format("'{}' with factor {} leaves no output for input {}",
                                   call.spelling(), f, shape_str(x)),
                       0);
  }
  return ShapeResult::success({f32({x[0], x[1] / f, x[2] / f})});
}

// sinusoidal(dim): a time value (i64[] step or f32[] in [0,1]) -> f32[dim], dim even
// (half sines, half cosines).
ShapeResult shape_sinusoidal(const ShapeCall& call) {
  AttrReader attrs(call);
  int64_t dim = attrs.positive("dim");
  attrs.check(attrs.failed() || dim % 2 == 0, std::to_string(dim), "dim", "an even number");
  if (attrs.failed()) return attrs.failure();
  if (call.in(0).rank() != 0) return form_error(call, 0, "a time value []");
  return ShapeResult::success({f32({dim})});
}

// gaussian(mean, logvar): equal shapes -> gaussian[shape].
ShapeResult shape_gaussian(const ShapeCall& call) {
  for (int i = 0; i < 2; ++i)
    if (auto err = require_f32(call, i)) return *err;
  if (call.in(0).dims != call.in(1).dims) return mismatch(call, 0, 1);
  ValueType t = f32(call.in(0).dims);
  t.kind = ValueKind::Gaussian;
  return ShapeResult::success({t});
}

// bernoulli(logits) -> bernoulli[shape].
ShapeResult shape_bernoulli(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  ValueType t = f32(call.in(0).dims);
  t.kind = ValueKind::Bernoulli;
  return ShapeResult::success({t});
}

// categorical(logits [...,K]) -> categorical[...] of K.
ShapeResult shape_categorical(const ShapeCall& call) {
  if (auto err = require_f32(call, 0)) return *err;
  const std::vector<int64_t>& x = call.in(0).dims;
  if (x.empty()) return form_error(call, 0, "logits [...,classes]");
  ValueType t = f32(std::vector<int64_t>(x.begin(), x.end() - 1));
  t.kind = ValueKind::Categorical;
  t.classes = x.back();
  return ShapeResult::success({t});
}

}  // namespace genc::ir::shapes
