// DiagnosticEngine: message formatting, the exact rendering contract, limits, internal errors.
#include <gtest/gtest.h>

#include <sstream>

#include "compiler/support/diagnostics.h"

namespace genc {
namespace {

/// Nine lines shaped like LANGUAGE.md section 10's example.
const char* kVae =
    "model vae() {\n"
    "  decoder p(z: [20]) -> bernoulli {\n"
    "    return z\n"
    "  }\n"
    "  encoder q(x: [784]) -> gaussian {\n"
    "    mu = linear(x, 20)\n"
    "    z = mu\n"
    "    zz = z\n"
    "  h = linear(z, 400) + mu\n";

TEST(Diagnostics, RendersLanguageSection10Exactly) {
  SourceFile f("vae.gen", kVae);
  DiagnosticEngine diags;
  Diagnostic& d =
      diags.report(DiagKind::ShapeMismatch, {&f, {9, 22}, {9, 23}}, {"+", "[400]", "[20]"});
  diags.add_note(d, {&f, {6, 5}, {6, 7}}, "'mu' has shape [20]");
  EXPECT_EQ(diags.render(),
            "vae.gen:9:22: error: shape mismatch in '+': [400] vs [20]\n"
            "    h = linear(z, 400) + mu\n"
            "                       ^\n"
            "note: 'mu' has shape [20] (vae.gen:6:5)\n");
  EXPECT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.error_count(), 1);
}

TEST(Diagnostics, TildesRunToTheEndOfTheRange) {
  SourceFile f("a.gen", "  h = linear(z, 400) + mu\n");
  std::string r = DiagnosticEngine::render(Diagnostic{DiagKind::UnknownName,
                                                      Severity::Error,
                                                      {&f, {1, 7}, {1, 13}},
                                                      "unknown name 'linear'",
                                                      {},
                                                      {}});
  EXPECT_EQ(r,
            "a.gen:1:7: error: unknown name 'linear'\n"
            "    h = linear(z, 400) + mu\n"
            "        ^~~~~~\n");
}

TEST(Diagnostics, MultiLineRangeUnderlinesToTheEndOfTheFirstLine) {
  SourceFile f("a.gen", "abc def\nghi\n");
  std::string r = DiagnosticEngine::render(
      Diagnostic{DiagKind::TypeError, Severity::Error, {&f, {1, 5}, {2, 2}}, "m", {}, {}});
  EXPECT_EQ(r, "a.gen:1:5: error: m\n  abc def\n      ^~~\n");
}

TEST(Diagnostics, EmptyRangeGetsASingleCaretAndTabsAreKept) {
  SourceFile f("a.gen", "\tx = 1\n");
  std::string r = DiagnosticEngine::render(
      Diagnostic{DiagKind::TypeError, Severity::Error, {&f, {1, 4}, {1, 4}}, "m", {}, {}});
  EXPECT_EQ(r, "a.gen:1:4: error: m\n  \tx = 1\n  \t  ^\n");
}

TEST(Diagnostics, HintsWarningsAndLocationlessNotes) {
  SourceFile f("a.gen", "h = x\n");
  DiagnosticEngine diags;
  Diagnostic& w = diags.report(DiagKind::UnusedBinding, {&f, {1, 1}, {1, 2}}, {"h"});
  diags.add_note(w, {}, "bindings are used by later statements");
  w.hint = "remove it";
  EXPECT_EQ(diags.render(),
            "a.gen:1:1: warning: 'h' is assigned but never used\n"
            "  h = x\n"
            "  ^\n"
            "note: bindings are used by later statements\n"
            "hint: remove it\n");
  EXPECT_FALSE(diags.has_errors());
  std::ostringstream os;
  diags.print(os);
  EXPECT_EQ(os.str(), diags.render());
}

TEST(Diagnostics, WithoutALocationOnlyTheMessageIsPrinted) {
  DiagnosticEngine diags;
  diags.report(DiagKind::FileNotFound, {}, {"missing.gen"});
  EXPECT_EQ(diags.render(), "error: cannot read file 'missing.gen'\n");
  SourceFile placeholder("from_ir.gen", "");
  diags.report(DiagKind::UnknownName, {&placeholder, {3, 4}, {3, 5}}, {"x"});
  EXPECT_EQ(diags.diagnostics()[1].message, "unknown name 'x'");
  EXPECT_EQ(DiagnosticEngine::render(diags.diagnostics()[1]),
            "from_ir.gen:3:4: error: unknown name 'x'\n");
}

TEST(Diagnostics, ErrorLimitStopsCollecting) {
  DiagnosticEngine diags;
  diags.set_error_limit(2);
  for (int i = 0; i < 5; ++i)
    diags.add_note(diags.report(DiagKind::UnknownName, {}, {"x"}), {}, "dropped?");
  EXPECT_EQ(diags.error_count(), 2);
  EXPECT_EQ(diags.diagnostics().size(), 2u);
  EXPECT_TRUE(diags.limit_reached());
  diags.set_error_limit(0);
  EXPECT_FALSE(diags.limit_reached());
}

TEST(Diagnostics, KindInfoComesFromTheDefList) {
  EXPECT_STREQ(diag_info(DiagKind::ShapeMismatch).name, "ShapeMismatch");
  EXPECT_EQ(diag_info(DiagKind::ShapeMismatch).severity, Severity::Error);
  EXPECT_EQ(diag_info(DiagKind::UnusedImport).severity, Severity::Warning);
  EXPECT_STREQ(diag_info(DiagKind::BadEscape).format, "invalid escape sequence '\\{}' in string");
  DiagnosticEngine diags;
  EXPECT_EQ(diags.report(DiagKind::BadEscape, {}, {"q"}).message,
            "invalid escape sequence '\\q' in string");
}

TEST(Diagnostics, WrongArgumentCountIsAnInternalError) {
  DiagnosticEngine diags;
  EXPECT_THROW(diags.report(DiagKind::ShapeMismatch, {}, {"+"}), InternalError);
  EXPECT_THROW(internal_error("boom"), InternalError);
  try {
    GENC_ASSERT(1 == 2, "math broke");
    FAIL() << "GENC_ASSERT did not throw";
  } catch (const InternalError& e) {
    EXPECT_NE(e.message.find("math broke"), std::string::npos);
  }
}

}  // namespace
}  // namespace genc
