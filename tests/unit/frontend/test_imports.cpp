// parse_program: stdlib and file imports, each module parsed once, and every way an import fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compiler/frontend/frontend.h"

namespace genc::test {
namespace {

namespace fs = std::filesystem;

/// A fresh temporary folder of .gen files, removed afterwards.
class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("genc_imports_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::optional<frontend::ParsedUnit> load(const std::string& main) {
    return frontend::parse_program(main, sources_, diags_);
  }

  fs::path dir_;
  SourceManager sources_;
  DiagnosticEngine diags_;
};

TEST_F(ImportTest, FilesRelativeToTheImporterAndStdlibModules) {
  write("lib/blocks.gen", "use \"more.gen\"\nblock twice(x) { return more(more(x)) }\n");
  write("lib/more.gen", "use std.nn\nblock more(x) { return mlp(x, [4]) }\n");
  std::string main =
      write("main.gen", "use \"lib/blocks.gen\"\nuse std.nn\nblock top(x) { return twice(x) }\n");
  auto unit = load(main);
  ASSERT_TRUE(unit.has_value()) << diags_.render();
  ASSERT_EQ(unit->modules.size(), 4u);
  // Dependencies come before dependents; std.nn is parsed once although used twice.
  EXPECT_EQ(unit->modules[0]->file->path(), "std/nn.gen");
  EXPECT_EQ(unit->modules[1]->file->path(), path("lib/more.gen"));
  EXPECT_EQ(unit->modules[2]->file->path(), path("lib/blocks.gen"));
  EXPECT_EQ(&unit->main(), unit->modules[3].get());
  EXPECT_EQ(unit->main().blocks[0].name, "top");
}

TEST_F(ImportTest, DiamondImportsParseTheSharedModuleOnce) {
  write("d.gen", "block d(x) { return x }\n");
  write("b.gen", "use \"d.gen\"\n");
  write("c.gen", "use \"./d.gen\"\n");
  auto unit = load(write("a.gen", "use \"b.gen\"\nuse \"c.gen\"\n"));
  ASSERT_TRUE(unit.has_value()) << diags_.render();
  EXPECT_EQ(unit->modules.size(), 4u);
  EXPECT_EQ(unit->modules[0]->file->path(), path("d.gen"));
}

TEST_F(ImportTest, CycleIsReportedAtTheUseWithItsPath) {
  std::string a = write("a.gen", "block a(x) { return x }\nuse \"b.gen\"\n");
  std::string b = write("b.gen", "use \"a.gen\"\n");
  EXPECT_FALSE(load(a).has_value());
  ASSERT_EQ(diags_.diagnostics().size(), 1u);
  const Diagnostic& d = diags_.diagnostics()[0];
  EXPECT_EQ(d.kind, DiagKind::ImportCycle);
  EXPECT_EQ(d.message, "import cycle: " + a + " -> " + b + " -> " + a);
  EXPECT_EQ(d.range.file->path(), b);
  EXPECT_EQ(d.range.begin.line, 1);
  EXPECT_EQ(d.range.begin.col, 1);
  EXPECT_EQ(d.range.end.col, 12);
}

TEST_F(ImportTest, SelfImportIsACycle) {
  std::string a = write("self.gen", "use \"self.gen\"\n");
  EXPECT_FALSE(load(a).has_value());
  ASSERT_EQ(diags_.diagnostics().size(), 1u);
  EXPECT_EQ(diags_.diagnostics()[0].message, "import cycle: " + a + " -> " + a);
}

TEST_F(ImportTest, UnknownStdlibModule) {
  std::string main = write("m.gen", "use std.nn\nuse std.vision\nuse torch.nn\n");
  EXPECT_FALSE(load(main).has_value());
  ASSERT_EQ(diags_.diagnostics().size(), 2u);
  const Diagnostic& d = diags_.diagnostics()[0];
  EXPECT_EQ(d.kind, DiagKind::UnknownModule);
  EXPECT_EQ(d.message, "unknown module 'std.vision'");
  EXPECT_EQ(d.range.begin.line, 2);
  EXPECT_EQ(d.hint, "the stdlib modules are std.nn, std.unet, std.transformer");
  EXPECT_EQ(diags_.diagnostics()[1].message, "unknown module 'torch.nn'");
}

TEST_F(ImportTest, MissingFileIsReportedAtTheUse) {
  std::string main = write("m.gen", "\nuse \"nope/missing.gen\"\n");
  EXPECT_FALSE(load(main).has_value());
  ASSERT_EQ(diags_.diagnostics().size(), 1u);
  const Diagnostic& d = diags_.diagnostics()[0];
  EXPECT_EQ(d.kind, DiagKind::FileNotFound);
  EXPECT_EQ(d.message, "cannot read file '" + path("nope/missing.gen") + "'");
  EXPECT_EQ(d.range.begin.line, 2);
  EXPECT_EQ(d.range.file->path(), main);
}

TEST_F(ImportTest, MissingMainFile) {
  EXPECT_FALSE(load(path("absent.gen")).has_value());
  ASSERT_EQ(diags_.diagnostics().size(), 1u);
  EXPECT_EQ(diags_.render(), "error: cannot read file '" + path("absent.gen") + "'\n");
}

TEST_F(ImportTest, SyntaxErrorsInImportedFilesNameThatFile) {
  std::string lib = write("lib.gen", "block f(x { return x }\n");
  EXPECT_FALSE(load(write("m.gen", "use \"lib.gen\"\n")).has_value());
  ASSERT_FALSE(diags_.diagnostics().empty());
  EXPECT_EQ(diags_.diagnostics()[0].range.str(), lib + ":1:11");
}

TEST_F(ImportTest, FailsEvenWhenTheEngineNoLongerCollectsErrors) {
  diags_.set_error_limit(1);
  diags_.report(DiagKind::UnknownName, {}, {"earlier"});
  EXPECT_FALSE(load(write("bad.gen", "block f(x { return x }\n")).has_value());
  EXPECT_FALSE(load(write("cycle.gen", "use \"cycle.gen\"\n")).has_value());
}

TEST_F(ImportTest, InMemoryMainFile) {
  const SourceFile* main = sources_.add(path("virtual.gen"), "use std.nn\nuse std.nn\n");
  auto unit = frontend::parse_program(*main, sources_, diags_);
  ASSERT_TRUE(unit.has_value()) << diags_.render();
  ASSERT_EQ(unit->modules.size(), 2u);
  EXPECT_EQ(unit->modules[0]->file->path(), "std/nn.gen");
  EXPECT_EQ(unit->main().file, main);
  EXPECT_EQ(unit->main().uses.size(), 2u);
}

}  // namespace
}  // namespace genc::test
