// Model summaries (see summary.h): parameters from ir::param_tensors, per-step activation
// bytes and FLOPs from the plan's step graphs.
//
// FLOPs per example of one forward pass, multiply-adds counted as two:
//   linear      2 · in · out · (positions: the input's elements / in)
//   conv        2 · C_in · k^d · (elements of the output)
//   upconv      2 · C_out · k^d · (elements of the input)
//   attention   8 · L · d² (projections) + 4 · L · L_c · d (scores and their weighted sum)
//   other ops   one per output element
// A step's forward and backward count three forward passes.
#include "compiler/lower/summary.h"

#include <set>
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/op_attrs.h"
#include "compiler/support/diagnostics.h"

namespace genc::lower {
namespace {

int64_t output_elements(const ir::Node& node) {
  int64_t n = 0;
  for (const ir::ValueType& t : node.outputs) n += std::max<int64_t>(1, t.numel());
  return n;
}

double forward_flops(const ir::Graph& g, ir::NodeId id) {
  const ir::Node& node = g.node(id);
  if (node.op == ir::Op::Input || node.op == ir::Op::Output || node.op == ir::Op::Const) return 0;
  const std::vector<ir::ValueType> in = ir::input_types(g, id);
  ir::OpAttrs attrs(node.op, node.attrs);
  switch (node.op) {
    case ir::Op::Linear: {
      const double width = static_cast<double>(in[0].dims.back());
      return 2.0 * width * static_cast<double>(attrs.integer("out")) * (static_cast<double>(in[0].numel()) / width);
    }
    case ir::Op::Conv:
    case ir::Op::UpConv: {
      const double k = std::pow(static_cast<double>(attrs.integer("k")), static_cast<double>(in[0].rank() - 1));
      return node.op == ir::Op::Conv
                 ? 2.0 * static_cast<double>(in[0].dims[0]) * k * static_cast<double>(node.outputs[0].numel())
                 : 2.0 * static_cast<double>(attrs.integer("out")) * k * static_cast<double>(in[0].numel());
    }
    case ir::Op::Attention: {
      const double l = static_cast<double>(in[0].dims[0]), d = static_cast<double>(in[0].dims[1]);
      const double lc = in.size() > 1 ? static_cast<double>(in[1].dims[0]) : l;
      return 8.0 * l * d * d + 4.0 * l * lc * d;
    }
    default:
      return static_cast<double>(output_elements(node));
  }
}

int64_t optimizer_state_per_element(const ir::OptimizerConfig& o) {
  if (o.kind == "adam" || o.kind == "adamw") return 2;
  if (o.kind == "rmsprop") return o.momentum > 0 ? 2 : 1;
  return o.momentum > 0 ? 1 : 0;  // sgd
}

std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string shapes_of(const std::vector<ir::ParamTensor>& tensors) {
  std::string s;
  for (const ir::ParamTensor& t : tensors) {
    if (!t.trainable) continue;
    s += (s.empty() ? "" : "+") + ir::shape_str(t.dims);
  }
  return s.empty() ? "-" : s;
}

std::string format_flops(double flops) {
  const char* units[] = {"", "K", "M", "G", "T", "P"};
  int u = 0;
  while (flops >= 1000.0 && u < 5) flops /= 1000.0, ++u;
  return fmt::format("{:.2f} {}FLOP", flops, units[u]);
}

}  // namespace

int64_t ParamEntry::trainable() const {
  int64_t n = 0;
  for (const ir::ParamTensor& t : tensors) n += t.trainable ? t.numel() : 0;
  return n;
}

int64_t ParamEntry::buffers() const {
  int64_t n = 0;
  for (const ir::ParamTensor& t : tensors) n += t.trainable ? 0 : t.numel();
  return n;
}

std::vector<std::pair<const ParamEntry*, const ir::ParamTensor*>> Summary::largest(size_t n) const {
  std::vector<std::pair<const ParamEntry*, const ir::ParamTensor*>> all;
  for (const ParamEntry& e : params)
    for (const ir::ParamTensor& t : e.tensors) all.emplace_back(&e, &t);
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.second->numel() > b.second->numel(); });
  if (all.size() > n) all.resize(n);
  return all;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) bytes /= 1024.0, ++u;
  return u == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.2f} {}", bytes, units[u]);
}

Summary summarize(const ir::Model& model, const TrainingProgram& plan, const ir::TrainConfig& config) {
  Summary s;
  s.model = model.name;
  s.batch = config.batch;
  s.optimizer = config.optimizer.kind;
  // 1. Parameters: every parameter node of every role, as the ParamStore creates them.
  std::set<std::string> seen;  // a user invertible's inverse body shares its forward's paths
  for (const ir::Function& role : model.roles) {
    for (ir::NodeId id : role.graph.ids()) {
      const ir::Node& node = role.graph.node(id);
      if (!ir::has_flag(node.op, ir::kParams) || !seen.insert(node.name).second) continue;
      std::optional<std::vector<ir::ParamTensor>> tensors = ir::param_tensors(node, ir::input_types(role.graph, id));
      GENC_ASSERT(tensors.has_value(), "param_tensors does not know the parameter op " + std::string(ir::op_name(node.op)));
      s.params.push_back({role.name, node.name, std::string(ir::op_name(node.op)), std::move(*tensors), node.loc});
      s.trainable += s.params.back().trainable();
      s.buffers += s.params.back().buffers();
    }
  }
  // 2. State kept between iterations: parameters, their gradients, the optimizer's moments, the EMA.
  s.param_bytes = (s.trainable + s.buffers) * kFloatBytes;
  s.gradient_bytes = s.trainable * kFloatBytes;
  s.optimizer_bytes = s.trainable * optimizer_state_per_element(config.optimizer) * kFloatBytes;
  s.ema_bytes = config.ema > 0 ? s.trainable * kFloatBytes : 0;
  // 3. Per step: every intermediate at the batch size (the largest step), and the FLOPs of all steps.
  for (const Step& step : plan.steps) {
    const int64_t rows = config.batch * step.rows_per_example();
    int64_t elements = 0;
    double flops = 0;
    for (ir::NodeId id : step.graph.ids()) {
      elements += output_elements(step.graph.node(id));
      flops += forward_flops(step.graph, id);
    }
    s.activation_bytes = std::max(s.activation_bytes, elements * rows * kFloatBytes);
    s.flops += 3.0 * flops * static_cast<double>(rows) * step.repeat;
  }
  return s;
}

std::string print_summary(const Summary& s) {
  std::string out = fmt::format("model {}\n", s.model);
  out += fmt::format("  {:<6} {:<28} {:<12} {:<22} {:>12} {:>11}  {}\n", "role", "parameter node", "op",
                     "shape", "parameters", "bytes", "source");
  for (const ParamEntry& e : s.params) {
    out += fmt::format("  {:<6} {:<28} {:<12} {:<22} {:>12} {:>11}  {}\n", e.role, e.node, e.op, shapes_of(e.tensors),
                       with_commas(e.trainable()), format_bytes(static_cast<double>(e.trainable() + e.buffers()) * kFloatBytes),
                       e.loc.str());
  }
  out += fmt::format("  parameters: {} trainable", with_commas(s.trainable));
  if (s.buffers > 0) out += fmt::format(", {} in buffers", with_commas(s.buffers));
  out += fmt::format(" ({})\n", format_bytes(static_cast<double>(s.param_bytes)));
  out += fmt::format("  one training iteration at batch {} (fp32, estimated):\n", s.batch);
  out += fmt::format("    parameters       {:>11}\n", format_bytes(static_cast<double>(s.param_bytes)));
  out += fmt::format("    gradients        {:>11}\n", format_bytes(static_cast<double>(s.gradient_bytes)));
  out += fmt::format("    optimizer state  {:>11}  ({})\n", format_bytes(static_cast<double>(s.optimizer_bytes)), s.optimizer);
  if (s.ema_bytes > 0) out += fmt::format("    ema copy         {:>11}\n", format_bytes(static_cast<double>(s.ema_bytes)));
  out += fmt::format("    activations      {:>11}  (every intermediate of the largest step)\n",
                     format_bytes(static_cast<double>(s.activation_bytes)));
  out += fmt::format("    total            {:>11}\n", format_bytes(static_cast<double>(s.total_bytes())));
  out += fmt::format("    compute          {:>11}  (forward and backward of every step)\n", format_flops(s.flops));
  return out;
}

}  // namespace genc::lower
