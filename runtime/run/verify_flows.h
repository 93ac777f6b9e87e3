// `genc check --verify`: the numerical checks of the flows' invertible steps (LANGUAGE.md 5.3).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "compiler/lower/flow_chain.h"
#include "compiler/pipeline/pipeline.h"
#include "runtime/param_store.h"

namespace genc::runtime {

/// The largest error --verify accepts, of the inverse and of the logdet.
constexpr double kTolerance = 1e-6;

/// The parameters as --verify checks them: in float64, each moved off its initialisation by
/// N(0, 0.3^2) noise (so that zero-initialised layers do not make a link the identity).
void prepare_verify_params(ParamStore& params, at::Generator& gen);

struct LinkResult {
  double inverse_error = -1;  ///< max |inverse(forward(x)) - x|; -1: not checked
  double logdet_error = -1;   ///< max |logdet - log|det J||; -1: not checked
};

/// The checks of one link on random float64 inputs (`params` prepared as above).
LinkResult check_link(const lower::LinkCheck& link, ParamStore& params, at::Generator& gen);

struct VerifyRequest {
  std::string file;
  std::vector<std::string> sets;  ///< --set model.param=value
};

/// Compiles the file and, for every link of every flow, on random float64 inputs (8 of them,
/// with random parameters): the largest |inverse(forward(x)) - x| and the largest
/// |logdet - log|det J||, J the autograd Jacobian of the link. Reports every link on `log`
/// and, for a link above 1e-6, one located error naming the block (a user invertible whose
/// inverse is not derived yet has only its logdet checked; dequantize only its inverse, its
/// logdet being the -D log(levels) of the bins). Returns the exit code: 0 all pass, 1
/// compile errors (reported in `c`) or a failed link.
int verify_flows(pipeline::Compilation& c, const VerifyRequest& request, std::ostream& log);

}  // namespace genc::runtime
