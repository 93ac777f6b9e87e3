// Data ranges from sources through transforms, and their checks against the roles.
//
// Sources: fashion_mnist, idx and image_folder give pixels in [0, 1]; text gives the bytes
// 0..255; the toy sets are unbounded; npy and csv are unknown (never checked).
// Transforms: binarize gives {0, 1}; scale(lo, hi) maps x to x * (hi - lo) + lo, so [0, 1]
// becomes [lo, hi]; tokens(levels) gives the integers 0..levels-1; flatten keeps the range.
//
// A generator's output range is that of its last node before the output, looking through
// ops that keep values in their input's range (reshape, flatten, upsample, pooling):
// tanh (-1, 1), sigmoid (0, 1), relu/softplus/exp [0, inf), clamp [lo, hi]; any other op
// is unbounded and never warned about.
#include "compiler/sema/data_range.h"

#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "compiler/ir/op.h"

namespace genc::sema {
namespace {

using Kind = ir::DataRange::Kind;

ir::DataRange make(Kind kind, double lo, double hi, SourceRange origin) {
  ir::DataRange r;
  r.kind = kind;
  r.lo = lo;
  r.hi = hi;
  r.origin = origin;
  return r;
}

/// The interval a bounded activation can produce, and its name as written.
struct OutputRange {
  std::string op;
  double lo, hi;
  bool open;  ///< tanh and sigmoid approach their bounds without reaching them
  SourceRange loc;
};

std::string output_text(const OutputRange& r) {
  auto bound = [](double v) {
    return std::isinf(v) ? std::string(v < 0 ? "-inf" : "inf") : fmt::format("{}", v);
  };
  return r.open ? fmt::format("({}, {})", bound(r.lo), bound(r.hi))
                : fmt::format("[{}, {})", bound(r.lo), bound(r.hi));
}

/// Ops whose outputs lie within the range of their (first) input.
bool keeps_range(ir::Op op) {
  switch (op) {
    case ir::Op::Reshape:
    case ir::Op::Flatten:
    case ir::Op::Unsqueeze:
    case ir::Op::Upsample:
    case ir::Op::AvgPool:
    case ir::Op::Dropout:
      return true;
    default:
      return false;
  }
}

std::optional<OutputRange> generator_output(const ir::Function& f) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<ir::NodeId> outputs = f.graph.find(ir::Op::Output);
  if (outputs.size() != 1) return std::nullopt;
  const ir::Node* n = &f.graph.node(outputs[0]);
  if (n->inputs.empty()) return std::nullopt;
  n = &f.graph.node(n->inputs[0].node);
  while (keeps_range(n->op) && !n->inputs.empty()) n = &f.graph.node(n->inputs[0].node);
  std::string name(ir::op_name(n->op));
  switch (n->op) {
    case ir::Op::Tanh:
      return OutputRange{name, -1, 1, true, n->loc};
    case ir::Op::Sigmoid:
      return OutputRange{name, 0, 1, true, n->loc};
    case ir::Op::Relu:
    case ir::Op::Softplus:
    case ir::Op::Exp:
      return OutputRange{name, 0, inf, false, n->loc};
    case ir::Op::Clamp:
      return OutputRange{name, ir::attr_float(n->attrs, "lo"), ir::attr_float(n->attrs, "hi"),
                         false, n->loc};
    default:
      return std::nullopt;
  }
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); }

void check_bernoulli(const ir::Dataset& ds, const ir::Function& f, SourceRange at,
                     DiagnosticEngine& diags) {
  const ir::DataRange& r = ds.range;
  if (r.kind == Kind::Unknown || r.within(0, 1)) return;
  Diagnostic& d = diags.report(DiagKind::DataRangeMismatch, at,
                               {f.role, f.name, "bernoulli", "[0, 1]", ds.name, r.str()});
  diags.add_note(d, f.loc, fmt::format("'{}' returns a bernoulli", f.name));
  diags.add_note(d, r.origin, fmt::format("'{}' holds {} from here", ds.name, r.str()));
  d.hint = "a bernoulli models pixels in [0, 1] (fashion_mnist as loaded, or |> binarize); "
           "return a gaussian for other data";
}

void check_generator(const ir::Dataset& ds, const ir::Function& f, SourceRange at,
                     DiagnosticEngine& diags) {
  const ir::DataRange& r = ds.range;
  std::optional<OutputRange> out = generator_output(f);
  if (!out || r.kind == Kind::Unknown) return;
  constexpr double inf = std::numeric_limits<double>::infinity();
  double lo = r.kind == Kind::Unbounded ? -inf : r.lo;
  double hi = r.kind == Kind::Unbounded ? inf : r.hi;
  bool reaches = lo >= out->lo && hi <= out->hi;
  bool bounded = !std::isinf(out->lo) && !std::isinf(out->hi);
  bool same = close(lo, out->lo) && close(hi, out->hi);
  if (reaches && (!bounded || same)) return;
  Diagnostic& d = diags.report(
      DiagKind::OutputRangeMismatch, at,
      {f.name, out->op, output_text(*out), ds.name, r.str(),
       reaches ? "it also produces values the data never takes"
               : "it cannot produce all of the data's values"});
  diags.add_note(d, out->loc, fmt::format("'{}' ends in {} here", f.name, out->op));
  if (r.origin.valid()) diags.add_note(d, r.origin, fmt::format("'{}' holds {} from here", ds.name, r.str()));
  if (close(lo, 0) && close(hi, 1))
    d.hint = fmt::format("end '{}' in sigmoid, or scale the data to the output: |> scale({}, {})",
                         f.name, out->lo, out->hi);
  else if (close(lo, -1) && close(hi, 1))
    d.hint = fmt::format("end '{}' in tanh for data in [-1, 1]", f.name);
  else
    d.hint = fmt::format("end '{}' in a layer without an activation, or scale the data", f.name);
}

}  // namespace

ir::DataRange source_range(const ir::Setting& s, SourceRange at) {
  const std::string& n = s.name;
  if (n == "fashion_mnist" || n == "idx" || n == "image_folder") return make(Kind::Interval, 0, 1, at);
  if (n == "text") return make(Kind::Integers, 0, 255, at);
  if (n == "npy" || n == "csv") return make(Kind::Unknown, 0, 0, at);
  return make(Kind::Unbounded, 0, 0, at);  // the 2-D toy sets
}

ir::DataRange transform_range(const ir::Setting& t, const ir::DataRange& in) {
  if (t.name == "binarize") return make(Kind::TwoValues, 0, 1, t.loc);
  if (t.name == "tokens") {
    return make(Kind::Integers, 0, static_cast<double>(ir::attr_int(t.args, "levels") - 1), t.loc);
  }
  if (t.name == "scale") {
    if (in.kind == Kind::Unknown || in.kind == Kind::Unbounded) return in;
    double lo = ir::attr_float(t.args, "lo"), hi = ir::attr_float(t.args, "hi");
    double a = in.lo * (hi - lo) + lo, b = in.hi * (hi - lo) + lo;
    return make(in.kind == Kind::TwoValues ? Kind::TwoValues : Kind::Interval, a, b, t.loc);
  }
  return in;  // flatten
}

void check_data_range(const ir::Dataset& ds, const ir::Model& m, SourceRange at,
                      bool is_train_data, DiagnosticEngine& diags) {
  for (const ir::Function& f : m.roles) {
    if (f.role == "decoder" && f.result.kind == ir::ValueKind::Bernoulli)
      check_bernoulli(ds, f, at, diags);
    if (f.role == "generator" && is_train_data) check_generator(ds, f, at, diags);
  }
}

}  // namespace genc::sema
