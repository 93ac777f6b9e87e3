// The lexer of the graph IR text form: text to a token list, a lexical error as a final token.
#include "compiler/ir/ir_lexer.h"

#include <fmt/format.h>

#include <cctype>
#include <string_view>

namespace genc::ir::text {
namespace {

class Lexer {
 public:
  explicit Lexer(const std::string& text) : s_(text) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      Token t;
      t.line = line_;
      t.col = col_;
      size_t start = i_;
      if (i_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      char c = s_[i_];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        t.kind = Tok::Ident;
        while (i_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
          advance();
        t.text = s_.substr(start, i_ - start);
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        lex_number(t);
      } else if (c == '%') {
        advance();
        if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_])))
          return fail(out, t, "expected digits after '%'");
        t.kind = Tok::Value;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) advance();
        t.text = s_.substr(start + 1, i_ - start - 1);
      } else if (c == '"') {
        if (!lex_string(t)) return fail(out, t, t.text);
      } else if (c == '-' && i_ + 1 < s_.size() && s_[i_ + 1] == '>') {
        t.kind = Tok::Punct;
        t.text = "->";
        advance();
        advance();
      } else if (std::string_view("{}()[],:=#@?-").find(c) != std::string_view::npos) {
        t.kind = Tok::Punct;
        t.text = std::string(1, c);
        advance();
      } else {
        return fail(out, t,
                    std::isprint(static_cast<unsigned char>(c))
                        ? fmt::format("invalid character '{}'", c)
                        : fmt::format("invalid byte 0x{:02x}", static_cast<unsigned char>(c)));
      }
      t.len = static_cast<int>(i_ - start);
      out.push_back(std::move(t));
    }
  }

 private:
  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++i_;
  }

  bool at(size_t k, char c) const { return k < s_.size() && s_[k] == c; }
  bool digit_at(size_t k) const {
    return k < s_.size() && std::isdigit(static_cast<unsigned char>(s_[k]));
  }

  void skip_space() {
    while (i_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        advance();
      } else if (at(i_, '/') && at(i_ + 1, '/')) {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
      } else {
        return;
      }
    }
  }

  // digits ('.' digits)? ([eE] [+-]? digits)?
  void lex_number(Token& t) {
    size_t start = i_;
    t.kind = Tok::Int;
    while (digit_at(i_)) advance();
    if (at(i_, '.') && digit_at(i_ + 1)) {
      t.kind = Tok::Float;
      advance();
      while (digit_at(i_)) advance();
    }
    if ((at(i_, 'e') || at(i_, 'E')) &&
        (digit_at(i_ + 1) || ((at(i_ + 1, '+') || at(i_ + 1, '-')) && digit_at(i_ + 2)))) {
      t.kind = Tok::Float;
      advance();
      if (!digit_at(i_)) advance();
      while (digit_at(i_)) advance();
    }
    t.text = s_.substr(start, i_ - start);
  }

  // '"' chars '"' with \" \\ \n \t escapes; on failure t.text holds the message.
  bool lex_string(Token& t) {
    t.kind = Tok::String;
    advance();
    while (true) {
      if (i_ >= s_.size()) {
        t.text = "unterminated string";
        return false;
      }
      char c = s_[i_];
      if (c == '"') {
        advance();
        return true;
      }
      if (c == '\\') {
        if (i_ + 1 >= s_.size()) {
          t.text = "unterminated string";
          return false;
        }
        char e = s_[i_ + 1];
        char decoded = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        if (e != '"' && e != '\\' && e != 'n' && e != 't') {
          t.text = fmt::format("invalid escape '\\{}' in string", e);
          return false;
        }
        advance();
        advance();
        t.text += decoded;
        continue;
      }
      t.text += c;
      advance();
    }
  }

  std::vector<Token>& fail(std::vector<Token>& out, Token& t, std::string message) {
    t.kind = Tok::Error;
    t.text = std::move(message);
    t.len = 1;
    out.push_back(std::move(t));
    return out;
  }

  const std::string& s_;
  size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

std::vector<Token> lex_ir(const std::string& text) { return Lexer(text).run(); }

}  // namespace genc::ir::text
