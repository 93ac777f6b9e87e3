// The compile pipeline, in one function that `genc` (check, compile) and genc-runtime (run,
// sample, eval) share: .gen text -> parse -> sema -> verify -> optimize -> graph IR.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/passes/pipeline.h"
#include "compiler/sema/sema.h"
#include "compiler/support/diagnostics.h"
#include "compiler/support/source.h"

namespace genc::pipeline {

/// The state of one compilation: its source files and the diagnostics reported on them.
/// Programs and diagnostics point into `sources`: keep it alive as long as they are used.
struct Compilation {
  SourceManager sources;
  DiagnosticEngine diags;
};

/// What a source file holds.
enum class Language {
  Gen,      ///< a .gen program
  GraphIr,  ///< graph IR text, as `genc compile --emit ir` prints it
};

/// GraphIr for a path ending in `.gir`, else Gen.
Language language_of(const std::string& path);

/// Where compile() stops.
enum class Stage {
  Analyzed,   ///< graph IR as sema produced it (or as the .gir file holds it)
  Optimized,  ///< after the optimization passes
};

/// The optimization passes' options: the verifier runs after every pass in builds with
/// assertions.
passes::PipelineOptions pass_options();

/// Turns `--set model.param=value` texts into sema options; a text without "model.param="
/// and a value is reported as BadOverride. Null after reporting.
std::optional<sema::Options> parse_overrides(Compilation& c, const std::vector<std::string>& sets);

/// Compiles `file` to graph IR:
///   1. Gen: parses it and every module it uses, then analyses them with `options`; the IR
///      sema produces must verify (a failure is an internal error).
///      GraphIr: parses it and verifies it; a broken invariant is the user's error
///      (IRVerifyError), and `--set` does not apply (BadOverride).
///   2. Unless `until` is Analyzed: the optimization passes (pass_options()).
/// Null after reporting errors in `c.diags`.
std::optional<ir::Program> compile(Compilation& c, const SourceFile& file, Language language,
                                   const sema::Options& options, Stage until = Stage::Optimized);

/// compile() of the file at `path`, read from disk (FileNotFound when it cannot be), in
/// the language its name says (language_of).
std::optional<ir::Program> compile_file(Compilation& c, const std::string& path, const sema::Options& options,
                                        Stage until = Stage::Optimized);

}  // namespace genc::pipeline
