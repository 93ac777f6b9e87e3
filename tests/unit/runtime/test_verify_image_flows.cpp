// `genc check --verify`'s checks (runtime/run/verify_flows) on the image-flow steps: couplings
// with the spatially shaped "channel" and "checker" masks and convolutional nets (their 3x3
// zero-initialised output layers moved off zero by the check), both scale
// parametrisations, and factor_out. Each link must have inverse(forward(x)) within 1e-6 of x
// in float64 and its logdet within 1e-6 of log|det J| of the autograd Jacobian (factor_out:
// of x -> (y, z), the factored part included).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/run/verify_flows.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime {
namespace {

using testing::TempDir;

struct LinkLine {
  std::string block;
  double inverse_error = -1, logdet_error = -1;
};

/// Runs verify_flows on `source`; returns its exit code and every link's reported errors.
int verify(const std::string& source, std::vector<LinkLine>& links, std::string& log) {
  TempDir dir;
  std::string path = dir.path() + "/flow.gen";
  std::ofstream(path) << source;
  pipeline::Compilation c;
  std::ostringstream out;
  int rc = verify_flows(c, VerifyRequest{path, {}}, out);
  log = out.str() + c.diags.render();
  std::regex line(R"('([a-z0-9_]+)' \(.*\): inverse error ([0-9.e+-]+), logdet error ([0-9.e+-]+))");
  std::istringstream lines(out.str());
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (std::regex_search(l, m, line)) links.push_back({m[1], std::stod(m[2]), std::stod(m[3])});
  }
  return rc;
}

const char* kImageFlow = R"gen(
use std.nn
model m(hidden: 8) {
  flow f(x: [2,4,4]) -> normal {
    x = affine_coupling(x, mask: "channel", net: conv_net(hidden))
    x = affine_coupling(x, mask: "channel", net: conv_net(hidden), scale: "sigmoid")
    x = affine_coupling(x, mask: "checker", net: conv_net(hidden), scale: "sigmoid")
    x = additive_coupling(x, mask: "checker", net: conv_net(hidden))
    x = additive_coupling(x, mask: "channel", net: conv_net(hidden))
    x = factor_out(x)
    x = squeeze(x)
    x = affine_coupling(x, mask: "checker", net: conv_net(hidden))
    x = factor_out(x)
    return x
  }
  objective nll
}
)gen";

TEST(VerifyImageFlows, ConvCouplingsAndFactorOutInvertAndTheirLogdetsMatchTheJacobian) {
  std::vector<LinkLine> links;
  std::string log;
  EXPECT_EQ(verify(kImageFlow, links, log), 0) << log;
  ASSERT_EQ(links.size(), 9u) << log;
  int factor_outs = 0;
  for (const LinkLine& l : links) {
    SCOPED_TRACE(l.block);
    EXPECT_GE(l.inverse_error, 0.0);
    EXPECT_LE(l.inverse_error, 1e-6);
    EXPECT_GE(l.logdet_error, 0.0);  // checked, not skipped
    EXPECT_LE(l.logdet_error, 1e-6);
    factor_outs += l.block == "factor_out";
  }
  EXPECT_EQ(factor_outs, 2);
}

}  // namespace
}  // namespace genc::runtime
