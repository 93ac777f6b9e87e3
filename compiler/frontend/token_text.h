// Internal: source ranges and exact source text of ANTLR tokens and rule contexts.
// The lexer sees one code point per source byte, so token indices are byte offsets.
#pragma once

#include <string>

#include "antlr4-runtime.h"
#include "compiler/support/source.h"

namespace genc::frontend {

/// The byte-exact source text of `token` (empty for EOF).
inline std::string token_text(const SourceFile& file, const antlr4::Token* token) {
  if (token == nullptr || token->getType() == antlr4::Token::EOF) return "";
  size_t start = token->getStartIndex();
  size_t stop = token->getStopIndex();
  if (start >= file.text().size() || stop < start) return "";
  return file.text().substr(start, stop - start + 1);
}

/// The half-open range covered by `token`; EOF gets an empty range at the end of the text.
inline SourceRange token_range(const SourceFile& file, const antlr4::Token* token) {
  size_t start = token->getStartIndex();
  size_t stop = token->getStopIndex();
  if (token->getType() == antlr4::Token::EOF || stop == INVALID_INDEX || stop < start) {
    size_t at = std::min(start, file.text().size());
    SourceLoc loc = file.location(at);
    return SourceRange{&file, loc, loc};
  }
  return SourceRange{&file, file.location(start), file.location(stop + 1)};
}

/// From the start of `first` to the end of `last`.
inline SourceRange join(const SourceRange& first, const SourceRange& last) {
  return SourceRange{first.file, first.begin, last.end};
}

/// The range of a rule context, from its first to its last token.
inline SourceRange context_range(const SourceFile& file, antlr4::ParserRuleContext* ctx) {
  SourceRange begin = token_range(file, ctx->getStart());
  const antlr4::Token* stop = ctx->getStop();
  if (stop == nullptr || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) return begin;
  return join(begin, token_range(file, stop));
}

}  // namespace genc::frontend
