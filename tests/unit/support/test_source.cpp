// SourceFile line tables and locations, SourceRange::str, SourceManager loading.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "compiler/support/source.h"

namespace genc {
namespace {

TEST(SourceFile, LineTextStripsNewlinesAndCarriageReturns) {
  SourceFile f("a.gen", "first\r\nsecond\n\nlast");
  EXPECT_EQ(f.line_count(), 4);
  EXPECT_EQ(f.line_text(1), "first");
  EXPECT_EQ(f.line_text(2), "second");
  EXPECT_EQ(f.line_text(3), "");
  EXPECT_EQ(f.line_text(4), "last");
  EXPECT_EQ(f.line_text(0), "");
  EXPECT_EQ(f.line_text(5), "");
}

TEST(SourceFile, LocationOfAByteOffset) {
  SourceFile f("a.gen", "ab\ncd\n");
  EXPECT_EQ(f.location(0).line, 1);
  EXPECT_EQ(f.location(0).col, 1);
  EXPECT_EQ(f.location(2).col, 3);  // the newline itself
  EXPECT_EQ(f.location(3).line, 2);
  EXPECT_EQ(f.location(4).col, 2);
  EXPECT_EQ(f.location(6).line, 3);  // end of text: the empty last line
  EXPECT_EQ(f.location(6).col, 1);
  EXPECT_EQ(f.location(999).line, 3);  // clamped
}

TEST(SourceRange, StrNamesFileLineAndColumn) {
  SourceFile f("dir/vae.gen", "x\n");
  EXPECT_EQ((SourceRange{&f, {9, 22}, {9, 23}}).str(), "dir/vae.gen:9:22");
  EXPECT_EQ((SourceRange{&f, {}, {}}).str(), "dir/vae.gen");
  EXPECT_EQ(SourceRange{}.str(), "<unknown>");
  EXPECT_FALSE(SourceRange{}.valid());
}

TEST(SourceManager, LoadsFilesAndReportsUnreadableOnes) {
  auto path = std::filesystem::temp_directory_path() / "genc_test_source_load.gen";
  {
    std::ofstream out(path, std::ios::binary);
    out << "model m() {}\n";
  }
  SourceManager sm;
  const SourceFile* f = sm.load(path.string());
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->text(), "model m() {}\n");
  EXPECT_EQ(f->path(), path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(sm.load(path.string()), nullptr);
  EXPECT_EQ(sm.load(std::filesystem::temp_directory_path().string()), nullptr);  // a directory
}

TEST(SourceManager, PlaceholdersAreSharedPerPath) {
  SourceManager sm;
  const SourceFile* a = sm.placeholder("x.gen");
  EXPECT_EQ(sm.placeholder("x.gen"), a);
  EXPECT_NE(sm.placeholder("y.gen"), a);
  EXPECT_EQ(a->text(), "");
  const SourceFile* added = sm.add("mem.gen", "text");
  EXPECT_EQ(added->text(), "text");
}

}  // namespace
}  // namespace genc
