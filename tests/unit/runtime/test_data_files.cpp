// Tests of the file data sources: Fashion-MNIST, IDX, .npy, CSV and image folders,
// round trips on files written here and every error path.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/data/csv.h"
#include "runtime/data/idx.h"
#include "runtime/data/image_folder.h"
#include "runtime/data/npy.h"
#include "runtime/errors.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime {
namespace {

using testing::TempDir;

const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

// Expects `fn` to throw RuntimeUserError whose message contains each of `parts`.
void expect_user_error(const std::function<void()>& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "no RuntimeUserError thrown";
  } catch (const RuntimeUserError& e) {
    for (const std::string& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << "\n  lacks: " << p;
  }
}

std::string idx_bytes(uint8_t type, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data) {
  std::string s = {0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((d >> shift) & 0xFF);
  s.append(data.begin(), data.end());
  return s;
}

std::string write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  return path;
}

// A .npy file as numpy writes it: the header dict padded with spaces to a multiple of 64.
std::string npy_bytes(const std::string& descr, const std::string& shape, const std::string& data, int version = 1,
                      const std::string& order = "False") {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
  const size_t prefix = version == 1 ? 10 : 12;
  while ((prefix + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string s = "\x93NUMPY";
  s += static_cast<char>(version);
  s += '\0';
  const size_t len = dict.size();
  s += static_cast<char>(len & 0xFF);
  s += static_cast<char>((len >> 8) & 0xFF);
  if (version != 1) s += std::string(2, '\0');
  return s + dict + data;
}

template <typename T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

TEST(FashionMnist, TrainShapesRangeAndBalance) {
  Data d = fashion_mnist("train", kFashionDir);
  ASSERT_EQ(d.x.sizes(), (std::vector<int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(d.x.scalar_type(), at::kFloat);
  EXPECT_EQ(d.x.min().item<float>(), 0.0f);
  EXPECT_EQ(d.x.max().item<float>(), 1.0f);
  EXPECT_GT(d.x.mean().item<float>(), 0.2f);  // not all background
  ASSERT_TRUE(d.y.has_value());
  EXPECT_EQ(d.y->scalar_type(), at::kLong);
  EXPECT_TRUE(at::equal(at::bincount(*d.y), at::full({10}, 6000, at::kLong)));
}

TEST(FashionMnist, TestSplit) {
  Data d = fashion_mnist("test", kFashionDir);
  EXPECT_EQ(d.x.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_TRUE(at::equal(at::bincount(*d.y), at::full({10}, 1000, at::kLong)));
}

TEST(FashionMnist, Errors) {
  expect_user_error([] { fashion_mnist("validation", kFashionDir); }, {"split", "validation"});
  TempDir dir;
  expect_user_error([&] { fashion_mnist("train", dir.path()); }, {dir.file("train-images-idx3-ubyte.gz"), "no such file"});
}

TEST(Idx, RoundTripPlainAndGzip) {
  TempDir dir;
  std::vector<uint8_t> pixels(3 * 2 * 2);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 23);
  const std::string images = idx_bytes(0x08, {3, 2, 2}, pixels);
  const std::string labels = idx_bytes(0x08, {3}, {7, 0, 9});
  at::Tensor expected = at::tensor(std::vector<float>(pixels.begin(), pixels.end())).div(255.0).reshape({3, 1, 2, 2});

  for (bool gz : {false, true}) {
    SCOPED_TRACE(gz ? "gzip" : "plain");
    std::string im = gz ? write_gz(dir.file("im.gz"), images) : dir.write("im.idx", images);
    std::string lb = gz ? write_gz(dir.file("lb.gz"), labels) : dir.write("lb.idx", labels);
    Data d = read_idx(im, lb);
    ASSERT_EQ(d.x.sizes(), (std::vector<int64_t>{3, 1, 2, 2}));
    EXPECT_TRUE(at::allclose(d.x, expected));
    EXPECT_TRUE(at::equal(*d.y, at::tensor(std::vector<int64_t>{7, 0, 9})));
  }
  EXPECT_FALSE(read_idx(dir.file("im.idx"), "").y.has_value());
}

TEST(Idx, OtherRanksKeepTheirShape) {
  TempDir dir;
  at::Tensor x = read_idx_images(dir.write("a.idx", idx_bytes(0x08, {2, 3}, {0, 255, 0, 255, 0, 51})));
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_FLOAT_EQ(x[1][2].item<float>(), 0.2f);
}

TEST(Idx, Errors) {
  TempDir dir;
  const std::string missing = dir.file("missing.idx");
  expect_user_error([&] { read_idx_images(missing); }, {missing, "no such file"});

  const std::string bad = dir.write("bad.idx", "PK\x03\x04 not an idx file");
  expect_user_error([&] { read_idx_images(bad); }, {bad, "bad magic"});

  std::string full = idx_bytes(0x08, {2, 4, 4}, std::vector<uint8_t>(32, 1));
  const std::string cut = dir.write("cut.idx", full.substr(0, full.size() - 5));
  expect_user_error([&] { read_idx_images(cut); }, {cut, "truncated", "expected 32 bytes", "found 27"});

  const std::string header_cut = dir.write("hcut.idx", full.substr(0, 9));
  expect_user_error([&] { read_idx_images(header_cut); }, {header_cut, "truncated"});

  // A gzip stream cut in the middle.
  const std::string gz = write_gz(dir.file("whole.gz"), idx_bytes(0x08, {100, 28, 28}, std::vector<uint8_t>(78400, 3)));
  std::string gz_bytes;
  {
    std::ifstream in(gz, std::ios::binary);
    gz_bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string gz_cut = dir.write("cut.gz", gz_bytes.substr(0, gz_bytes.size() / 2));
  expect_user_error([&] { read_idx_images(gz_cut); }, {gz_cut, "truncated"});

  const std::string floats = dir.write("f.idx", idx_bytes(0x0D, {1}, {0, 0, 0, 0}));
  expect_user_error([&] { read_idx_images(floats); }, {floats, "0x0D", "not supported"});

  const std::string extra = dir.write("extra.idx", idx_bytes(0x08, {2}, {1, 2, 3}));
  expect_user_error([&] { read_idx_labels(extra); }, {extra, "1 unexpected bytes"});

  const std::string images = dir.write("im.idx", idx_bytes(0x08, {2, 1, 1}, {1, 2}));
  const std::string three = dir.write("lb3.idx", idx_bytes(0x08, {3}, {1, 2, 3}));
  expect_user_error([&] { read_idx(images, three); }, {three, "3 labels", "2 images"});
  expect_user_error([&] { read_idx_labels(images); }, {images, "rank-1"});
}

TEST(Npy, RoundTripsEachElementType) {
  TempDir dir;
  const std::vector<float> f4 = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -1e-3f};
  at::Tensor x = read_npy(dir.write("f4.npy", npy_bytes("<f4", "(3, 2)", raw(f4))));
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_TRUE(at::equal(x, at::tensor(f4).reshape({3, 2})));

  const std::vector<double> f8 = {0.25, -4.0, 1e6, 2.0};
  x = read_npy(dir.write("f8.npy", npy_bytes("<f8", "(2, 1, 2)", raw(f8), 2)));
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{2, 1, 2}));
  EXPECT_EQ(x.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::equal(x.flatten(), at::tensor(std::vector<float>{0.25f, -4.0f, 1e6f, 2.0f})));

  // Integer arrays stay integers (token ids, class ids).
  const std::vector<int64_t> i8 = {-3, 0, int64_t{1} << 40};
  x = read_npy(dir.write("i8.npy", npy_bytes("<i8", "(3,)", raw(i8), 3)));
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{3}));
  EXPECT_TRUE(at::equal(x, at::tensor(i8)));

  const std::vector<uint8_t> u1 = {0, 255, 51, 102};
  x = read_npy(dir.write("u1.npy", npy_bytes("|u1", "(2, 2)", raw(u1))));
  EXPECT_TRUE(at::equal(x, at::tensor(std::vector<int64_t>{0, 255, 51, 102}).reshape({2, 2})));
}

TEST(Npy, Errors) {
  TempDir dir;
  const std::string missing = dir.file("none.npy");
  expect_user_error([&] { read_npy(missing); }, {missing, "no such file"});
  const std::string bad = dir.write("bad.npy", "NUMPY? no, just text");
  expect_user_error([&] { read_npy(bad); }, {bad, "bad magic"});
  const std::string cut = dir.write("cut.npy", npy_bytes("<f4", "(10, 2)", std::string(40, '\0')));
  expect_user_error([&] { read_npy(cut); }, {cut, "truncated", "expected 80 bytes", "found 40"});
  const std::string be = dir.write("be.npy", npy_bytes(">f4", "(1,)", std::string(4, '\0')));
  expect_user_error([&] { read_npy(be); }, {be, "'>f4'", "not supported"});
  const std::string fortran = dir.write("f.npy", npy_bytes("<f4", "(2, 2)", std::string(16, '\0'), 1, "True"));
  expect_user_error([&] { read_npy(fortran); }, {fortran, "Fortran"});
  const std::string scalar = dir.write("s.npy", npy_bytes("<f4", "()", std::string(4, '\0')));
  expect_user_error([&] { read_npy(scalar); }, {scalar, "0-d"});
}

TEST(Csv, RoundTripWithAndWithoutHeader) {
  TempDir dir;
  at::Tensor x = read_csv(dir.write("h.csv", "a, b ,c\n1,2,3\n\n-4.5, 5e2 ,6\r\n"));
  EXPECT_TRUE(at::equal(x, at::tensor(std::vector<float>{1, 2, 3, -4.5f, 500, 6}).reshape({2, 3})));
  x = read_csv(dir.write("n.csv", "0.5,1\n2,3"));
  EXPECT_TRUE(at::equal(x, at::tensor(std::vector<float>{0.5f, 1, 2, 3}).reshape({2, 2})));
}

TEST(Csv, Errors) {
  TempDir dir;
  const std::string missing = dir.file("none.csv");
  expect_user_error([&] { read_csv(missing); }, {missing, "no such file"});
  const std::string ragged = dir.write("r.csv", "x,y\n1,2\n3\n");
  expect_user_error([&] { read_csv(ragged); }, {ragged, "line 3 has 1 columns, expected 2"});
  const std::string text = dir.write("t.csv", "1,2\n3,abc\n");
  expect_user_error([&] { read_csv(text); }, {text, "line 2", "not a number"});
  const std::string empty = dir.write("e.csv", "x,y\n\n");
  expect_user_error([&] { read_csv(empty); }, {empty, "no data rows"});
}

// A solid-color RGB PNG of w x h.
void write_solid_png(const std::string& path, int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  std::vector<uint8_t> px;
  for (int i = 0; i < w * h; ++i) px.insert(px.end(), {r, g, b});
  ASSERT_NE(stbi_write_png(path.c_str(), w, h, 3, px.data(), w * 3), 0);
}

TEST(ImageFolder, FlatFolderIsResizedInNameOrder) {
  TempDir dir;
  write_solid_png(dir.file("b.png"), 5, 3, 0, 255, 51);
  write_solid_png(dir.file("a.png"), 16, 16, 255, 0, 0);
  dir.write("notes.txt", "ignored");
  Data d = image_folder(dir.path(), 8);
  ASSERT_EQ(d.x.sizes(), (std::vector<int64_t>{2, 3, 8, 8}));
  EXPECT_FALSE(d.y.has_value());
  EXPECT_TRUE(at::allclose(d.x[0][0], at::ones({8, 8})));  // a.png first: red
  EXPECT_TRUE(at::allclose(d.x[0][1], at::zeros({8, 8})));
  EXPECT_TRUE(at::allclose(d.x[1][1], at::ones({8, 8})));  // b.png: green 255, blue 51
  EXPECT_TRUE(at::allclose(d.x[1][2], at::full({8, 8}, 0.2f)));
}

TEST(ImageFolder, ClassFoldersGiveLabels) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("cat"));
  std::filesystem::create_directory(dir.file("ant"));
  write_solid_png(dir.file("cat/1.png"), 4, 4, 0, 0, 0);
  write_solid_png(dir.file("ant/1.png"), 4, 4, 0, 0, 0);
  write_solid_png(dir.file("ant/2.png"), 4, 4, 0, 0, 0);
  Data d = image_folder(dir.path(), 4);
  ASSERT_TRUE(d.y.has_value());
  EXPECT_TRUE(at::equal(*d.y, at::tensor(std::vector<int64_t>{0, 0, 1})));
}

TEST(ImageFolder, Errors) {
  TempDir dir;
  expect_user_error([&] { image_folder(dir.file("nope"), 8); }, {dir.file("nope"), "no such directory"});
  expect_user_error([&] { image_folder(dir.path(), 8); }, {dir.path(), "no images"});
  const std::string broken = dir.write("broken.png", "\x89PNG but not really");
  expect_user_error([&] { image_folder(dir.path(), 8); }, {broken, "cannot decode"});
  std::filesystem::create_directory(dir.file("class"));
  expect_user_error([&] { image_folder(dir.path(), 8); }, {dir.path(), "mixes images and class folders"});
}

}  // namespace
}  // namespace genc::runtime
