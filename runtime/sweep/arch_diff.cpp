// The architecture diff (see arch_diff.h).
#include "runtime/sweep/arch_diff.h"

#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "compiler/ir/printer.h"
#include "compiler/lower/summary.h"

namespace genc::runtime::sweep {
namespace {

using report::ArchChange;

/// "vae.gen:9:20": the file's name, not its whole path.
std::string where(const SourceRange& loc) {
  if (!loc.valid()) return "";
  return fmt::format("{}:{}:{}", std::filesystem::path(loc.file->path()).filename().string(), loc.begin.line,
                     loc.begin.col);
}

std::string dims(const std::vector<int64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

/// One item of a graph: its name, location and shape text, in graph order.
struct Item {
  std::string name, where, shape;
};
using Items = std::vector<std::pair<std::string, Item>>;  // (key, item), ordered

Items parameters(const Training& t) {
  Items out;
  for (const lower::ParamEntry& p : lower::summarize(t.model(), t.plan, t.config).params) {
    std::string shape;
    for (const ir::ParamTensor& tensor : p.tensors) shape += (shape.empty() ? "" : ", ") + tensor.name + " " + dims(tensor.dims);
    out.push_back({p.node, {p.node + " (" + p.op + ")", where(p.loc), shape}});
  }
  return out;
}

Items ops(const Architecture& a) {
  Items out;
  std::map<std::string, int> seen;
  const ir::Model* model = a.analyzed.model(a.training.model().name);
  if (model == nullptr) return out;
  for (const ir::Function& role : model->roles)
    for (ir::NodeId id : role.graph.topo_order()) {
      const ir::Node& n = role.graph.node(id);
      if (n.op == ir::Op::Const || ir::has_flag(n.op, ir::kParams)) continue;
      std::string name = fmt::format("{} in {}", ir::op_name(n.op), role.name);
      std::string key = name + "@" + (n.loc.valid() ? fmt::format("{}:{}", n.loc.begin.line, n.loc.begin.col) : "");
      key += "#" + std::to_string(seen[key]++);
      std::string shape;
      for (const ir::ValueType& type : n.outputs) shape += (shape.empty() ? "" : ", ") + type.str();
      out.push_back({key, {name, where(n.loc), shape}});
    }
  return out;
}

/// The items of `b` that differ from `a`'s, then those only in `a`, as changes of `kind`.
void diff(const char* kind, const Items& a, const Items& b, std::vector<ArchChange>& out) {
  std::map<std::string, const Item*> in_a, in_b;
  for (const auto& [key, item] : a) in_a[key] = &item;
  for (const auto& [key, item] : b) in_b[key] = &item;
  for (const auto& [key, item] : b) {
    auto it = in_a.find(key);
    if (it == in_a.end())
      out.push_back({kind, item.name, item.where, "", item.shape});
    else if (it->second->shape != item.shape)
      out.push_back({kind, item.name, item.where, it->second->shape, item.shape});
  }
  for (const auto& [key, item] : a)
    if (in_b.count(key) == 0) out.push_back({kind, item.name, item.where, item.shape, ""});
}

}  // namespace

std::vector<ArchChange> diff_architectures(const Architecture& reference, const Architecture& other) {
  std::vector<ArchChange> out;
  diff("parameter", parameters(reference.training), parameters(other.training), out);
  diff("op", ops(reference), ops(other), out);
  return out;
}

bool same_graph(const Training& a, const Training& b) { return ir::print(a.program) == ir::print(b.program); }

}  // namespace genc::runtime::sweep
