// `genc check FILE`: parse, resolve, type- and shape-check; prints only diagnostics.
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
};

int run_check(const CheckArgs& args) {
  Session session;
  session.print_kinds = args.print_kinds;
  std::optional<sema::Options> options = pipeline::parse_overrides(session, args.sets);
  if (options) pipeline::compile_file(session, args.file, *options, pipeline::Stage::Analyzed);
  return session.finish();
}

}  // namespace

Action setup_check(CLI::App& sub) {
  auto args = std::make_shared<CheckArgs>();
  sub.add_option("file", args->file, "The .gen file (or .gir graph IR) to check")->required();
  add_set_option(sub, args->sets);
  add_print_kinds_flag(sub, args->print_kinds);
  sub.footer("Exit status: 0 no errors (warnings may be printed), 1 errors, 2 internal error.");
  return [args] { return run_check(*args); };
}

}  // namespace genc::cli
