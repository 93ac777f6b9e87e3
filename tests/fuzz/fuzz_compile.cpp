// libFuzzer target for the whole compiler, as `genc compile --emit plan` and `--emit summary`
// run it: .gen text -> parse -> sema -> verify -> passes -> lower -> plan and summary text.
// The graph IR of a program that compiles must also print and parse back (printer.h's promise).
#include <optional>

#include "compiler/ir/parser.h"
#include "compiler/ir/printer.h"
#include "compiler/ir/train_config.h"
#include "compiler/lower/lower.h"
#include "compiler/lower/summary.h"
#include "compiler/pipeline/pipeline.h"
#include "tests/fuzz/fuzz_common.h"

namespace genc::fuzz {
namespace {

/// Each model's plan and summary, as cmd_compile.cpp prints them.
void lower_models(pipeline::Compilation& c, const ir::Program& program) {
  for (const ir::Model& model : program.models) {
    std::optional<lower::TrainingProgram> plan = lower::lower(model, c.diags);
    if (!plan) continue;
    (void)lower::print_plan(*plan);
    ir::TrainConfig config;
    for (const ir::Train& train : program.trains)
      if (train.model == model.name) {
        config = ir::train_config(train);
        break;
      }
    (void)lower::print_summary(lower::summarize(model, *plan, config));
  }
}

/// print(program) must parse back without errors and print the same text.
void check_round_trip(const ir::Program& program) {
  std::string text = ir::print(program);
  pipeline::Compilation c;
  const SourceFile* file = c.sources.add("fuzz.gir", text);
  std::optional<ir::Program> back = ir::parse_ir(*file, c.sources, c.diags);
  if (!back || c.diags.has_errors()) internal_error("printed IR does not parse back:\n" + c.diags.render());
  if (ir::print(*back) != text) internal_error("printed IR parses back to a different program");
}

}  // namespace
}  // namespace genc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace genc;
  fuzz::run_input([&] {
    pipeline::Compilation c;
    const SourceFile* file = c.sources.add("fuzz.gen", fuzz::text_of(data, size));
    std::optional<ir::Program> program = pipeline::compile(c, *file, pipeline::Language::Gen, sema::Options{});
    if (program) {
      fuzz::check_round_trip(*program);
      fuzz::lower_models(c, *program);
    }
    (void)c.diags.render();
  });
  return 0;
}
