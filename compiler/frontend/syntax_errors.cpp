// Readable diagnostics for lexer error tokens and ANTLR parse errors.
#include "compiler/frontend/syntax_errors.h"

#include <fmt/format.h>

#include <limits>
#include <map>
#include <set>

#include "GenParser.h"
#include "compiler/frontend/token_text.h"

namespace genc::frontend {
namespace {

using P = genc_dsl::GenParser;

/// Tokens that `ident` accepts: plain identifiers and the contextual keywords, which Gen.g4
/// defines as one run from DATA to FN.
bool is_ident_token(size_t t) { return t == P::ID || (t >= P::DATA && t <= P::FN); }

/// Tokens that may continue an expression; listed only when nothing else is expected.
bool continues_expression(size_t t) {
  switch (t) {
    case P::PLUS:
    case P::MINUS:
    case P::STAR:
    case P::SLASH:
    case P::PERCENT:
    case P::AT:
    case P::EQ:
    case P::NE:
    case P::LT:
    case P::LE:
    case P::GT:
    case P::GE:
    case P::AND:
    case P::OR:
    case P::PIPE:
    case P::QUESTION:
    case P::LBRACK:
    case P::LPAREN:
    case P::DOT:
      return true;
    default:
      return false;
  }
}

std::string join_alternatives(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? " or " : ", ";
    out += items[i];
  }
  return out;
}

/// How a token the parser wanted reads in a message.
std::string expected_token_name(size_t t, const antlr4::dfa::Vocabulary& vocab) {
  switch (t) {
    case antlr4::Token::EOF:
      return "end of file";
    case P::ID:
      return "a name";
    case P::NUMBER:
      return "a number";
    case P::STRING:
      return "a string";
    default: {
      std::string name = vocab.getLiteralName(t);
      return name.empty() ? vocab.getDisplayName(t) : name;
    }
  }
}

/// "an expression", "'{'", "a statement or '}'", ... for the tokens the parser expected in
/// rule `rule`.
std::string describe_expected(const antlr4::misc::IntervalSet& expected, size_t rule,
                              const antlr4::dfa::Vocabulary& vocab) {
  auto has = [&](size_t t) { return expected.contains(t); };
  std::vector<std::string> items;
  std::set<size_t> covered = {P::SEMI};  // separators are always optional: never worth listing
  bool idents_covered = false;
  if (has(P::NUMBER) && has(P::LPAREN)) {
    items.push_back("an expression");
    idents_covered = true;
    covered.insert(
        {P::NUMBER, P::STRING, P::TRUE, P::FALSE, P::LPAREN, P::LBRACK, P::MINUS, P::NOT});
  } else if (has(P::RETURN)) {
    items.push_back("a statement");
    idents_covered = true;
    covered.insert({P::RETURN, P::REPEAT, P::IF});
  } else if (has(P::USE)) {
    items.push_back("a declaration (use, data, block, invertible, model or train)");
    covered.insert({P::USE, P::DATA, P::BLOCK, P::INVERTIBLE, P::MODEL, P::TRAIN});
  } else if (rule == P::RuleModelDecl && has(P::OBJECTIVE)) {
    items.push_back("a role, 'schedule', 'prior', 'objective' or 'sampler'");
    idents_covered = true;
  } else if (rule == P::RuleTrainDecl && has(P::BATCH)) {
    items.push_back("a train setting");
    idents_covered = true;
  } else if (has(P::ID) && has(P::LBRACK) && has(P::TOKENS)) {
    items.push_back("a type");
    idents_covered = true;
    covered.insert(P::LBRACK);
  } else if (has(P::ID)) {
    items.push_back("a name");
    idents_covered = true;
  }
  std::vector<std::string> rest, continuations;
  for (size_t t : expected.toList()) {
    if (covered.count(t) > 0 || (idents_covered && is_ident_token(t))) continue;
    (continues_expression(t) ? continuations : rest).push_back(expected_token_name(t, vocab));
  }
  items.insert(items.end(), rest.begin(), rest.end());
  if (items.empty()) items = continuations;
  return join_alternatives(items);
}

std::string hex_bytes(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("\\x{:02X}", c);
  return out;
}

/// Length of the well-formed UTF-8 sequence at the start of `s`, or 0.
size_t utf8_length(std::string_view s) {
  if (s.empty()) return 0;
  auto c = static_cast<unsigned char>(s[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

/// A character as it should appear in a message: itself if printable, else \xNN escapes.
std::string display_char(const std::string& bytes) {
  if (bytes.size() == 1) {
    auto c = static_cast<unsigned char>(bytes[0]);
    return (c >= 0x20 && c < 0x7F) ? bytes : hex_bytes(bytes);
  }
  return utf8_length(bytes) == bytes.size() ? bytes : hex_bytes(bytes);
}

std::string invalid_char_hint(const std::string& ch) {
  if (ch == "!") return "use 'not' for negation and '!=' for inequality";
  if (ch == "&") return "use 'and' for logical and";
  if (ch == "|") return "use 'or' for logical or, '|>' for a pipe";
  if (ch == "#") return "comments start with '//'";
  if (ch == "'") return "strings use double quotes";
  if (static_cast<unsigned char>(ch[0]) >= 0x80)
    return "outside strings and comments only ASCII is allowed";
  return "";
}

void report_bad_escape(const antlr4::Token* token, const SourceFile& file,
                       DiagnosticEngine& diags) {
  std::string text = token_text(file, token);
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] != '\\') continue;
    char next = text[i + 1];
    if (next == '"' || next == '\\') {
      ++i;
      continue;
    }
    size_t len = std::max<size_t>(1, utf8_length(std::string_view(text).substr(i + 1)));
    size_t at = token->getStartIndex() + i;
    SourceRange range{&file, file.location(at), file.location(at + 1 + len)};
    diags.report(DiagKind::BadEscape, range, {display_char(text.substr(i + 1, len))}).hint =
        "the only escapes are \\\" and \\\\";
    return;
  }
}

}  // namespace

int report_lexical_errors(const std::vector<antlr4::Token*>& tokens, const SourceFile& file,
                          DiagnosticEngine& diags) {
  int reported = 0;
  for (const antlr4::Token* token : tokens) {
    if (reported >= kMaxSyntaxErrors) break;
    SourceRange range = token_range(file, token);
    switch (token->getType()) {
      case P::ERROR_CHAR: {
        std::string ch = display_char(token_text(file, token));
        Diagnostic& d = diags.report(DiagKind::InvalidCharacter, range, {ch});
        d.hint = invalid_char_hint(token_text(file, token));
        break;
      }
      case P::UNTERMINATED_STRING:
        diags.report(DiagKind::UnterminatedString, range).hint =
            "a string must end with '\"' on the same line";
        break;
      case P::BAD_STRING:
        report_bad_escape(token, file, diags);
        break;
      case P::UNTERMINATED_COMMENT:
        range.end = file.location(token->getStartIndex() + 2);
        diags.report(DiagKind::UnterminatedComment, range).hint =
            "a block comment must end with '*/'";
        break;
      default:
        continue;
    }
    ++reported;
  }
  return reported;
}

const antlr4::Token* brace_left_open(const std::vector<antlr4::Token*>& tokens, size_t before,
                                     int& ended_at) {
  // Column of the first token of each line, and the type of that token.
  std::map<size_t, std::pair<size_t, size_t>> line_start;
  for (const antlr4::Token* t : tokens) {
    if (t->getType() == antlr4::Token::EOF) break;
    line_start.emplace(t->getLine(), std::make_pair(t->getCharPositionInLine(), t->getType()));
  }
  size_t limit = std::min(before, tokens.size());
  size_t error_line = before < tokens.size() && tokens[before]->getType() != antlr4::Token::EOF
                          ? tokens[before]->getLine()
                          : std::numeric_limits<size_t>::max();
  for (size_t i = limit; i-- > 0;) {
    const antlr4::Token* brace = tokens[i];
    if (brace->getType() != P::LBRACE || i + 1 >= tokens.size()) continue;
    if (tokens[i + 1]->getLine() == brace->getLine()) continue;  // a one-line block
    size_t indent = line_start.at(brace->getLine()).first;
    auto next = line_start.upper_bound(brace->getLine());
    while (next != line_start.end() && next->second.first > indent) ++next;
    bool closed = next != line_start.end() && next->second.first == indent &&
                  next->second.second == P::RBRACE;
    if (closed) continue;
    size_t end_line = next == line_start.end() ? 0 : next->first;
    if (end_line != 0 && end_line > error_line) continue;  // the block ends after the error
    ended_at = static_cast<int>(end_line);
    return brace;
  }
  return nullptr;
}

void SyntaxErrorListener::syntaxError(antlr4::Recognizer*, antlr4::Token* offending, size_t line,
                                      size_t col, const std::string& msg, std::exception_ptr) {
  SourceRange range = offending != nullptr
                          ? token_range(file_, offending)
                          : SourceRange{&file_,
                                        {static_cast<int>(line), static_cast<int>(col) + 1},
                                        {static_cast<int>(line), static_cast<int>(col) + 2}};
  Diagnostic& d = diags_.report(DiagKind::SyntaxError, range, {msg});
  int ended_at = 0;
  const antlr4::Token* open =
      count_ == 0 && offending != nullptr
          ? brace_left_open(tokens_, offending->getTokenIndex(), ended_at)
          : nullptr;
  if (open != nullptr) {
    std::string note = ended_at == 0 ? "this '{' is never closed"
                                     : "this '{' is left open: its block ends before line " +
                                           std::to_string(ended_at) + " without a '}'";
    diags_.add_note(d, token_range(file_, open), note);
  }
  if (++count_ >= kMaxSyntaxErrors)
    throw antlr4::ParseCancellationException("too many syntax errors");
}

void SyntaxErrorStrategy::reportMatch(antlr4::Parser* parser) {
  DefaultErrorStrategy::reportMatch(parser);
  ++matches_since_error_;
}

void SyntaxErrorStrategy::report(antlr4::Parser* parser, antlr4::Token* offending,
                                 const antlr4::misc::IntervalSet& expected, std::exception_ptr e) {
  // Errors right after the last one are nearly always the same mistake seen again while the
  // parser resynchronises: only report once it has matched a few tokens in between.
  bool cascade = reported_ && matches_since_error_ < kMatchesBetweenErrors;
  matches_since_error_ = 0;
  if (cascade) return;
  reported_ = true;
  std::string what;
  if (offending->getType() == antlr4::Token::EOF) {
    what = "end of file";
  } else {
    std::string text = token_text(file_, offending);
    if (text.size() > 24) text = text.substr(0, 20) + "...";
    what = "'" + text + "'";
  }
  std::string msg = "unexpected " + what;
  size_t rule = parser->getContext() != nullptr ? parser->getContext()->getRuleIndex()
                                                : static_cast<size_t>(P::RuleProgram);
  std::string want = describe_expected(expected, rule, parser->getVocabulary());
  if (!want.empty()) msg += ", expected " + want;
  parser->notifyErrorListeners(offending, msg, e);
}

void SyntaxErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser,
                                                    const antlr4::NoViableAltException& e) {
  report(parser, e.getOffendingToken(), e.getExpectedTokens(), nullptr);
}

void SyntaxErrorStrategy::reportInputMismatch(antlr4::Parser* parser,
                                              const antlr4::InputMismatchException& e) {
  report(parser, e.getOffendingToken(), e.getExpectedTokens(), nullptr);
}

void SyntaxErrorStrategy::reportFailedPredicate(antlr4::Parser* parser,
                                                const antlr4::FailedPredicateException& e) {
  report(parser, e.getOffendingToken(), e.getExpectedTokens(), nullptr);
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  report(parser, parser->getCurrentToken(), getExpectedTokens(parser), nullptr);
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  report(parser, parser->getCurrentToken(), getExpectedTokens(parser), nullptr);
}

}  // namespace genc::frontend
