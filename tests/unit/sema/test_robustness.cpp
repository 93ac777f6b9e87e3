// Sema never crashes and never throws on any program the parser accepts: every LANGUAGE.md
// program is mutated token by token (names, numbers and strings replaced by others) and
// each mutant that parses is analysed; errors must come out as diagnostics.
#include <cctype>
#include <set>

#include "language_programs.h"
#include "sema_test_util.h"

namespace genc::test {
namespace {

struct Token {
  size_t begin, end;
};

// Identifiers, numbers and string literals of `text`, outside comments.
std::vector<Token> tokens(const std::string& text) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') ++j;
      out.push_back({i, j + 1});
      i = j + 1;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) ||
                                 text[j] == '_' || text[j] == '.'))
        ++j;
      out.push_back({i, j});
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

TEST(Robustness, MutatedProgramsNeverCrash) {
  const char* programs[] = {kVaeFashion, kDcgan, kRealNvp, kDdpm, kPixelGpt, kShapeMismatch};
  const char* replacements[] = {"0", "-1", "2.5", "x", "none", "mlp", "\"odd\"", "[]"};
  int analysed = 0, rejected = 0;
  for (const char* program : programs) {
    std::string text = program;
    for (const Token& t : tokens(text)) {
      for (const char* r : replacements) {
        std::string mutant = text.substr(0, t.begin) + r + text.substr(t.end);
        std::unique_ptr<Analyzed> a;
        try {
          a = analyze(mutant);
        } catch (const InternalError& e) {
          ADD_FAILURE() << "internal error: " << e.message << "\n--- program:\n" << mutant;
          continue;
        }
        if (!a->parsed) continue;
        ++analysed;
        if (!a->program) {
          ++rejected;
          EXPECT_TRUE(a->diags.has_errors()) << mutant;
        }
      }
    }
  }
  // The mutants exercise sema, not just the parser.
  EXPECT_GT(analysed, 700);
  EXPECT_GT(rejected, 350);
}

}  // namespace
}  // namespace genc::test
