// ParamStore: builds the module tree of a model's parameter nodes and looks them up.
#include "runtime/param_store.h"

#include <set>
#include <sstream>

#include "compiler/support/diagnostics.h"
#include "runtime/param_init.h"

namespace genc::runtime {
namespace {

/// A path component as a submodule name: checkpoints are TorchScript archives whose
/// attribute names must be Python identifiers other than keywords, so `return` (the
/// binding of a return statement) becomes `return_`.
std::string module_name(const std::string& part) {
  static const std::set<std::string> keywords = {
      "False", "None",   "True",    "and",      "as",     "assert", "async", "await",  "break",
      "class", "continue", "def",   "del",      "elif",   "else",   "except", "finally", "for",
      "from",  "global", "if",      "import",   "in",     "is",     "lambda", "nonlocal", "not",
      "or",    "pass",   "raise",   "return",   "try",    "while",  "with",  "yield"};
  return keywords.count(part) ? part + "_" : part;
}

}  // namespace

at::Tensor ParamModule::get(const std::string& name) const {
  if (at::Tensor p = find_parameter(name); p.defined()) return p;
  const auto buffers = named_buffers(/*recurse=*/false);  // find() points into this copy
  if (const at::Tensor* b = buffers.find(name)) return *b;
  internal_error("parameter node '" + this->name() + "' has no tensor '" + name + "'");
}

at::Tensor ParamModule::find_parameter(const std::string& name) const {
  const auto params = named_parameters(/*recurse=*/false);  // find() points into this copy
  const at::Tensor* p = params.find(name);
  return p ? *p : at::Tensor();
}

ParamStore::ParamStore(const ir::Model& model, torch::Device device, uint64_t seed)
    : root_(std::make_shared<ParamModule>()), device_(device) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::set<std::string> shared;  // paths met a second time (at most once each)
  for (const ir::Function& role : model.roles) {
    for (ir::NodeId id : role.graph.topo_order()) {
      const ir::Node& node = role.graph.node(id);
      if (!ir::has_flag(node.op, ir::kParams)) continue;
      GENC_ASSERT(!node.name.empty(), "parameter node %" + std::to_string(id) + " has no name");
      // A user invertible's inverse body shares its forward's parameters by path (sema
      // checks that the twins agree), so a second node of a path is not a second set.
      if (nodes_.count(node.name) && shared.insert(node.name).second) continue;
      GENC_ASSERT(!nodes_.count(node.name), "two parameter nodes named '" + node.name + "'");
      std::vector<ir::ValueType> inputs;
      for (const ir::ValueRef& in : node.inputs) inputs.push_back(role.graph.type(in));
      init_node_params(create(node.name), node, inputs, gen);
    }
  }
  root_->to(device);
}

ParamModule& ParamStore::create(const std::string& node_name) {
  std::shared_ptr<ParamModule> at = root_;
  std::istringstream parts(node_name);
  for (std::string raw; std::getline(parts, raw, '.');) {
    std::string part = module_name(raw);
    auto children = at->named_children();
    if (const auto* child = children.find(part)) {
      at = std::dynamic_pointer_cast<ParamModule>(*child);
    } else {
      at = at->register_module(part, std::make_shared<ParamModule>());
    }
  }
  nodes_[node_name] = at;
  return *at;
}

ParamModule& ParamStore::node(const std::string& node_name) const {
  auto it = nodes_.find(node_name);
  GENC_ASSERT(it != nodes_.end(), "no parameters for node '" + node_name + "'");
  return *it->second;
}

std::vector<at::Tensor> ParamStore::parameters(const std::vector<std::string>& node_names) const {
  std::vector<at::Tensor> out;
  for (const std::string& name : node_names)
    for (const at::Tensor& p : node(name).parameters(/*recurse=*/false)) out.push_back(p);
  return out;
}

std::vector<std::pair<std::string, at::Tensor>> ParamStore::named_parameters() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& item : root_->named_parameters()) out.emplace_back(item.key(), item.value());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace genc::runtime
