// Tests of writing samples (runtime/io/sample_grid, points): undoing the data's transforms,
// the last one first, ordering class-conditional samples by label, and 2-D points as .npy
// (read back by the .npy loader) and as a scatter plot.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "compiler/ir/program.h"
#include "runtime/data/data.h"
#include "runtime/data/npy.h"
#include "runtime/errors.h"
#include "runtime/io/points.h"
#include "runtime/io/sample_grid.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime {
namespace {

using testing::TempDir;

ir::Setting scale(double lo, double hi) { return {"scale", {{"lo", lo}, {"hi", hi}}, {}}; }

ir::Dataset fashion_test(std::vector<ir::Setting> transforms) {
  ir::Dataset ds;
  ds.name = "d";
  ds.source = {"fashion_mnist", {{"split", std::string("test")}}, {}};
  ds.x = ir::ValueType::tensor({1, 28, 28});
  ds.transforms = std::move(transforms);
  return ds;
}

TEST(SampleGrid, UndoesAChainOfScalesLastFirst) {
  // x -> 2x -> 2(2x) - 1 = 4x - 1 in [-1, 3]. Undoing the first scale first would give x + 1/4.
  ir::Dataset scaled = fashion_test({scale(0, 2), scale(-1, 1)});
  at::Tensor raw = load_dataset(fashion_test({})).x.narrow(0, 0, 64);
  at::Tensor x = load_dataset(scaled).x.narrow(0, 0, 64);
  ASSERT_TRUE(at::allclose(x, raw * 4 - 1, 1e-5, 1e-6));
  EXPECT_TRUE(at::allclose(to_unit_range(x, scaled), raw, 1e-5, 1e-6));
}

TEST(SampleGrid, ImageBatchesHaveOneOrThreeChannels) {
  EXPECT_TRUE(is_image_batch(at::zeros({2, 1, 4, 4})));
  EXPECT_TRUE(is_image_batch(at::zeros({2, 3, 4, 4})));
  EXPECT_FALSE(is_image_batch(at::zeros({2, 2, 4, 4})));
  EXPECT_FALSE(is_image_batch(at::zeros({2, 784})));
}

TEST(SampleGrid, WritesUnscaledImagesOrderedByLabel) {
  TempDir dir;
  // Three 1x1 images of data scaled to [-1, 1], labelled 2, 0, 1: the grid shows them
  // ordered 0, 1, 2, i.e. the values 0.5, 1.0, 0.0 of [0,1].
  Data s{at::tensor({-1.0f, 0.0f, 1.0f}).reshape({3, 1, 1, 1}), at::tensor(std::vector<int64_t>{2, 0, 1})};
  write_sample_grid(dir.file("g.png"), s, fashion_test({scale(-1, 1)}));
  int w = 0, h = 0, comp = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px{stbi_load(dir.file("g.png").c_str(), &w, &h, &comp, 1),
                                               stbi_image_free};
  ASSERT_NE(px, nullptr);
  ASSERT_EQ(w, 2 * 3 + 2);  // two images per row, each 1 px with 2 px of padding
  auto pixel = [&](int i) { return px.get()[((i / 2) * 3 + 2) * w + (i % 2) * 3 + 2]; };
  EXPECT_EQ(pixel(0), 128);
  EXPECT_EQ(pixel(1), 255);
  EXPECT_EQ(pixel(2), 0);
}

ir::Dataset moons_scaled_by_two() {
  ir::Dataset ds;
  ds.name = "d";
  ds.source = {"moons", {}, {}};
  ds.x = ir::ValueType::tensor({2});
  ds.transforms = {scale(0, 2)};
  return ds;
}

TEST(SamplePoints, NpyHoldsThePointsWithTheScaleUndone) {
  TempDir dir;
  Data s{at::tensor({0.0f, 2.0f, -4.0f, 1.0f, 0.5f, 6.0f}).reshape({3, 2}), std::nullopt};
  write_samples(dir.file("p.npy"), s, moons_scaled_by_two());
  at::Tensor back = read_npy(dir.file("p.npy"));
  ASSERT_EQ(back.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_TRUE(at::allclose(back, s.x / 2));
}

TEST(SamplePoints, ScatterPlotDrawsEachPointAsADarkDot) {
  TempDir dir;
  // Two points at opposite corners of the box: the dots sit near opposite corners.
  Data s{at::tensor({-1.0f, -1.0f, 1.0f, 1.0f}).reshape({2, 2}), std::nullopt};
  write_samples(dir.file("p.png"), s, moons_scaled_by_two());
  int w = 0, h = 0, comp = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px{stbi_load(dir.file("p.png").c_str(), &w, &h, &comp, 1),
                                               stbi_image_free};
  ASSERT_NE(px, nullptr);
  ASSERT_EQ(w, 512);
  ASSERT_EQ(h, 512);
  int dark = 0;
  for (int i = 0; i < w * h; ++i) dark += px.get()[i] < 100;
  EXPECT_EQ(dark, 2 * 9);
  const int at_margin = static_cast<int>(512 * 0.05 / 1.1) + 1;  // 5% of the box, plus rounding
  EXPECT_LT(px.get()[(512 - at_margin) * w + at_margin], 100);   // (-1, -1): bottom left
  EXPECT_LT(px.get()[at_margin * w + 512 - at_margin], 100);     // (1, 1): top right
}

TEST(SamplePoints, RefusesAFileThatCannotHoldTheSamples) {
  TempDir dir;
  Data points{at::zeros({3, 2}), std::nullopt};
  EXPECT_THROW(write_samples(dir.file("p.txt"), points, moons_scaled_by_two()), RuntimeUserError);
  Data images{at::zeros({3, 1, 4, 4}), std::nullopt};
  EXPECT_THROW(write_samples(dir.file("g.npy"), images, fashion_test({})), RuntimeUserError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("p.txt")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("g.npy")));
}

}  // namespace
}  // namespace genc::runtime
