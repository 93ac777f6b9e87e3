// `genc compile FILE [-o OUT] [--emit STAGE] [--set m.p=v]...`: prints or writes one stage
// of the pipeline: the AST, the graph IR before or after optimization, a DOT graph, or the
// lowered training plan.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/frontend.h"
#include "compiler/ir/dot.h"
#include "compiler/ir/printer.h"
#include "compiler/ir/train_config.h"
#include "compiler/lower/lower.h"
#include "compiler/lower/summary.h"
#include "tools/genc/command.h"
#include "tools/genc/driver.h"

namespace genc::cli {

namespace {

struct CompileArgs {
  std::string file;
  std::string out;
  std::string emit = "ir-opt";
  std::vector<std::string> sets;
  bool print_kinds = false;
};

/// Every model's training plan, in source order; nullopt after a lowering error.
std::optional<std::string> emit_plans(Session& session, const ir::Program& program) {
  std::string text;
  for (const ir::Model& model : program.models) {
    std::optional<lower::TrainingProgram> plan = lower::lower(model, session.diags);
    if (!plan) continue;
    if (!text.empty()) text += "\n";
    text += lower::print_plan(*plan);
  }
  if (session.diags.has_errors()) return std::nullopt;
  return text;
}

/// Every model's summary, in source order, at the batch size and optimizer of the model's
/// first train block (a train block's defaults when it has none); nullopt after a lowering error.
std::optional<std::string> emit_summaries(Session& session, const ir::Program& program) {
  std::string text;
  for (const ir::Model& model : program.models) {
    std::optional<lower::TrainingProgram> plan = lower::lower(model, session.diags);
    if (!plan) continue;
    ir::TrainConfig config;
    for (const ir::Train& train : program.trains)
      if (train.model == model.name) {
        config = ir::train_config(train);
        break;
      }
    if (!text.empty()) text += "\n";
    text += lower::print_summary(lower::summarize(model, *plan, config));
  }
  if (session.diags.has_errors()) return std::nullopt;
  return text;
}

/// The syntax tree of a .gen file and the modules it uses. Null after reporting errors.
std::optional<frontend::ParsedUnit> parse_gen(Session& session, const std::string& path) {
  std::optional<frontend::ParsedUnit> unit = frontend::parse_program(path, session.sources, session.diags);
  if (session.diags.has_errors()) return std::nullopt;
  GENC_ASSERT(unit.has_value(), "parse_program failed without reporting an error");
  return unit;
}

/// The text of the requested stage, or nullopt after errors (reported in the session).
std::optional<std::string> emit_stage(Session& session, const CompileArgs& args) {
  std::optional<sema::Options> options = pipeline::parse_overrides(session, args.sets);
  if (!options) return std::nullopt;
  if (args.emit == "ast") {
    if (pipeline::language_of(args.file) != pipeline::Language::Gen || !options->overrides.empty()) {
      std::cerr << "genc: error: --emit ast needs a .gen file and takes no --set\n";
      return std::nullopt;
    }
    std::optional<frontend::ParsedUnit> unit = parse_gen(session, args.file);
    if (!unit) return std::nullopt;
    return ast::dump(unit->main());
  }
  bool optimized = args.emit == "ir-opt" || args.emit == "plan" || args.emit == "summary";
  std::optional<ir::Program> program = pipeline::compile_file(
      session, args.file, *options, optimized ? pipeline::Stage::Optimized : pipeline::Stage::Analyzed);
  if (!program) return std::nullopt;
  if (args.emit == "ir") return ir::print(*program);
  if (args.emit == "dot") return ir::to_dot(*program);
  if (args.emit == "plan") return emit_plans(session, *program);
  if (args.emit == "summary") return emit_summaries(session, *program);
  return ir::print(*program);
}

int run_compile(const CompileArgs& args) {
  Session session;
  session.print_kinds = args.print_kinds;
  std::optional<std::string> text = emit_stage(session, args);
  int code = session.finish();
  if (!text) return 1;
  if (!write_output(args.out, *text)) return 1;
  return code;
}

}  // namespace

Action setup_compile(CLI::App& sub) {
  auto args = std::make_shared<CompileArgs>();
  sub.add_option("file", args->file, "A .gen file, or graph IR text (.gir) as printed by --emit ir")
      ->required();
  sub.add_option("-o,--output", args->out, "Write to this file (atomically) instead of stdout");
  sub.add_option("--emit", args->emit,
                 "Stage to print: ast (syntax tree of FILE), ir (graph IR after sema), "
                 "ir-opt (after the optimization passes), dot (graph IR before optimization, "
                 "as Graphviz), plan (each model's objective lowered to training steps), summary (parameters "
                 "per role and op, and the memory and FLOPs of one training iteration)")
      ->check(CLI::IsMember({"ast", "ir", "ir-opt", "dot", "plan", "summary"}))
      ->capture_default_str();
  add_set_option(sub, args->sets);
  add_print_kinds_flag(sub, args->print_kinds);
  sub.footer("Exit status: 0 success, 1 errors (nothing is written), 2 internal error.");
  return [args] { return run_compile(*args); };
}

}  // namespace genc::cli
