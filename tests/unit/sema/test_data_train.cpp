// Data declarations (sources, transforms, files read at compile time) and train
// declarations (settings as program.h documents them, dataset checks).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sema_test_util.h"

namespace genc::test {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("genc_sema_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name, const std::string& bytes) const {
    std::ofstream(path_ / name, std::ios::binary) << bytes;
    return (path_ / name).string();
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// A .npy v1 file with `descr` and `shape` (no data: sema reads only the header).
std::string npy_bytes(const std::string& descr, const std::string& shape) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header;
}

const ir::Dataset& dataset(const Analyzed& a, const std::string& name) {
  const ir::Dataset* d = a.program->dataset(name);
  if (!d) throw std::runtime_error("no dataset " + name);
  return *d;
}

TEST(Data, ToySourcesAndDefaults) {
  auto a = analyze(
      "data m = moons(n: 500)\ndata c = circles()\ndata g = eight_gaussians(100)\n"
      "data k = checkerboard\ndata s = swiss_roll(n: 10, noise: 1)\n");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(dataset(*a, "m").x, ir::ValueType::tensor({2}));
  EXPECT_FALSE(dataset(*a, "m").y);
  EXPECT_EQ(ir::attr_int(dataset(*a, "m").source.args, "n"), 500);
  EXPECT_DOUBLE_EQ(ir::attr_float(dataset(*a, "m").source.args, "noise"), 0.05);
  EXPECT_EQ(ir::attr_int(dataset(*a, "g").source.args, "n"), 100);
  EXPECT_EQ(dataset(*a, "k").source.name, "checkerboard");
  EXPECT_DOUBLE_EQ(ir::attr_float(dataset(*a, "s").source.args, "noise"), 1.0);
}

TEST(Data, Transforms) {
  auto a = analyze(
      "data f = fashion_mnist(\"test\") |> scale(-1, 1) |> flatten\n"
      "data t = fashion_mnist() |> binarize(threshold: 0.3) |> flatten |> tokens(levels: 2)\n");
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(dataset(*a, "f").x, ir::ValueType::tensor({784}));
  EXPECT_EQ(ir::attr_string(dataset(*a, "f").source.args, "split"), "test");
  const ir::Setting& scale = dataset(*a, "f").transforms.at(0);
  EXPECT_DOUBLE_EQ(ir::attr_float(scale.args, "lo"), -1.0);
  EXPECT_DOUBLE_EQ(ir::attr_float(dataset(*a, "t").transforms.at(0).args, "threshold"), 0.3);
  EXPECT_EQ(dataset(*a, "t").x.str(), "i64[784] of 2");

  EXPECT_EQ(analyze("data d = moons() |> scale(1, -1)\n")->first(), "1:21 InvalidOptionValue");
  EXPECT_EQ(analyze("data d = moons() |> tokens(levels: 1)\n")->first(), "1:21 InvalidOptionValue");
  EXPECT_EQ(analyze("data d = moons() |> tokens(levels: 4) |> binarize\n")->first(),
            "1:42 TypeError");
  EXPECT_EQ(analyze("data d = fashion_mnist(split: \"valid\")\n")->first(),
            "1:31 InvalidOptionValue");
  EXPECT_EQ(analyze("data d = moons(n: 0)\n")->first(), "1:10 InvalidOptionValue");
}

TEST(Data, NpyHeaderGivesTheShape) {
  TempDir dir;
  dir.file("x.npy", npy_bytes("<f4", "(100, 3, 4)"));
  dir.file("tok.npy", npy_bytes("<i8", "(10, 16)"));
  dir.file("bad.npy", "not numpy");
  std::string main = (dir.path() / "main.gen").string();
  auto a = analyze("data x = npy(\"x.npy\")\ndata t = npy(\"tok.npy\") |> tokens(levels: 5)\n", {},
                   main);
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(dataset(*a, "x").x, ir::ValueType::tensor({3, 4}));
  EXPECT_EQ(ir::attr_string(dataset(*a, "x").source.args, "path"), (dir.path() / "x.npy").string());
  EXPECT_EQ(dataset(*a, "t").x.str(), "i64[16] of 5");
  auto bad = analyze("data x = npy(\"bad.npy\")\n", {}, main);
  EXPECT_EQ(bad->first(), "1:10 ShapeError");
  EXPECT_NE(bad->rendered().find("not a .npy file"), std::string::npos);
  auto missing = analyze("data x = npy(\"gone.npy\")\n", {}, main);
  EXPECT_EQ(missing->first(), "1:10 FileNotFound");
  EXPECT_NE(missing->rendered().find((dir.path() / "gone.npy").string()), std::string::npos);
}

TEST(Data, CsvColumnsAndFolders) {
  TempDir dir;
  dir.file("points.csv", "a,b,c\n1,2,3\n4,5,6\n");
  dir.file("plain.csv", "0.5, 1\n2, 3\n");
  fs::create_directories(dir.path() / "images");
  std::string main = (dir.path() / "main.gen").string();
  auto a = analyze(
      "data p = csv(\"points.csv\")\ndata q = csv(\"plain.csv\")\n"
      "data i = image_folder(\"images\", size: 16)\n",
      {}, main);
  ASSERT_TRUE(a->program) << a->rendered();
  EXPECT_EQ(dataset(*a, "p").x, ir::ValueType::tensor({3}));
  EXPECT_EQ(dataset(*a, "q").x, ir::ValueType::tensor({2}));
  EXPECT_EQ(dataset(*a, "i").x, ir::ValueType::tensor({3, 16, 16}));
  EXPECT_EQ(analyze("data i = image_folder(\"nowhere\")\n", {}, main)->first(),
            "1:10 FileNotFound");
  EXPECT_EQ(analyze("data i = idx(images: \"a\", labels: \"b\")\n", {}, main)->errors(),
            (std::vector<std::string>{"1:10 FileNotFound", "1:10 FileNotFound"}));
}

const char* kVae = R"gen(data fashion = fashion_mnist()
data flat = fashion_mnist() |> flatten
model vae() {
  encoder q(x: [1,28,28]) -> gaussian {
    h = x |> flatten |> linear(8)
    return gaussian(mean: h, logvar: h)
  }
  decoder p(z: [8]) -> bernoulli {
    return bernoulli(logits: reshape(linear(z, 784), [1,28,28]))
  }
  objective elbo
}
)gen";

TEST(Train, SettingsAsDocumented) {
  auto a = analyze(std::string(kVae) + R"gen(train vae on fashion {
  steps 1000
  seed 7
  device cuda
  precision bf16
  clip_grad 1
  optimizer sgd(lr: 0.1, momentum: 0.9)
  lr_schedule cosine(warmup: 100)
  checkpoint every 2 epochs to "ck"
  log every 50
  eval on fashion every 500 steps
  sample 16 to "out"
}
)gen");
  ASSERT_TRUE(a->program) << a->rendered();
  const ir::Train& t = a->program->trains.at(0);
  EXPECT_EQ(t.model, "vae");
  EXPECT_EQ(t.data, "fashion");
  EXPECT_EQ(ir::attr_int(t.setting("steps")->args, "value"), 1000);
  EXPECT_EQ(ir::attr_int(t.setting("seed")->args, "value"), 7);
  EXPECT_EQ(ir::attr_string(t.setting("device")->args, "value"), "cuda");
  EXPECT_EQ(ir::attr_string(t.setting("precision")->args, "value"), "bf16");
  EXPECT_EQ(t.setting("clip_grad")->args.at("value"), ir::Attr(1.0));
  const ir::Attrs& opt = t.setting("optimizer")->args;
  EXPECT_EQ(ir::attr_string(opt, "kind"), "sgd");
  EXPECT_DOUBLE_EQ(ir::attr_float(opt, "momentum"), 0.9);
  EXPECT_FALSE(ir::attr_bool(opt, "nesterov"));
  EXPECT_EQ(ir::attr_string(t.setting("lr_schedule")->args, "kind"), "cosine");
  EXPECT_EQ(ir::attr_int(t.setting("lr_schedule")->args, "warmup"), 100);
  const ir::Attrs& ck = t.setting("checkpoint")->args;
  EXPECT_EQ(ir::attr_int(ck, "every"), 2);
  EXPECT_EQ(ir::attr_string(ck, "unit"), "epochs");
  EXPECT_EQ(ir::attr_string(ck, "dir"), "ck");
  EXPECT_EQ(ir::attr_int(t.setting("log")->args, "every"), 50);
  EXPECT_EQ(ir::attr_string(t.setting("log")->args, "unit"), "steps");
  EXPECT_EQ(ir::attr_string(t.setting("eval")->args, "unit"), "steps");
  EXPECT_EQ(ir::attr_int(t.setting("eval")->args, "every"), 500);
  const ir::Attrs& sample = t.setting("sample")->args;
  EXPECT_EQ(ir::attr_int(sample, "n"), 16);
  EXPECT_EQ(ir::attr_string(sample, "unit"), "epochs");
  EXPECT_EQ(ir::attr_string(sample, "dir"), "out");
}

TEST(Train, Errors) {
  auto bad_device = analyze(std::string(kVae) + "train vae on fashion { device tpu }\n");
  EXPECT_EQ(bad_device->first(), "13:31 UnknownSetting");
  EXPECT_NE(bad_device->rendered().find("unknown device 'tpu'"), std::string::npos);
  auto bad_opt = analyze(std::string(kVae) + "train vae on fashion { optimizer adamm(lr: 1) }\n");
  EXPECT_EQ(bad_opt->first(), "13:34 UnknownSetting");
  EXPECT_NE(bad_opt->rendered().find("did you mean 'adam'?"), std::string::npos);
  auto bad_lr =
      analyze(std::string(kVae) + "train vae on fashion { optimizer adam(lr: \"fast\") }\n");
  EXPECT_EQ(bad_lr->first(), "13:43 ArgumentType");
  auto bad_ema = analyze(std::string(kVae) + "train vae on fashion { ema 1.5 }\n");
  EXPECT_EQ(bad_ema->first(), "13:28 InvalidOptionValue");
  auto mismatch = analyze(std::string(kVae) + "train vae on flat { batch 2 }\n");
  EXPECT_EQ(mismatch->first(), "13:14 DataShapeMismatch");
  EXPECT_NE(mismatch->rendered().find("dataset 'flat' yields [784], but role 'q' takes [1,28,28]"),
            std::string::npos);
  auto unknown_eval = analyze(std::string(kVae) + "train vae on fashion { eval on fashon }\n");
  EXPECT_EQ(unknown_eval->first(), "13:32 UnknownData");
  EXPECT_NE(unknown_eval->rendered().find("did you mean 'fashion'?"), std::string::npos);
}

}  // namespace
}  // namespace genc::test
