// The parameter store: a torch::nn::Module tree named after the parameter nodes of a
// model's roles (`q.h.linear0.weight`), initialised like PyTorch's layers.
#pragma once

#include <torch/nn/module.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir/program.h"

namespace genc::runtime {

/// One parameter node's tensors ("weight", "bias", buffers such as "running_mean"); it
/// doubles as an inner node of the tree ("q" -> "h" -> "linear0").
class ParamModule : public torch::nn::Module {
 public:
  using torch::nn::Module::register_buffer;
  using torch::nn::Module::register_module;
  using torch::nn::Module::register_parameter;

  /// The tensor registered as `name` (parameter or buffer); internal_error if absent.
  at::Tensor get(const std::string& name) const;
  /// The parameter registered as `name`, or an undefined tensor.
  at::Tensor find_parameter(const std::string& name) const;
};

/// Every parameter of a model. Built once from the model's role graphs: one ParamModule
/// per node with kParams, named by the node's `name`, so step, eval and sample graphs
/// that inline a role share its parameters. Tensors are updated in place (optimizers,
/// checkpoint loading, EMA swaps), so kernels may hold them.
class ParamStore {
 public:
  /// Creates the parameters on `device`, initialised from `seed` alone, in role and node
  /// order (PyTorch's default initialisations; `zero_init = true` on a node gives zero
  /// parameters). Throws RuntimeUserError for a parameter op the runtime cannot execute.
  ParamStore(const ir::Model& model, torch::Device device, uint64_t seed);

  /// The tree's root, named after the model: what checkpoints save.
  torch::nn::Module& root() { return *root_; }
  std::shared_ptr<ParamModule> root_ptr() const { return root_; }

  /// The module of parameter node `node_name`; internal_error if there is none.
  ParamModule& node(const std::string& node_name) const;
  bool contains(const std::string& node_name) const { return nodes_.count(node_name) > 0; }

  /// The trainable tensors of the listed parameter nodes, in that order.
  std::vector<at::Tensor> parameters(const std::vector<std::string>& node_names) const;
  /// Every trainable tensor, keyed by its full dotted name, sorted. Names are the node
  /// names with a Python keyword component suffixed by '_' (`D.return_.linear0.weight`),
  /// as TorchScript archives need.
  std::vector<std::pair<std::string, at::Tensor>> named_parameters() const;

  torch::Device device() const { return device_; }

 private:
  ParamModule& create(const std::string& node_name);

  std::shared_ptr<ParamModule> root_;
  std::map<std::string, std::shared_ptr<ParamModule>> nodes_;
  torch::Device device_;
};

}  // namespace genc::runtime
