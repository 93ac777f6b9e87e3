// Warnings: unused bindings and unused file imports; they never fail the analysis.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sema_test_util.h"

namespace genc::test {
namespace {

std::vector<std::string> warnings(const Analyzed& a) {
  std::vector<std::string> out;
  for (const Diagnostic& d : a.diags.diagnostics())
    if (d.severity == Severity::Warning)
      out.push_back(std::to_string(d.range.begin.line) + ":" + std::to_string(d.range.begin.col) +
                    " " + diag_info(d.kind).name + " " + d.message);
  return out;
}

TEST(Warnings, UnusedBindings) {
  auto a = analyze(
      "model m() {\n  discriminator D(x: [8]) -> [2] {\n    h = relu(x)\n    h = tanh(x)\n    "
      "_scratch = gelu(x)\n"
      "    repeat 2 { x = relu(x) }\n    return linear(h + x, 2)\n  }\n  objective classify\n}\n");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(warnings(*a),
            std::vector<std::string>{"3:5 UnusedBinding 'h' is assigned but never used"});
}

TEST(Warnings, NoneForTheLanguageExamplesStyle) {
  // `use std.nn` without using it is not reported; block bodies of the stdlib are not either.
  auto a = analyze(
      "use std.nn\nmodel m() {\n  discriminator D(x: [8]) -> [2] {\n    return linear(x, 2)\n  }\n"
      "  objective classify\n}\n");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(warnings(*a), std::vector<std::string>{});
}

TEST(Warnings, UnusedFileImport) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("genc_sema_warn_" + std::to_string(::getpid()));
  fs::create_directories(dir / "lib");
  std::ofstream(dir / "lib" / "a.gen") << "block twice(x) { return x + x }\n";
  std::ofstream(dir / "lib" / "b.gen") << "block thrice(x) { return x + x + x }\n";
  auto a = analyze(
      "use \"lib/a.gen\"\nuse \"lib/b.gen\"\nmodel m() {\n  discriminator D(x: [8]) -> [2] {\n"
      "    return linear(twice(x), 2)\n  }\n  objective classify\n}\n",
      {}, (dir / "main.gen").string());
  std::error_code ec;
  fs::remove_all(dir, ec);
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(warnings(*a), std::vector<std::string>{
                              "2:1 UnusedImport module 'lib/b.gen' is imported but not used"});
}

TEST(Warnings, NotReportedAfterErrors) {
  auto a = analyze(
      "model m() {\n  discriminator D(x: [8]) -> [2] {\n    h = relu(x)\n    return linear(x, "
      "2.5)\n  }\n"
      "  objective classify\n}\n");
  EXPECT_FALSE(a->program);
  EXPECT_EQ(warnings(*a), std::vector<std::string>{});
}

}  // namespace
}  // namespace genc::test
