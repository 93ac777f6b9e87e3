// Shape inference entry point: checks operand counts and kinds, then dispatches to the
// op's shape function through ops.def's ShapeFn column. Also the shared helpers of
// shape_fns_impl.h and the shape functions of the structural ops (input, output, const).
#include <fmt/format.h>

#include "compiler/ir/shape_fns_impl.h"

namespace genc::ir {
namespace shapes {

std::string ShapeCall::spelling() const {
  auto it = attrs.find("symbol");
  if (it != attrs.end())
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return std::string(op_name(op));
}

// --- AttrReader

void AttrReader::fail(ShapeResult r) {
  if (!error_) error_ = std::move(r);
}

const Attr* AttrReader::find(const std::string& key, bool required) {
  auto it = call_.attrs.find(key);
  if (it != call_.attrs.end()) return &it->second;
  if (required) fail(ShapeResult::failure(DiagKind::MissingArgument, {key, call_.spelling()}));
  return nullptr;
}

void AttrReader::wrong_type(const std::string& key, const Attr& value,
                            const std::string& expected) {
  fail(ShapeResult::failure(DiagKind::ArgumentType,
                            {key, call_.spelling(), expected, attr_str(value)}));
}

int64_t AttrReader::integer(const std::string& key) {
  const Attr* a = find(key, true);
  if (!a) return 0;
  if (const auto* v = std::get_if<int64_t>(a)) return *v;
  wrong_type(key, *a, "an integer");
  return 0;
}

int64_t AttrReader::integer_or(const std::string& key, int64_t fallback) {
  return call_.attrs.count(key) ? integer(key) : fallback;
}

int64_t AttrReader::positive(const std::string& key) {
  int64_t v = integer(key);
  check(failed() || v > 0, std::to_string(v), key, "a positive integer");
  return v;
}

int64_t AttrReader::positive_or(const std::string& key, int64_t fallback) {
  return call_.attrs.count(key) ? positive(key) : fallback;
}

int64_t AttrReader::non_negative_or(const std::string& key, int64_t fallback) {
  int64_t v = integer_or(key, fallback);
  check(failed() || v >= 0, std::to_string(v), key, "a non-negative integer");
  return v;
}

double AttrReader::number(const std::string& key) {
  const Attr* a = find(key, true);
  if (!a) return 0.0;
  if (const auto* d = std::get_if<double>(a)) return *d;
  if (const auto* i = std::get_if<int64_t>(a)) return static_cast<double>(*i);
  wrong_type(key, *a, "a number");
  return 0.0;
}

double AttrReader::number_or(const std::string& key, double fallback) {
  return call_.attrs.count(key) ? number(key) : fallback;
}

bool AttrReader::boolean_or(const std::string& key, bool fallback) {
  const Attr* a = find(key, false);
  if (!a) return fallback;
  if (const auto* b = std::get_if<bool>(a)) return *b;
  wrong_type(key, *a, "true or false");
  return fallback;
}

std::string AttrReader::string(const std::string& key) {
  const Attr* a = find(key, true);
  if (!a) return "";
  if (const auto* s = std::get_if<std::string>(a)) return *s;
  wrong_type(key, *a, "a string");
  return "";
}

std::string AttrReader::string_or(const std::string& key, const std::string& fallback) {
  return call_.attrs.count(key) ? string(key) : fallback;
}

std::vector<int64_t> AttrReader::integers(const std::string& key) {
  const Attr* a = find(key, true);
  if (!a) return {};
  if (const auto* v = std::get_if<std::vector<int64_t>>(a)) return *v;
  if (const auto* i = std::get_if<int64_t>(a)) return {*i};  // `dims: 0` means `dims: [0]`
  // An empty list reads back from IR text without an element type.
  if (const auto* d = std::get_if<std::vector<double>>(a); d && d->empty()) return {};
  if (const auto* s = std::get_if<std::vector<std::string>>(a); s && s->empty()) return {};
  wrong_type(key, *a, "a list of integers");
  return {};
}

std::vector<int64_t> AttrReader::integers_or(const std::string& key,
                                             std::vector<int64_t> fallback) {
  return call_.attrs.count(key) ? integers(key) : fallback;
}

void AttrReader::check(bool ok, const std::string& value, const std::string& key,
                       const std::string& expected) {
  if (!ok) fail(ShapeResult::failure(DiagKind::InvalidOptionValue, {value, key, expected}));
}

// --- common checks

std::optional<ShapeResult> require_f32(const ShapeCall& call, int operand) {
  const ValueType& t = call.in(operand);
  if (t.kind == ValueKind::Tensor && t.dtype == DType::F32) return std::nullopt;
  return ShapeResult::failure(DiagKind::DTypeMismatch, {call.spelling(), "an f32 tensor", t.str()},
                              operand);
}

ShapeResult form_error(const ShapeCall& call, int operand, const std::string& form) {
  return shape_error(fmt::format("'{}' expects {}, got {}", call.spelling(), form,
                                 shape_str(call.in(operand).dims)),
                     operand);
}

ShapeResult shape_error(std::string message, int culprit) {
  return ShapeResult::failure(DiagKind::ShapeError, {std::move(message)}, culprit);
}

std::optional<int> normalize_dim(int64_t dim, int rank) {
  if (dim < -rank || dim >= rank) return std::nullopt;
  return static_cast<int>(dim < 0 ? dim + rank : dim);
}

ShapeResult bad_dimension(int64_t dim, int rank, int culprit) {
  return ShapeResult::failure(DiagKind::BadDimension, {std::to_string(dim), std::to_string(rank)},
                              culprit);
}

// --- structure

// Input: the type given by the role's parameter.
ShapeResult shape_input(const ShapeCall& call) {
  GENC_ASSERT(call.given != nullptr, "infer_shape(input) needs the given type");
  return ShapeResult::success({*call.given});
}

// Output: consumes the role's return value; any kind of value is allowed.
ShapeResult shape_output(const ShapeCall& call) { return ShapeResult::success({}); }

// Const: a scalar `value` broadcast to the given type (f32[] when none is given).
ShapeResult shape_const(const ShapeCall& call) {
  AttrReader attrs(call);
  attrs.number("value");
  if (attrs.failed()) return attrs.failure();
  if (!call.given) return ShapeResult::success({f32({})});
  if (call.given->kind != ValueKind::Tensor || call.given->dtype != DType::F32)
    return ShapeResult::failure(DiagKind::DTypeMismatch,
                                {"const", "an f32 tensor", call.given->str()});
  return ShapeResult::success({*call.given});
}

}  // namespace shapes

ShapeResult infer_shape(Op op, const std::vector<ValueType>& inputs, const Attrs& attrs,
                        const ValueType* given) {
  shapes::ShapeCall call{op, inputs, attrs, given};
  const OpInfo& info = op_info(op);
  if (info.inputs >= 0 && static_cast<int>(inputs.size()) != info.inputs) {
    return ShapeResult::failure(
        DiagKind::WrongArity,
        {call.spelling(), fmt::format("{} operand{}", info.inputs, info.inputs == 1 ? "" : "s"),
         std::to_string(inputs.size())});
  }
  if (op != Op::Output) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].kind != ValueKind::Tensor) {
        return ShapeResult::failure(DiagKind::DTypeMismatch,
                                    {call.spelling(), "a tensor", inputs[i].str()},
                                    static_cast<int>(i));
      }
    }
  }
  ShapeResult result;
  switch (op) {
#define OP(id, spelling, n_inputs, n_outputs, flags, shape_fn) \
  case Op::id:                                                 \
    result = shapes::shape_fn(call);                           \
    break;
#include "compiler/ir/ops.def"
#undef OP
  }
  GENC_ASSERT(
      !result.ok || info.outputs < 0 || static_cast<int>(result.outputs.size()) == info.outputs,
      "shape function of '" + std::string(info.spelling) + "' returned the wrong result count");
  return result;
}

}  // namespace genc::ir
