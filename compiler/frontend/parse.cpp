// parse_module: lexes and parses one .gen text with ANTLR and builds its AST.
#include <memory>

#include "GenLexer.h"
#include "GenParser.h"
#include "compiler/frontend/ast_builder.h"
#include "compiler/frontend/frontend.h"
#include "compiler/frontend/syntax_errors.h"
#include "compiler/frontend/token_text.h"

namespace genc::frontend {
namespace {

/// Deepest chain of nested grammar rules the parser may enter. Every bracket level costs about
/// a dozen rules, so this allows ~150 nested brackets while keeping the recursive-descent
/// parser far from the end of the stack on any input.
constexpr int kMaxRuleDepth = 2000;

/// Feeds the lexer one code point per byte, so token indices are byte offsets, columns count
/// bytes, and no byte sequence (invalid UTF-8 included) can make the input stream throw.
class ByteInputStream : public antlr4::ANTLRInputStream {
 public:
  explicit ByteInputStream(const std::string& bytes) {
    _data.reserve(bytes.size());
    for (unsigned char c : bytes) _data.push_back(static_cast<char32_t>(c));
    reset();
  }
};

struct NestingTooDeep {
  antlr4::Token* at;
};

/// The generated parser, refusing to recurse deeper than kMaxRuleDepth.
class DepthLimitedParser : public genc_dsl::GenParser {
 public:
  using GenParser::GenParser;

  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    GenParser::enterRule(ctx, state, rule);
    if (ctx->depth() > kMaxRuleDepth) throw NestingTooDeep{getCurrentToken()};
  }
};

}  // namespace

std::unique_ptr<ast::Module> parse_module(const SourceFile& file, DiagnosticEngine& diags) {
  ByteInputStream input(file.text());
  genc_dsl::GenLexer lexer(&input);
  lexer.removeErrorListeners();  // every character forms a token: error tokens are checked below
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  if (report_lexical_errors(tokens.getTokens(), file, diags) > 0) return nullptr;

  DepthLimitedParser parser(&tokens);
  parser.removeErrorListeners();
  SyntaxErrorListener listener(file, diags, tokens.getTokens());
  parser.addErrorListener(&listener);
  parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(file));
  genc_dsl::GenParser::ProgramContext* tree = nullptr;
  try {
    tree = parser.program();
  } catch (const antlr4::ParseCancellationException&) {
    return nullptr;  // the listener stopped after kMaxSyntaxErrors, all reported
  } catch (const NestingTooDeep& e) {
    diags
        .report(DiagKind::SyntaxError, token_range(file, e.at),
                {"brackets or blocks are nested too deeply"})
        .hint = "split the expression into several bindings";
    return nullptr;
  }
  if (listener.count() > 0) return nullptr;
  return build_module(*tree, file, diags);
}

}  // namespace genc::frontend
