// Building one role's graph: node emission with shape inference and error reporting.
#include "compiler/sema/emit.h"

#include <fmt/format.h>

#include "compiler/ir/shape_fns.h"

namespace genc::sema {
namespace {

constexpr size_t kMaxNodes = 1000000;  // a graph larger than this is a runaway `repeat`

std::string spelling(ir::Op op, const ir::Attrs& attrs) {
  auto it = attrs.find("symbol");
  if (it != attrs.end())
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return std::string(ir::op_name(op));
}

void add_operand_note(Diagnostic& d, DiagnosticEngine& diags, const Value& v) {
  const char* what = v.type.kind == ir::ValueKind::Tensor ? "shape" : "type";
  std::string shown = v.type.kind == ir::ValueKind::Tensor && v.type.dtype == ir::DType::F32
                          ? ir::shape_str(v.type.dims)
                          : type_text(v.type);
  diags.add_note(d, v.origin_range, fmt::format("'{}' has {} {}", v.origin, what, shown));
}

}  // namespace

GraphBuilder::GraphBuilder(DiagnosticEngine& diags, ir::Graph* graph, std::string root)
    : diags_(diags), graph_(graph), namer_(std::move(root)) {}

Value GraphBuilder::input(const std::string& name, int index, const ir::ValueType& type,
                          SourceRange loc) {
  ir::Node n;
  n.op = ir::Op::Input;
  n.attrs["name"] = name;
  n.attrs["index"] = static_cast<int64_t>(index);
  n.outputs = {type};
  n.loc = loc;
  ir::NodeId id = graph_->add(std::move(n));
  emitted_.push_back(id);
  return result(id, 0);
}

void GraphBuilder::output(const Value& v, SourceRange loc) {
  ir::Node n;
  n.op = ir::Op::Output;
  n.inputs = {v.ref};
  n.loc = loc;
  emitted_.push_back(graph_->add(std::move(n)));
}

std::optional<ir::NodeId> GraphBuilder::emit(ir::Op op, const std::vector<Value>& inputs,
                                             ir::Attrs attrs, SourceRange loc) {
  std::string name = spelling(op, attrs);
  if (!graph_) {
    diags_.report(
        DiagKind::TypeError, loc,
        {fmt::format("'{}' builds a tensor, which is only possible inside a role or block", name)});
    return std::nullopt;
  }
  if (flow_chain_ && op != ir::Op::Const && !ir::has_flag(op, ir::kInvertible)) {
    diags_.report(DiagKind::NotInvertible, loc, {name});
    return std::nullopt;
  }
  if (graph_->size() >= kMaxNodes) {
    if (exhausted_) return std::nullopt;
    exhausted_ = true;
    diags_.report(
        DiagKind::TypeError, loc,
        {fmt::format("the graph grows past {} nodes; is a repeat count too large?", kMaxNodes)});
    return std::nullopt;
  }
  std::vector<ir::ValueType> types;
  for (const Value& v : inputs) types.push_back(v.type);
  ir::ShapeResult shape = ir::infer_shape(op, types, attrs);
  if (!shape.ok) {
    Diagnostic& d = diags_.report(shape.error, loc, shape.error_args);
    // The note goes to the culprit operand when its definition is known; otherwise to
    // the last operand that was read from a name.
    const Value* culprit = nullptr;
    if (shape.culprit >= 0 && shape.culprit < static_cast<int>(inputs.size()) &&
        inputs[static_cast<size_t>(shape.culprit)].origin_range.valid())
      culprit = &inputs[static_cast<size_t>(shape.culprit)];
    if (!culprit && inputs.size() > 1)
      for (const Value& v : inputs)
        if (v.origin_range.valid()) culprit = &v;
    if (culprit) add_operand_note(d, diags_, *culprit);
    if (!calls_.empty() && loc.file != calls_.front().second.file)
      for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
        diags_.add_note(d, it->second, fmt::format("in block '{}' called here", it->first));
    return std::nullopt;
  }
  ir::Node n;
  n.op = op;
  for (const Value& v : inputs) n.inputs.push_back(v.ref);
  n.outputs = std::move(shape.outputs);
  n.attrs = std::move(attrs);
  n.loc = loc;
  if (ir::has_flag(op, ir::kParams)) n.name = namer_.next(ir::op_name(op));
  ir::NodeId id = graph_->add(std::move(n));
  emitted_.push_back(id);
  if (!calls_.empty() && loc.file != calls_.front().second.file) node_calls_[id] = calls_;
  return id;
}

std::vector<std::pair<std::string, SourceRange>> GraphBuilder::calls_of(ir::NodeId id) const {
  auto it = node_calls_.find(id);
  if (it == node_calls_.end()) return {};
  return {it->second.rbegin(), it->second.rend()};
}

Value GraphBuilder::result(ir::NodeId id, int port) const {
  return Value::tensor(ir::ValueRef{id, port}, graph_->node(id).outputs[static_cast<size_t>(port)]);
}

Value GraphBuilder::constant(double v, SourceRange loc) {
  std::optional<ir::NodeId> id = emit(ir::Op::Const, {}, {{"value", v}}, loc);
  return id ? result(*id) : Value::error();
}

int GraphBuilder::count(ir::Op op) const {
  int n = 0;
  for (ir::NodeId id : emitted_)
    if (graph_->node(id).op == op) ++n;
  return n;
}

}  // namespace genc::sema
