// No input crashes or hangs the frontend: truncated examples, junk bytes, extreme literals.
// Every parse either yields a module with no errors or no module and at least one error,
// and every diagnostic points inside the file.
#include <gtest/gtest.h>

#include <random>

#include "tests/unit/frontend/language_examples.h"
#include "tests/unit/frontend/parse_helpers.h"

namespace genc::test {
namespace {

void expect_consistent(const std::string& text, const std::string& what) {
  auto p = parse(text);
  ASSERT_EQ(p->module == nullptr, p->diags.has_errors()) << what << "\n" << p->rendered();
  for (const Diagnostic& d : p->diags.diagnostics()) {
    ASSERT_TRUE(d.range.valid()) << what;
    ASSERT_LE(d.range.begin.line, p->file->line_count()) << what;
    ASSERT_FALSE(DiagnosticEngine::render(d).empty());
  }
}

TEST(Robustness, EveryTruncationOfEveryExample) {
  for (const auto& [name, text] : language_examples()) {
    for (size_t n = 0; n <= text.size(); ++n)
      expect_consistent(text.substr(0, n), name + " cut at " + std::to_string(n));
  }
}

TEST(Robustness, ExamplesWithOneByteDeletedOrReplaced) {
  for (const auto& [name, text] : language_examples()) {
    for (size_t i = 0; i < text.size(); i += 5) {
      expect_consistent(text.substr(0, i) + text.substr(i + 1),
                        name + " without byte " + std::to_string(i));
      std::string changed = text;
      changed[i] = "{}()[]\"/*:|>-"[i % 13];
      expect_consistent(changed, name + " changed at " + std::to_string(i));
    }
  }
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 50; ++round) {
    std::string junk(1 + rng() % 2000, '\0');
    for (char& c : junk) c = static_cast<char>(rng() % 256);
    expect_consistent(junk, "random bytes, round " + std::to_string(round));
  }
}

TEST(Robustness, RandomTokenSoup) {
  const char* words[] = {"model", "block", "train", "on",     "data",    "use",   "std.nn", "(",
                         ")",     "{",     "}",     "[",      "]",       "->",    "|>",     "=",
                         ":",     ",",     "x",     "1",      "2.5",     "\"s\"", "repeat", "in",
                         "..",    "if",    "else",  "return", "encoder", "every", "epoch",  "?",
                         "+",     "-",     "not",   ";",      "\n"};
  std::mt19937 rng(99);
  for (int round = 0; round < 300; ++round) {
    std::string soup;
    for (int i = 0; i < 60; ++i)
      soup += std::string(words[rng() % (sizeof(words) / sizeof(words[0]))]) + " ";
    expect_consistent(soup, "token soup " + std::to_string(round) + ": " + soup);
  }
}

TEST(Robustness, ExtremeInputs) {
  expect_consistent("", "empty");
  expect_consistent(std::string(1, '\0'), "NUL");
  expect_consistent(std::string(100000, ' '), "spaces");
  expect_consistent(std::string(100000, '\n'), "newlines");
  expect_consistent("block f(x) { return " + std::string(5000, '9') + " }", "a huge integer");
  expect_consistent("block f(x) { return 0." + std::string(5000, '1') + "e-99999 }",
                    "a tiny float");
  expect_consistent("data d = csv(\"" + std::string(100000, 'a') + "\")", "a huge string");
  expect_consistent("block " + std::string(100000, 'a') + "(x) { return x }", "a huge name");
  expect_consistent("/*" + std::string(1000, '*'), "an unterminated comment of stars");
  expect_consistent("\"" + std::string(1000, '\\'), "an unterminated string of backslashes");
  std::string many_blocks;
  for (int i = 0; i < 20000; ++i)
    many_blocks += "block b" + std::to_string(i) + "(x) { return x }\n";
  auto p = parse(many_blocks);
  ASSERT_TRUE(p->module);
  EXPECT_EQ(p->module->blocks.size(), 20000u);
}

}  // namespace
}  // namespace genc::test
