// genc-runtime's `verify FILE [--set ...]`: the flags of runtime::verify_flows, which
// `genc check --verify` runs once the file checks.
#include <iostream>
#include <memory>

#include "runtime/run/verify_flows.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {

Action setup_verify(CLI::App& sub) {
  auto r = std::make_shared<runtime::VerifyRequest>();
  sub.add_option("file", r->file, "The .gen file")->required();
  add_set_option(sub, r->sets);
  sub.footer("Exit status: 0 every step passes, 1 a compile error or a step that fails, 2 internal error.");
  return [r] {
    Session session;
    return guard_runtime(session, [&] {
      int rc = runtime::verify_flows(session, *r, std::cout);
      return std::max(rc, session.finish());
    });
  };
}

}  // namespace genc::cli
