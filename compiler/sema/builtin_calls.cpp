// Builtin op calls: defaults filled from the table, tensor parameters become operands and
// the others attributes; per-op details (split's several results, dims counted from the
// end, permute seeds, couplings) and the sema-evaluated builtins len, size and spectral_norm.
#include <fmt/format.h>

#include "compiler/sema/evaluator.h"

namespace genc::sema {
namespace {

// Rewrites a negative dimension attribute to count from the front (`-1` on rank 3 -> 2);
// out-of-range values are left for the shape function to report.
int64_t from_front(int64_t dim, int rank) { return dim < 0 && dim >= -rank ? dim + rank : dim; }

void normalise_dims(ir::Op op, ir::Attrs& attrs, const std::vector<Value>& inputs) {
  if (inputs.empty()) return;
  int rank = inputs[0].type.rank();
  if (op == ir::Op::Concat || op == ir::Op::Split) {
    if (auto* d = std::get_if<int64_t>(&attrs["dim"])) *d = from_front(*d, rank);
  }
  if (op == ir::Op::Sum || op == ir::Op::Mean) {
    if (auto* dims = std::get_if<std::vector<int64_t>>(&attrs["dims"]))
      for (int64_t& d : *dims) d = from_front(d, rank);
  }
}

}  // namespace

Value Evaluator::call_builtin(const Builtin& b, const CallSite& site, Scope& scope,
                              std::vector<Value> leading) {
  Bound args;
  if (!bind_args(b.sig, b.name, site, scope, std::move(leading), args)) return Value::error();
  for (size_t k = 0; k < args.values.size(); ++k)
    if (!args.given[k]) args.values[k] = b.sig.params[k].default_value;
  if (!b.op) {
    if (b.name == "len") return call_len(args);
    if (b.name == "size") return call_size(args);
    return mark_spectral_norm(args.values[0], args.exprs[0], args.ranges[0]);
  }
  return lower_op(b, args, site, scope);
}

Value Evaluator::lower_op(const Builtin& b, Bound& args, const CallSite& site, Scope& scope) {
  ir::Op op = *b.op;
  if (op == ir::Op::AffineCoupling || op == ir::Op::AdditiveCoupling)
    return call_coupling(op, args, site, scope);
  std::vector<Value> inputs;
  ir::Attrs attrs;
  for (size_t k = 0; k < args.values.size(); ++k) {
    const ParamSpec& p = b.sig.params[k];
    const Value& v = args.values[k];
    if (v.is(VKind::None)) continue;
    if (p.type == ParamType::Tensor || p.type == ParamType::Tensors) {
      if (v.is(VKind::List))
        inputs.insert(inputs.end(), v.items.begin(), v.items.end());
      else
        inputs.push_back(v);
      continue;
    }
    std::optional<ir::Attr> a = to_attr(v);
    GENC_ASSERT(a.has_value(),
                "builtin '" + b.name + "': parameter '" + p.name + "' has no attribute form");
    attrs[p.name] = *a;
  }
  normalise_dims(op, attrs, inputs);
  if (op == ir::Op::Permute && std::get<std::string>(attrs["order"]) == "random")
    attrs["seed"] = static_cast<int64_t>(builder_.count(ir::Op::Permute));
  std::optional<ir::NodeId> id = builder_.emit(op, inputs, std::move(attrs), site.callee);
  if (!id) return Value::error();
  if (op == ir::Op::Split) {
    std::vector<Value> parts;
    for (size_t port = 0; port < builder_.graph().node(*id).outputs.size(); ++port)
      parts.push_back(builder_.result(*id, static_cast<int>(port)));
    return Value::tuple(std::move(parts));
  }
  return builder_.result(*id, 0);
}

Value Evaluator::call_len(Bound& args) {
  const Value& v = args.values[0];
  if (v.is(VKind::List) || v.is(VKind::Tuple))
    return Value::integer(static_cast<int64_t>(v.items.size()));
  if (v.is(VKind::String)) return Value::integer(static_cast<int64_t>(v.s.size()));
  diags_.report(DiagKind::ArgumentType, args.ranges[0], {"x", "len", "a list", kind_text(v)});
  return Value::error();
}

Value Evaluator::call_size(Bound& args) {
  const Value& x = args.values[0];
  const std::vector<int64_t>& dims = x.type.dims;
  if (args.values[1].is(VKind::None)) {
    std::vector<Value> items;
    for (int64_t d : dims) items.push_back(Value::integer(d));
    return Value::list(std::move(items));
  }
  int64_t dim = args.values[1].i;
  int rank = static_cast<int>(dims.size());
  int64_t k = from_front(dim, rank);
  if (k < 0 || k >= rank) {
    diags_.report(DiagKind::BadDimension, args.ranges[1],
                  {std::to_string(dim), std::to_string(rank)});
    return Value::error();
  }
  return Value::integer(dims[static_cast<size_t>(k)]);
}

Value Evaluator::mark_spectral_norm(const Value& v, const ast::Expr* e, SourceRange at) {
  const char* expected = "a call of linear, conv or upconv";
  if (!e || e->kind != ast::ExprKind::Call || !v.is_tensor()) {
    diags_.report(DiagKind::ArgumentType, at, {"op", "spectral_norm", expected, kind_text(v)});
    return Value::error();
  }
  ir::Node& node = builder_.graph().node(v.ref.node);
  if (node.op != ir::Op::Linear && node.op != ir::Op::Conv && node.op != ir::Op::UpConv) {
    diags_.report(
        DiagKind::ArgumentType, at,
        {"op", "spectral_norm", expected, fmt::format("a call of '{}'", ir::op_name(node.op))});
    return Value::error();
  }
  node.attrs["spectral_norm"] = true;
  return v;
}

}  // namespace genc::sema
