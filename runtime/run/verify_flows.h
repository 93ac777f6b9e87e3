// `genc check --verify`: the numerical checks of the flows' invertible steps (LANGUAGE.md 5.3).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "compiler/pipeline/pipeline.h"

namespace genc::runtime {

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
