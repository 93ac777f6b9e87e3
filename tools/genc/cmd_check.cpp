// `genc check FILE [--verify]`: parse, resolve, type- and shape-check; prints only
// diagnostics. --verify then runs genc-runtime's numerical checks of the flows' invertible
// steps (runtime/run/verify_flows.h), so genc itself stays free of LibTorch.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {

namespace {

struct CheckArgs {
  std::string file;
  std::vector<std::string> sets;
  bool print_kinds = false;
  bool verify = false;
};

int run_check(const CheckArgs& args) {
  Session session;
  session.print_kinds = args.print_kinds;
  std::optional<sema::Options> options = pipeline::parse_overrides(session, args.sets);
  if (options) pipeline::compile_file(session, args.file, *options, pipeline::Stage::Analyzed);
  int rc = session.finish();
  if (rc != 0 || !args.verify) return rc;
#ifdef GENC_FORWARD_RUNTIME
  std::vector<std::string> words{args.file};
  for (const std::string& s : args.sets) words.insert(words.end(), {"--set", s});
  return exec_runtime("verify", words);
#else
  std::cerr << "genc: error: 'genc check --verify' needs the runtime (this genc was built with GENC_BUILD_RUNTIME=OFF)\n";
  return 1;
#endif
}

}  // namespace

Action setup_check(CLI::App& sub) {
  auto args = std::make_shared<CheckArgs>();
  sub.add_option("file", args->file, "The .gen file (or .gir graph IR) to check")->required();
  add_set_option(sub, args->sets);
  add_print_kinds_flag(sub, args->print_kinds);
  sub.add_flag("--verify", args->verify,
               "Also check every flow's invertible steps numerically: inverse(forward(x)) = x and the "
               "logdet against the Jacobian, on random inputs");
  sub.footer("Exit status: 0 no errors (warnings may be printed), 1 errors, 2 internal error.");
  return [args] { return run_check(*args); };
}

}  // namespace genc::cli
