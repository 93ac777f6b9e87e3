// Tests of the sample grids (runtime/io/sample_grid): undoing the data's transforms, the
// last one first, and ordering class-conditional samples by label.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <memory>
#include <string>

#include "compiler/ir/program.h"
#include "runtime/data/data.h"
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

}  // namespace
}  // namespace genc::runtime
