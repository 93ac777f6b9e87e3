// Tokens of the graph IR text form; internal to genc_ir (used by parser.cpp).
#pragma once

#include <string>
#include <vector>

namespace genc::ir::text {

/// Ident: [A-Za-z_][A-Za-z0-9_]*; Value: '%' digits (text = the digits); Int: digits;
/// Float: digits with a fraction or exponent; String: "..." (text decoded); Punct: one of
/// { } ( ) [ ] , : = # @ ? - and "->"; End: end of input; Error: a lexical error (text =
/// the message), always the last token.
enum class Tok { Ident, Value, Int, Float, String, Punct, End, Error };

struct Token {
  Tok kind = Tok::End;
  std::string text;  ///< identifier, punctuation, digits, decoded string, or an error message
  int line = 1;
  int col = 1;
  int len = 0;  ///< bytes of source text, for the diagnostic's range
};

/// Splits IR text into tokens; `//` comments and whitespace (newlines included) separate
/// them. Strings take the escapes \" \\ \n \t.
std::vector<Token> lex_ir(const std::string& text);

}  // namespace genc::ir::text
