// Internal: turns lexer error tokens and ANTLR parse errors into readable diagnostics.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "antlr4-runtime.h"
#include "compiler/support/diagnostics.h"

namespace genc::frontend {

/// Syntax and lexical errors reported per file before parsing stops: later ones are mostly
/// cascades of the first.
constexpr int kMaxSyntaxErrors = 3;

/// Reports every error token (invalid character, unterminated string or comment, bad escape)
/// among `tokens`, at most kMaxSyntaxErrors. Returns how many were reported.
int report_lexical_errors(const std::vector<antlr4::Token*>& tokens, const SourceFile& file,
                          DiagnosticEngine& diags);

/// The last '{' before token index `before` whose block the indentation shows to have ended
/// without its '}': the first later line indented no deeper than the brace's line does not
/// start with a '}' at that indentation (or the file ends). Null if none. Only braces that end
/// their line are considered. `ended_at` receives the line where the block ended (0: at EOF).
const antlr4::Token* brace_left_open(const std::vector<antlr4::Token*>& tokens, size_t before,
                                     int& ended_at);

/// Receives parser errors (already phrased by SyntaxErrorStrategy) and reports them as
/// SyntaxError diagnostics; after kMaxSyntaxErrors it cancels the parse. The first one gets a
/// note at the brace left open before it, if any (brace_left_open).
class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  SyntaxErrorListener(const SourceFile& file, DiagnosticEngine& diags,
                      std::vector<antlr4::Token*> tokens)
      : file_(file), diags_(diags), tokens_(std::move(tokens)) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t col, const std::string& msg, std::exception_ptr e) override;
  int count() const { return count_; }

 private:
  const SourceFile& file_;
  DiagnosticEngine& diags_;
  std::vector<antlr4::Token*> tokens_;
  int count_ = 0;
};

/// ANTLR's default recovery, with messages such as "unexpected '}', expected an expression"
/// instead of ANTLR's token-set dumps.
class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit SyntaxErrorStrategy(const SourceFile& file) : file_(file) {}
  void reportMatch(antlr4::Parser* parser) override;

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser,
                                 const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser,
                           const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser,
                             const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;

 private:
  /// Tokens the parser must match after an error before it reports another one.
  static constexpr int kMatchesBetweenErrors = 4;

  void report(antlr4::Parser* parser, antlr4::Token* offending,
              const antlr4::misc::IntervalSet& expected, std::exception_ptr e);
  const SourceFile& file_;
  bool reported_ = false;
  int matches_since_error_ = 0;
};

}  // namespace genc::frontend
