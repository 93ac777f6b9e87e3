// Tests of the file outputs: PNG grids, atomic writes, metrics.jsonl and the progress line.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stb/stb_image.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "runtime/errors.h"
#include "runtime/io/atomic_file.h"
#include "runtime/io/metrics.h"
#include "runtime/io/png.h"
#include "runtime/io/progress.h"
#include "tests/unit/runtime/temp_dir.h"

namespace genc::runtime {
namespace {

namespace fs = std::filesystem;
using testing::read_all;
using testing::TempDir;

size_t entries(const std::string& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

struct Image {
  int w = 0, h = 0, comp = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px{nullptr, stbi_image_free};
  int at(int row, int col, int ch = 0) const { return px.get()[(row * w + col) * comp + ch]; }
};

Image read_png(const std::string& path) {
  Image im;
  im.px.reset(stbi_load(path.c_str(), &im.w, &im.h, &im.comp, 0));
  return im;
}

TEST(PngGrid, GrayscaleLayoutAndValues) {
  TempDir dir;
  // 5 images of 3x4: 3 per row, 2 rows; image i has value (i+1)/8 except pixel (0,0) = 1.
  at::Tensor x = at::arange(1, 6, at::kFloat).div(8.0).reshape({5, 1, 1, 1}).expand({5, 1, 3, 4}).clone();
  x.select(2, 0).select(2, 0).fill_(1.0);
  x[4][0][2][3] = 7.0;  // clamped to 1
  write_png_grid(dir.file("g.png"), x);
  Image im = read_png(dir.file("g.png"));
  ASSERT_NE(im.px, nullptr);
  EXPECT_EQ(im.w, 3 * (4 + 2) + 2);
  EXPECT_EQ(im.h, 2 * (3 + 2) + 2);
  EXPECT_EQ(im.comp, 1);
  for (int i = 0; i < 5; ++i) {
    const int top = (i / 3) * 5 + 2, left = (i % 3) * 6 + 2;
    EXPECT_EQ(im.at(top, left), 255);
    EXPECT_EQ(im.at(top + 1, left + 2), static_cast<int>((i + 1) / 8.0 * 255 + 0.5)) << "image " << i;
    EXPECT_EQ(im.at(top - 1, left), 0);  // padding
  }
  EXPECT_EQ(im.at(7 + 2, 8 + 3), 255);      // image 4 (top 7, left 8): its clamped pixel
  EXPECT_EQ(im.at(im.h - 3, im.w - 3), 0);  // the empty sixth cell
  EXPECT_EQ(entries(dir.path()), 1u);       // no temporary left
}

TEST(PngGrid, RgbChannels) {
  TempDir dir;
  at::Tensor x = at::zeros({1, 3, 2, 2});
  x[0][0].fill_(1.0);
  x[0][2].fill_(0.2);
  write_png_grid(dir.file("rgb.png"), x);
  Image im = read_png(dir.file("rgb.png"));
  ASSERT_NE(im.px, nullptr);
  EXPECT_EQ(im.w, 6);
  EXPECT_EQ(im.comp, 3);
  EXPECT_EQ(im.at(2, 2, 0), 255);
  EXPECT_EQ(im.at(2, 2, 1), 0);
  EXPECT_EQ(im.at(3, 3, 2), 51);
}

TEST(PngGrid, UnwritableDirectoryIsAUserError) {
  TempDir dir;
  const std::string path = dir.file("missing/grid.png");
  try {
    write_png_grid(path, at::zeros({1, 1, 2, 2}));
    ADD_FAILURE() << "no error";
  } catch (const RuntimeUserError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, WritesAndReplaces) {
  TempDir dir;
  const std::string path = dir.file("f.bin");
  write_file_atomic(path, std::string("first\0version", 13));
  EXPECT_EQ(read_all(path), std::string("first\0version", 13));
  write_file_atomic(path, [](std::ostream& os) { os << "second"; });
  EXPECT_EQ(read_all(path), "second");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, ThrowingWriterLeavesNothing) {
  TempDir dir;
  const std::string path = dir.file("ckpt.pt");
  auto failing = [](std::ostream& os) {
    os << std::string(100000, 'x');
    throw std::runtime_error("writer failed");
  };
  EXPECT_THROW(write_file_atomic(path, failing), std::runtime_error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(entries(dir.path()), 0u);

  write_file_atomic(path, "old");
  EXPECT_THROW(write_file_atomic(path, failing), std::runtime_error);
  EXPECT_EQ(read_all(path), "old");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, MissingDirectoryIsAUserError) {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/f");
  try {
    write_file_atomic(path, "x");
    ADD_FAILURE() << "no error";
  } catch (const RuntimeUserError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
}

TEST(Metrics, OneOrderedObjectPerLineAppended) {
  TempDir dir;
  {
    MetricsLog log(dir.path());
    log.append({100, 1, "train", 98.5, {{"elbo", -98.5}, {"lr", 1e-3}}});
    // the line is on disk before the log is closed
    EXPECT_EQ(read_all(log.path()).back(), '\n');
  }
  MetricsLog again(dir.path());
  again.append({200, 2, "test", std::numeric_limits<double>::quiet_NaN(), {{"bpd", 3.25}}});

  std::istringstream lines(read_all(dir.file("metrics.jsonl")));
  std::string first, second, rest;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, rest));
  EXPECT_EQ(first.rfind(R"({"step":100,"epoch":1,"split":"train","loss":98.5,"elbo":-98.5,"lr":0.001})", 0), 0u) << first;
  nlohmann::json j = nlohmann::json::parse(second);
  EXPECT_EQ(j["step"], 200);
  EXPECT_EQ(j["split"], "test");
  EXPECT_TRUE(j["loss"].is_null());
  EXPECT_EQ(j["bpd"], 3.25);
}

TEST(Metrics, UnwritableDirectoryIsAUserError) {
  TempDir dir;
  EXPECT_THROW(MetricsLog(dir.file("missing")), RuntimeUserError);
}

// A clock the test moves by hand.
struct FakeClock {
  std::shared_ptr<double> t = std::make_shared<double>(0.0);
  Progress::Options options(double live = 0.1, double plain = 10.0) const {
    auto now = t;
    return {live, plain, [now] { return *now; }};
  }
};

TEST(Progress, PlainLinesArePeriodic) {
  FakeClock clock;
  std::ostringstream out;
  Progress p(1000, out, /*live=*/false, clock.options());
  *clock.t = 5.0;
  p.update(50, 0, 2.5);
  EXPECT_EQ(out.str(), "");  // within the 10 s period
  *clock.t = 10.0;
  p.update(100, 1, 1.25);
  EXPECT_EQ(out.str(), "step 100/1000 (10.0%)  epoch 1  loss 1.25  10.0 steps/s  ETA 0:01:30\n");
  p.finish();
  EXPECT_NE(out.str().find("done: 100 steps in 0:00:10"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
}

TEST(Progress, LiveLineIsThrottledAndRewritten) {
  FakeClock clock;
  std::ostringstream out;
  Progress p(0, out, /*live=*/true, clock.options());
  *clock.t = 0.5;
  p.update(10, 0, 3.0);
  *clock.t = 0.55;
  p.update(11, 0, 3.0);  // within 0.1 s: not printed
  EXPECT_EQ(out.str(), "\rstep 10  epoch 0  loss 3  20.0 steps/s\x1b[K");
  p.message("eval: elbo -99");
  EXPECT_NE(out.str().find("\r\x1b[Keval: elbo -99\nstep 11  epoch 0"), std::string::npos) << out.str();
  p.finish();
  EXPECT_NE(out.str().find("\ndone: 11 steps"), std::string::npos);
}

TEST(Progress, ShowsNoLossBeforeOneIsKnown) {
  FakeClock clock;
  std::ostringstream out;
  Progress p(10, out, /*live=*/false, clock.options());
  *clock.t = 10.0;
  p.update(1, 0, std::nan(""));
  EXPECT_EQ(out.str(), "step 1/10 (10.0%)  epoch 0  0.1 steps/s  ETA 0:01:30\n");
}

}  // namespace
}  // namespace genc::runtime
