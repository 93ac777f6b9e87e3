// Creates the tensors of one parameter node with PyTorch's default initialisation.
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "runtime/param_store.h"

namespace genc::runtime {

/// Registers and initialises the parameters (and buffers) of `node` in `m`, on the CPU,
/// drawing from the CPU generator `gen`. `inputs` are the node's operand types.
///   linear    weight [out,in], bias [out]          kaiming_uniform(a=sqrt 5): U(+-1/sqrt(fan_in))
///   conv      weight [out,in,k(,k)], bias [out]    same, fan_in = in*k*k
///   upconv    weight [in,out,k(,k)], bias [out]    same, fan_in = out*k*k (PyTorch's rule)
///   spectral_norm adds buffers weight_u [out], weight_v [fan_in] (unit normal directions)
///   batchnorm weight 1, bias 0, running_mean 0, running_var 1 over features/channels
///   layernorm weight 1, bias 0 over the last dim; groupnorm over channels
///   embed     weight [V,dim] ~ N(0,1);  position weight [len,dim] ~ N(0, 0.02)
///   attention in_proj_weight [3d,d] (or q/k/v_proj_weight with a context of another
///             width) xavier_uniform, in_proj_bias 0, out_proj_weight [d,d] U(+-1/sqrt d),
///             out_proj_bias 0 (nn.MultiheadAttention)
///   actnorm   loc 0, logscale 0 per channel, buffer initialized 0 (set from the first batch)
///   invconv1x1 weight [C,C] a random rotation (Q of the QR of a Gaussian matrix, Glow)
/// A linear or conv with `zero_init = true` has zero parameters. Throws RuntimeUserError for a
/// parameter op without a runtime kernel.
void init_node_params(ParamModule& m, const ir::Node& node, const std::vector<ir::ValueType>& inputs,
                      at::Generator& gen);

}  // namespace genc::runtime
