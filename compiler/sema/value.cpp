// Compile-time and tensor values of sema: constructors, text forms, equality and the
// conversion to and from IR attributes.
#include "compiler/sema/value.h"

#include <fmt/format.h>

namespace genc::sema {

Value Value::integer(int64_t v) {
  Value r = make(VKind::Int);
  r.i = v;
  return r;
}

Value Value::number(double v) {
  Value r = make(VKind::Float);
  r.f = v;
  return r;
}

Value Value::boolean(bool v) {
  Value r = make(VKind::Bool);
  r.b = v;
  return r;
}

Value Value::string(std::string v) {
  Value r = make(VKind::String);
  r.s = std::move(v);
  return r;
}

Value Value::list(std::vector<Value> items) {
  Value r = make(VKind::List);
  r.items = std::move(items);
  return r;
}

Value Value::tuple(std::vector<Value> items) {
  Value r = make(VKind::Tuple);
  r.items = std::move(items);
  return r;
}

Value Value::fn(std::string name) {
  Value r = make(VKind::Fn);
  r.s = std::move(name);
  return r;
}

Value Value::tensor(ir::ValueRef ref, ir::ValueType type) {
  Value r = make(VKind::Tensor);
  r.ref = ref;
  r.type = std::move(type);
  return r;
}

bool Value::compile_time() const {
  switch (kind) {
    case VKind::Tensor:
    case VKind::Tuple:
    case VKind::Error:
      return false;
    case VKind::List:
      for (const Value& v : items)
        if (!v.compile_time()) return false;
      return true;
    default:
      return true;
  }
}

bool Value::has_error() const {
  if (kind == VKind::Error) return true;
  for (const Value& v : items)
    if (v.has_error()) return true;
  return false;
}

std::string type_text(const ir::ValueType& t) {
  switch (t.kind) {
    case ir::ValueKind::Tensor:
      if (t.dtype == ir::DType::F32) return ir::shape_str(t.dims);
      if (t.dims.empty()) return t.classes > 0 ? fmt::format("label of {}", t.classes) : "time";
      if (t.dims.size() == 1 && t.classes > 0)
        return fmt::format("tokens[{}] of {}", t.dims[0], t.classes);
      return t.str();
    case ir::ValueKind::Gaussian:
    case ir::ValueKind::Bernoulli:
    case ir::ValueKind::Categorical:
      return t.str();
  }
  return t.str();
}

std::string kind_text(const Value& v) {
  switch (v.kind) {
    case VKind::Error:
      return "an invalid value";
    case VKind::None:
      return "none";
    case VKind::Int:
      return "an integer";
    case VKind::Float:
      return "a number";
    case VKind::Bool:
      return "true or false";
    case VKind::String:
      return "a string";
    case VKind::List:
      return "a list";
    case VKind::Tuple:
      return fmt::format("a tuple of {} tensors", v.items.size());
    case VKind::Fn:
      return fmt::format("fn '{}'", v.s);
    case VKind::Tensor:
      if (v.type.kind != ir::ValueKind::Tensor) return "a distribution " + type_text(v.type);
      return "a tensor " + type_text(v.type);
  }
  return "a value";
}

std::string value_text(const Value& v) {
  switch (v.kind) {
    case VKind::Error:
      return "<error>";
    case VKind::None:
      return "none";
    case VKind::Int:
      return std::to_string(v.i);
    case VKind::Float:
      return ir::attr_str(ir::Attr(v.f));
    case VKind::Bool:
      return v.b ? "true" : "false";
    case VKind::String:
      return ir::attr_str(ir::Attr(v.s));
    case VKind::Fn:
      return v.s;
    case VKind::Tensor:
      return v.origin.empty() ? "a tensor" : v.origin;
    case VKind::List:
    case VKind::Tuple: {
      std::string out = "[";
      for (size_t k = 0; k < v.items.size(); ++k) out += (k ? ", " : "") + value_text(v.items[k]);
      return out + "]";
    }
  }
  return "";
}

bool values_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.kind == VKind::Int && b.kind == VKind::Int) return a.i == b.i;
    return a.as_double() == b.as_double();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case VKind::None:
      return true;
    case VKind::Bool:
      return a.b == b.b;
    case VKind::String:
    case VKind::Fn:
      return a.s == b.s;
    case VKind::List:
    case VKind::Tuple:
      if (a.items.size() != b.items.size()) return false;
      for (size_t k = 0; k < a.items.size(); ++k)
        if (!values_equal(a.items[k], b.items[k])) return false;
      return true;
    case VKind::Tensor:
      return a.ref == b.ref;
    default:
      return false;
  }
}

std::optional<ir::Attr> to_attr(const Value& v) {
  switch (v.kind) {
    case VKind::Int:
      return ir::Attr(v.i);
    case VKind::Float:
      return ir::Attr(v.f);
    case VKind::Bool:
      return ir::Attr(v.b);
    case VKind::String:
      return ir::Attr(v.s);
    case VKind::List: {
      bool all_int = true, all_num = true, all_str = true;
      for (const Value& e : v.items) {
        all_int = all_int && e.kind == VKind::Int;
        all_num = all_num && e.is_number();
        all_str = all_str && e.kind == VKind::String;
      }
      if (all_int) {
        std::vector<int64_t> out;
        for (const Value& e : v.items) out.push_back(e.i);
        return ir::Attr(out);
      }
      if (all_num) {
        std::vector<double> out;
        for (const Value& e : v.items) out.push_back(e.as_double());
        return ir::Attr(out);
      }
      if (all_str) {
        std::vector<std::string> out;
        for (const Value& e : v.items) out.push_back(e.s);
        return ir::Attr(out);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

Value from_attr(const ir::Attr& a) {
  struct Visitor {
    Value operator()(bool v) const { return Value::boolean(v); }
    Value operator()(int64_t v) const { return Value::integer(v); }
    Value operator()(double v) const { return Value::number(v); }
    Value operator()(const std::string& v) const { return Value::string(v); }
    Value operator()(const std::vector<int64_t>& v) const {
      std::vector<Value> items;
      for (int64_t e : v) items.push_back(Value::integer(e));
      return Value::list(std::move(items));
    }
    Value operator()(const std::vector<double>& v) const {
      std::vector<Value> items;
      for (double e : v) items.push_back(Value::number(e));
      return Value::list(std::move(items));
    }
    Value operator()(const std::vector<std::string>& v) const {
      std::vector<Value> items;
      for (const std::string& e : v) items.push_back(Value::string(e));
      return Value::list(std::move(items));
    }
  };
  return std::visit(Visitor{}, a);
}

std::string source_text(const SourceRange& range) {
  if (!range.valid() || range.end.line != range.begin.line || range.end.col <= range.begin.col)
    return "";
  std::string_view line = range.file->line_text(range.begin.line);
  size_t from = static_cast<size_t>(range.begin.col - 1);
  if (from >= line.size()) return "";
  return std::string(line.substr(from, static_cast<size_t>(range.end.col - range.begin.col)));
}

}  // namespace genc::sema
