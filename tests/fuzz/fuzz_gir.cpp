// libFuzzer target for the graph IR text form (`genc compile FILE.gir`): parse -> verify ->
// passes, and lowering of each model, as the compile pipeline runs them on a .gir file.
#include <optional>

#include "compiler/ir/printer.h"
#include "compiler/lower/lower.h"
#include "compiler/pipeline/pipeline.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace genc;
  fuzz::run_input([&] {
    pipeline::Compilation c;
    const SourceFile* file = c.sources.add("fuzz.gir", fuzz::text_of(data, size));
    std::optional<ir::Program> program =
        pipeline::compile(c, *file, pipeline::Language::GraphIr, sema::Options{});
    if (program) {
      (void)ir::print(*program);
      for (const ir::Model& model : program->models) {
        std::optional<lower::TrainingProgram> plan = lower::lower(model, c.diags);
        if (plan) (void)lower::print_plan(*plan);
      }
    }
    (void)c.diags.render();
  });
  return 0;
}
