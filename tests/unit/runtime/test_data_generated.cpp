// Tests of the toy sets, the transforms and load_dataset (dispatch from a compiled
// `data` declaration and the checks against its declared types).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>

#include "compiler/ir/program.h"
#include "runtime/data/data.h"
#include "runtime/data/toy.h"
#include "runtime/data/transforms.h"
#include "runtime/errors.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime {
namespace {

TEST(Toy, ShapesAndDeterminism) {
  using Gen = at::Tensor (*)(int64_t, uint64_t);
  const std::vector<std::pair<const char*, Gen>> sets = {
      {"moons", [](int64_t n, uint64_t s) { return moons(n, 0.1, s); }},
      {"circles", [](int64_t n, uint64_t s) { return circles(n, 0.1, s); }},
      {"eight_gaussians", [](int64_t n, uint64_t s) { return eight_gaussians(n, 0.1, s); }},
      {"checkerboard", [](int64_t n, uint64_t s) { return checkerboard(n, 0.1, s); }},
      {"swiss_roll", [](int64_t n, uint64_t s) { return swiss_roll(n, 0.1, s); }},
  };
  for (const auto& [name, gen] : sets) {
    SCOPED_TRACE(name);
    at::Tensor a = gen(500, 7);
    EXPECT_EQ(a.sizes(), (std::vector<int64_t>{500, 2}));
    EXPECT_EQ(a.scalar_type(), at::kFloat);
    EXPECT_TRUE(at::isfinite(a).all().item<bool>());
    EXPECT_TRUE(at::equal(a, gen(500, 7)));
    EXPECT_FALSE(at::equal(a, gen(500, 8)));
    EXPECT_GT(a.std(0).min().item<float>(), 0.1f);
  }
}

TEST(Toy, GeometryWithoutNoise) {
  at::Tensor r = circles(1000, 0.0, 1).norm(2, 1);
  EXPECT_TRUE(at::allclose(r.slice(0, 0, 1000, 2), at::ones({500}), 1e-5, 1e-5));
  EXPECT_TRUE(at::allclose(r.slice(0, 1, 1000, 2), at::full({500}, 0.5f), 1e-5, 1e-5));

  // Outer moon: the upper unit half circle; inner moon: centred at (1, 0.5), lower half.
  at::Tensor m = moons(1000, 0.0, 1);
  at::Tensor outer = m.slice(0, 0, 1000, 2), inner = m.slice(0, 1, 1000, 2);
  EXPECT_TRUE(at::allclose(outer.norm(2, 1), at::ones({500}), 1e-5, 1e-5));
  EXPECT_GE(outer.select(1, 1).min().item<float>(), -1e-6f);
  EXPECT_LE(inner.select(1, 1).max().item<float>(), 0.5f + 1e-6f);

  at::Tensor t = swiss_roll(1000, 0.0, 1).norm(2, 1).mul(5.0);
  EXPECT_GE(t.min().item<float>(), 1.5f * M_PI - 1e-3);
  EXPECT_LE(t.max().item<float>(), 4.5f * M_PI + 1e-3);

  // Checkerboard: every point in a dark cell (cells of side 2, cell indices summing to even).
  at::Tensor c = checkerboard(2000, 0.0, 3);
  at::Tensor cells = c.div(2.0).floor().sum(1).to(at::kLong);
  EXPECT_TRUE(cells.remainder(2).eq(0).all().item<bool>());
  EXPECT_GE(c.min().item<float>(), -4.0f);
  EXPECT_LT(c.max().item<float>(), 4.0f);

  // Eight Gaussians: exactly the eight centres at radius 4/1.414, each used.
  at::Tensor g = eight_gaussians(4000, 0.0, 5);
  EXPECT_TRUE(at::allclose(g.norm(2, 1), at::full({4000}, 4.0f / 1.414f), 1e-5, 1e-5));
  at::Tensor octant = at::atan2(g.select(1, 1), g.select(1, 0)).div(M_PI / 4).round().remainder(8).to(at::kLong);
  EXPECT_GT(at::bincount(octant, {}, 8).min().item<int64_t>(), 400);
  // Noise is Gaussian of the given std around the clean shape.
  at::Tensor spread = eight_gaussians(4000, 0.3, 5).sub(g);
  EXPECT_NEAR(spread.std().item<float>(), 0.3f, 0.02f);
}

TEST(Toy, RejectsEmpty) { EXPECT_THROW(moons(0, 0.1, 1), RuntimeUserError); }

TEST(Transforms, EachTransform) {
  at::Tensor x = at::tensor(std::vector<float>{0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 0.6f}).reshape({2, 1, 3});
  EXPECT_TRUE(at::equal(transforms::binarize(x), at::tensor(std::vector<float>{0, 0, 0, 1, 1, 1}).reshape({2, 1, 3})));
  EXPECT_TRUE(at::equal(transforms::binarize(x, 0.2), at::tensor(std::vector<float>{0, 1, 1, 1, 1, 1}).reshape({2, 1, 3})));
  EXPECT_TRUE(at::allclose(transforms::scale(x, -1, 1), x.mul(2).sub(1)));
  EXPECT_TRUE(at::allclose(transforms::scale(x, 2, 4).min(), at::scalar_tensor(2.0f)));
  EXPECT_EQ(transforms::flatten(x).sizes(), (std::vector<int64_t>{2, 3}));

  at::Tensor t = transforms::tokens(transforms::binarize(x), 2);
  EXPECT_EQ(t.scalar_type(), at::kLong);
  EXPECT_TRUE(at::equal(t, at::tensor(std::vector<int64_t>{0, 0, 0, 1, 1, 1}).reshape({2, 1, 3})));
  // 256 levels invert the byte -> [0,1] scaling exactly.
  at::Tensor bytes = at::arange(256, at::kLong);
  EXPECT_TRUE(at::equal(transforms::tokens(bytes.to(at::kFloat).div(255.0).reshape({1, 256}), 256).flatten(), bytes));
  EXPECT_THROW(transforms::tokens(x, 1), RuntimeUserError);
}

ir::Dataset dataset(const std::string& source, ir::Attrs args, std::vector<int64_t> dims) {
  ir::Dataset ds;
  ds.name = "d";
  ds.source = {source, std::move(args), {}};
  ds.x = ir::ValueType::tensor(std::move(dims));
  return ds;
}

ir::ValueType label_of(int64_t k) {
  ir::ValueType t = ir::ValueType::tensor({}, ir::DType::I64);
  t.classes = k;
  return t;
}

TEST(LoadDataset, ToySetWithSeed) {
  ir::Dataset ds = dataset("moons", {{"n", int64_t{300}}, {"noise", 0.05}}, {2});
  LoadOptions a, b;
  b.seed = 11;
  Data d = load_dataset(ds, a);
  EXPECT_EQ(d.x.sizes(), (std::vector<int64_t>{300, 2}));
  EXPECT_FALSE(d.y.has_value());
  EXPECT_TRUE(at::equal(d.x, moons(300, 0.05, 0)));
  EXPECT_TRUE(at::equal(load_dataset(ds, b).x, moons(300, 0.05, 11)));
  EXPECT_TRUE(at::equal(load_dataset(dataset("swiss_roll", {{"n", int64_t{10}}, {"noise", 0.3}}, {2})).x,
                        swiss_roll(10, 0.3, 0)));
}

TEST(LoadDataset, FashionWithTransformsAndLabels) {
  ir::Dataset ds = dataset("fashion_mnist", {{"split", std::string("test")}}, {1, 28, 28});
  ds.transforms = {{"scale", {{"lo", -1.0}, {"hi", 1.0}}, {}}};
  ds.y = label_of(10);
  Data d = load_dataset(ds);
  EXPECT_EQ(d.x.min().item<float>(), -1.0f);
  EXPECT_EQ(d.x.max().item<float>(), 1.0f);
  ASSERT_TRUE(d.y.has_value());
  EXPECT_EQ(d.y->size(0), 10000);

  // Undeclared labels are dropped.
  ds.y.reset();
  EXPECT_FALSE(load_dataset(ds).y.has_value());
}

TEST(LoadDataset, TokensGiveIntegerExamples) {
  ir::Dataset ds = dataset("fashion_mnist", {{"split", std::string("test")}}, {784});
  ds.transforms = {{"binarize", {{"threshold", 0.5}}, {}}, {"flatten", {}, {}}, {"tokens", {{"levels", int64_t{2}}}, {}}};
  ds.x = ir::ValueType::tensor({784}, ir::DType::I64);
  ds.x.classes = 2;
  Data d = load_dataset(ds);
  EXPECT_EQ(d.x.scalar_type(), at::kLong);
  EXPECT_EQ(d.x.sizes(), (std::vector<int64_t>{10000, 784}));
  EXPECT_EQ(d.x.max().item<int64_t>(), 1);
}

// Expects load_dataset to throw RuntimeUserError whose message contains each of `parts`.
void expect_load_error(const ir::Dataset& ds, const std::vector<std::string>& parts, const LoadOptions& o = {}) {
  try {
    load_dataset(ds, o);
    ADD_FAILURE() << "no RuntimeUserError thrown";
  } catch (const RuntimeUserError& e) {
    for (const std::string& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << "\n  lacks: " << p;
  }
}

TEST(LoadDataset, TypeMismatchesAreUserErrors) {
  expect_load_error(dataset("moons", {{"n", int64_t{10}}, {"noise", 0.1}}, {3}),
                    {"dataset 'd'", "moons(n: 10, noise: 0.1)", "f32[2]", "f32[3]"});

  ir::Dataset labelled = dataset("moons", {{"n", int64_t{10}}, {"noise", 0.1}}, {2});
  labelled.y = label_of(2);
  expect_load_error(labelled, {"no labels", "i64[] of 2"});

  testing::TempDir dir;
  const std::string csv = dir.write("x.csv", "1,2,3\n");
  expect_load_error(dataset("csv", {{"path", csv}}, {2}), {csv, "f32[3]", "f32[2]"});

  // Labels beyond the declared class count.
  std::string images = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 5, 6};
  std::string labels = {0, 0, 8, 1, 0, 0, 0, 2, 3, 12};
  ir::Dataset idx = dataset("idx", {{"images", dir.write("i.idx", images)}, {"labels", dir.write("l.idx", labels)}}, {1, 1, 1});
  idx.y = label_of(10);
  expect_load_error(idx, {"l.idx", "row 1 (counting from 0): label 12 is out of range for label of 10"});
  idx.y = label_of(13);
  EXPECT_TRUE(at::equal(*load_dataset(idx).y, at::tensor(std::vector<int64_t>{3, 12})));
}

}  // namespace
}  // namespace genc::runtime
