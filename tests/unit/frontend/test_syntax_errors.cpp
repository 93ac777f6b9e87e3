// Syntax and lexical errors: the right kind, position and message, rendered like every
// other diagnostic, and never more than a few per file.
#include <gtest/gtest.h>

#include "tests/unit/frontend/parse_helpers.h"

namespace genc::test {
namespace {

/// The frontend reports at most this many syntax errors per file (see syntax_errors.h).
constexpr int kMaxSyntaxErrors = 3;

struct Case {
  const char* text;
  const char* where_and_kind;  ///< "L:C Kind" of the first diagnostic
  const char* message;         ///< its exact message
};

const Case kCases[] = {
    {"model m() {\n  encoder q(x: [2]) -> gaussian {\n    return x\n  }\n",  // missing '}'
     "5:1 SyntaxError",
     "syntax error: unexpected end of file, expected a role, 'schedule', 'prior', "
     "'objective' or 'sampler' or '}'"},
    {"model m() {\n  encoder q(x: [2]) {\n    return x\n  }\n}\n",  // missing `-> type`
     "2:21 SyntaxError", "syntax error: unexpected '{', expected '->'"},
    {"model m() { encoder q(x: [2]) -> { return x } }", "1:34 SyntaxError",
     "syntax error: unexpected '{', expected a type"},
    {"block f(x) {\n  h = x +\n}\n", "3:1 SyntaxError",
     "syntax error: unexpected '}', expected an expression"},
    {"block f(x) { h = f(x, }", "1:23 SyntaxError", "syntax error: unexpected '}', expected ')'"},
    {"block f(x) { h = [1, 2 }", "1:24 SyntaxError", "syntax error: unexpected '}', expected ']'"},
    {"block f(x) {\n  h = x\n  foo\n}\n", "4:1 SyntaxError",
     "syntax error: unexpected '}', expected '='"},
    {"modle m() {}", "1:1 SyntaxError",
     "syntax error: unexpected 'modle', expected a declaration (use, data, block, invertible, "
     "model or "
     "train) or end of file"},
    {"model m(latent 20) {}", "1:16 SyntaxError", "syntax error: unexpected '20', expected ':'"},
    {"train m on d { batch }", "1:22 SyntaxError",
     "syntax error: unexpected '}', expected an expression"},
    {"train m on d { checkpoint to \"x\" }", "1:27 SyntaxError",
     "syntax error: unexpected 'to', expected 'every'"},
    {"block f(x) { if x { } else }", "1:28 SyntaxError",
     "syntax error: unexpected '}', expected 'if' or '{'"},
    {"block f(x) { repeat i in 0 { } }", "1:28 SyntaxError",
     "syntax error: unexpected '{', expected '..'"},
    {"use", "1:4 SyntaxError", "syntax error: unexpected end of file, expected a name or a string"},
    {"model m() { $ }", "1:13 InvalidCharacter", "invalid character '$'"},
    {"block f(x) { h = x !y }", "1:20 InvalidCharacter", "invalid character '!'"},
    {"block f(x) { h = \x01 }", "1:18 InvalidCharacter", "invalid character '\\x01'"},
    {"block f(x) { h = \xFF }", "1:18 InvalidCharacter", "invalid character '\\xFF'"},
    {"model caf\xC3\xA9() {}", "1:10 InvalidCharacter", "invalid character '\xC3\xA9'"},
    {"data d = moons(n: \"abc)\n", "1:19 UnterminatedString", "unterminated string literal"},
    {"data d = csv(\"a\\qb\")", "1:16 BadEscape", "invalid escape sequence '\\q' in string"},
    {"data d = csv(\"ok\\\\\\\"\", \"x\\n\")", "1:26 BadEscape",
     "invalid escape sequence '\\n' in string"},
    {"model m() {}\n/* never\nclosed", "2:1 UnterminatedComment", "unterminated block comment"},
    {"model m() { encodr q(x: [2]) -> gaussian { return x } }", "1:13 UnknownRole",
     "unknown role 'encodr'"},
    {"block f(x) { return 99999999999999999999 }", "1:21 SyntaxError",
     "syntax error: integer '99999999999999999999' is too large"},
    {"block f(x) { return 1e999 }", "1:21 SyntaxError",
     "syntax error: number '1e999' is out of range"},
};

TEST(SyntaxErrors, KindPositionAndMessage) {
  for (const Case& c : kCases) {
    auto p = parse(c.text);
    EXPECT_EQ(p->module, nullptr) << c.text;
    ASSERT_FALSE(p->diags.diagnostics().empty()) << c.text;
    EXPECT_EQ(p->first(), c.where_and_kind) << c.text << "\n" << p->rendered();
    EXPECT_EQ(p->diags.diagnostics()[0].message, c.message) << c.text;
  }
}

TEST(SyntaxErrors, RenderWithCaretAndHint) {
  auto p = parse("data d = csv(\"a\\qb\")\n", "bad.gen");
  EXPECT_EQ(p->rendered(),
            "bad.gen:1:16: error: invalid escape sequence '\\q' in string\n"
            "  data d = csv(\"a\\qb\")\n"
            "                 ^~\n"
            "hint: the only escapes are \\\" and \\\\\n");

  auto q = parse("model m() {\n  encoder q(x: [2]) {\n    return x\n  }\n}\n", "vae.gen");
  EXPECT_EQ(q->rendered(),
            "vae.gen:2:21: error: syntax error: unexpected '{', expected '->'\n"
            "    encoder q(x: [2]) {\n"
            "                      ^\n");
}

TEST(SyntaxErrors, UnterminatedStringUnderlinesTheRestOfTheLine) {
  auto p = parse("data d = csv(\"abc)\n");
  EXPECT_EQ(p->rendered(),
            "test.gen:1:14: error: unterminated string literal\n"
            "  data d = csv(\"abc)\n"
            "               ^~~~~\n"
            "hint: a string must end with '\"' on the same line\n");
}

TEST(SyntaxErrors, StopsAfterAFewErrors) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "block f(x { return x }\nmodel m() { $ }\n";
  auto p = parse(text);
  EXPECT_EQ(p->module, nullptr);
  EXPECT_GE(p->diags.error_count(), 1);
  EXPECT_LE(p->diags.error_count(), kMaxSyntaxErrors);

  std::string syntax_only;
  for (int i = 0; i < 20; ++i) syntax_only += "block f" + std::to_string(i) + "(x { return x }\n";
  auto q = parse(syntax_only);
  EXPECT_GE(q->diags.error_count(), 2);
  EXPECT_LE(q->diags.error_count(), kMaxSyntaxErrors);
  EXPECT_EQ(q->first(), "1:12 SyntaxError");
}

TEST(SyntaxErrors, CascadesAfterAnErrorAreNotReported) {
  // ANTLR's recovery would also complain about the role body's braces.
  auto p =
      parse("model m() {\n  encoder q(x: [2]) {\n    return x\n  }\n}\nblock g(y) { return y }\n");
  EXPECT_EQ(p->diags.error_count(), 1) << p->rendered();
}

TEST(SyntaxErrors, NestingLimitsAreDiagnosedNotCrashed) {
  for (const std::string& deep :
       {std::string(100000, '('), std::string(100000, '['), std::string(100000, '-')}) {
    auto p = parse("block f(x) { h = " + deep + "x }");
    EXPECT_EQ(p->module, nullptr);
    ASSERT_EQ(p->diags.error_count(), 1) << p->rendered();
    EXPECT_NE(p->diags.diagnostics()[0].message.find("nested too deeply"), std::string::npos);
  }
  std::string chain = "block f(x) { h = x";
  for (int i = 0; i < 20000; ++i) chain += " + x";
  auto p = parse(chain + " }");
  EXPECT_EQ(p->module, nullptr);
  ASSERT_EQ(p->diags.error_count(), 1);
  EXPECT_EQ(p->diags.diagnostics()[0].message,
            "syntax error: expression is nested too deeply (more than 500 levels)");

  std::string shallow =
      "block f(x) { h = " + std::string(40, '(') + "x" + std::string(40, ')') + " }";
  EXPECT_TRUE(parse(shallow)->module != nullptr);
}

}  // namespace
}  // namespace genc::test
