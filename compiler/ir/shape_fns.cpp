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

const Attr* AttrReader::find(const std::string& key, AttrType type) {
  const AttrDecl* d = find_attr_decl(call_.op, key);
  GENC_ASSERT(d, "the shape function of " + std::string(op_name(call_.op)) +
                     " reads the undeclared attribute '" + key + "'");
  GENC_ASSERT(d->type == type || (type == AttrType::Ints && d->type == AttrType::Dims),
              "the shape function of " + std::string(op_name(call_.op)) + " reads '" + key +
                  "' as " + attr_type_text(type));
  auto it = call_.attrs.find(key);
  if (it == call_.attrs.end()) {
    GENC_ASSERT(d->use != AttrUse::Optional, "the shape function of " +
                                                 std::string(op_name(call_.op)) + " reads '" + key +
                                                 "' without asking has()");
    if (d->use == AttrUse::Default) return &d->default_value;
    fail(ShapeResult::failure(DiagKind::MissingArgument, {key, call_.spelling()}));
    return nullptr;
  }
  if (!attr_fits(it->second, d->type)) {
    fail(ShapeResult::failure(
        DiagKind::ArgumentType,
        {key, call_.spelling(), attr_type_text(d->type), attr_str(it->second)}));
    return nullptr;
  }
  return &it->second;
}

int64_t AttrReader::integer(const std::string& key) {
  const Attr* a = find(key, AttrType::Int);
  return a ? std::get<int64_t>(*a) : 0;
}

int64_t AttrReader::positive(const std::string& key) {
  int64_t v = integer(key);
  check(failed() || v > 0, std::to_string(v), key, "a positive integer");
  return v;
}

int64_t AttrReader::non_negative(const std::string& key) {
  int64_t v = integer(key);
  check(failed() || v >= 0, std::to_string(v), key, "a non-negative integer");
  return v;
}

double AttrReader::number(const std::string& key) {
  const Attr* a = find(key, AttrType::Float);
  if (!a) return 0.0;
  if (const auto* i = std::get_if<int64_t>(a)) return static_cast<double>(*i);
  return std::get<double>(*a);
}

bool AttrReader::boolean(const std::string& key) {
  const Attr* a = find(key, AttrType::Bool);
  return a && std::get<bool>(*a);
}

std::string AttrReader::string(const std::string& key) {
  const Attr* a = find(key, AttrType::String);
  return a ? std::get<std::string>(*a) : "";
}

std::vector<int64_t> AttrReader::integers(const std::string& key) {
  const Attr* a = find(key, AttrType::Ints);
  return a ? attr_as_ints(*a) : std::vector<int64_t>{};
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
#define OP(id, spelling, n_inputs, n_outputs, flags, shape_fn, kernel) \
  case Op::id:                                                         \
    result = shapes::shape_fn(call);                                   \
    break;
#include "compiler/ir/ops.def"
  }
  GENC_ASSERT(
      !result.ok || info.outputs < 0 || static_cast<int>(result.outputs.size()) == info.outputs,
      "shape function of '" + std::string(info.spelling) + "' returned the wrong result count");
  return result;
}

}  // namespace genc::ir
