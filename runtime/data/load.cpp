// load_dataset: dispatches a compiled `data` declaration to its source, applies its
// transforms and checks the tensors against the declared example types.
#include "runtime/data/data.h"

#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/ir/program.h"
#include "compiler/support/diagnostics.h"
#include "runtime/data/csv.h"
#include "runtime/data/idx.h"
#include "runtime/data/image_folder.h"
#include "runtime/data/npy.h"
#include "runtime/data/text.h"
#include "runtime/data/rng.h"
#include "runtime/data/toy.h"
#include "runtime/data/transforms.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

Data load_source(const ir::Setting& s, const LoadOptions& options) {
  const ir::Attrs& a = s.args;
  auto path = [&](const char* key) { return ir::attr_string(a, key); };
  if (s.name == "fashion_mnist") return fashion_mnist(ir::attr_string(a, "split"), options.fashion_mnist_dir);
  if (s.name == "idx") return read_idx(path("images"), a.count("labels") ? path("labels") : "");
  if (s.name == "npy") return {read_npy(path("path")), std::nullopt};
  if (s.name == "csv") return {read_csv(path("path")), std::nullopt};
  if (s.name == "text")
    return {read_text_windows(path("path"), ir::attr_int(a, "context"), ir::attr_string(a, "split"),
                              ir::attr_float(a, "holdout")),
            std::nullopt};
  if (s.name == "image_folder") return image_folder(path("dir"), ir::attr_int(a, "size"));
  using Toy = at::Tensor (*)(int64_t, double, uint64_t);
  static const std::pair<const char*, Toy> kToys[] = {{"moons", moons},
                                                      {"circles", circles},
                                                      {"eight_gaussians", eight_gaussians},
                                                      {"checkerboard", checkerboard},
                                                      {"swiss_roll", swiss_roll}};
  // The test split: the same set drawn from another stream of the seed.
  constexpr uint64_t kTestStream = 0x7e57;
  const uint64_t seed = ir::attr_string_or(a, "split", "train") == "test" ? mix_seed(options.seed, kTestStream) : options.seed;
  for (const auto& [name, make] : kToys)
    if (s.name == name) return {make(ir::attr_int(a, "n"), ir::attr_float(a, "noise"), seed), std::nullopt};
  internal_error("load_dataset: unknown data source '" + s.name + "'");
}

at::Tensor apply_transform(const ir::Setting& t, const at::Tensor& x) {
  if (t.name == "binarize") return transforms::binarize(x, ir::attr_float(t.args, "threshold"));
  if (t.name == "scale") return transforms::scale(x, ir::attr_float(t.args, "lo"), ir::attr_float(t.args, "hi"));
  if (t.name == "flatten") return transforms::flatten(x);
  if (t.name == "tokens") return transforms::tokens(x, ir::attr_int(t.args, "levels"));
  internal_error("load_dataset: unknown data transform '" + t.name + "'");
}

// "npy(path: "x.npy")": the source as the user wrote it, for messages.
std::string describe(const ir::Setting& s) {
  std::vector<std::string> args;
  for (const auto& [key, value] : s.args) args.push_back(key + ": " + ir::attr_str(value));
  return fmt::format("{}({})", s.name, fmt::join(args, ", "));
}

// The type of one example of `t` ([N, ...]) in the IR's text form.
ir::ValueType example_type(const at::Tensor& t) {
  return ir::ValueType::tensor(std::vector<int64_t>(t.sizes().begin() + 1, t.sizes().end()),
                               t.scalar_type() == at::kLong ? ir::DType::I64 : ir::DType::F32);
}

void check(const ir::Dataset& ds, Data& d) {
  const std::string what = fmt::format("dataset '{}' ({})", ds.name, describe(ds.source));
  ir::ValueType got = example_type(d.x);
  got.classes = ds.x.classes;
  if (got != ds.x)
    throw RuntimeUserError(fmt::format("{}: examples are {}, but its declared type is {}", what, got.str(), ds.x.str()));
  if (ds.x.dtype == ir::DType::I64 && ds.x.classes > 0 && d.size() > 0) {
    at::Tensor flat = d.x.reshape({d.size(), -1});
    at::Tensor bad = flat.lt(0).logical_or(flat.ge(ds.x.classes)).nonzero();
    if (bad.size(0) > 0) {
      const int64_t row = bad[0][0].item<int64_t>(), column = bad[0][1].item<int64_t>();
      throw RuntimeUserError(fmt::format("{}: token {} at row {}, column {} (counted from 0) is out of range for {} "
                                         "(tokens 0..{})",
                                         what, flat[row][column].item<int64_t>(), row, column, ds.x.str(),
                                         ds.x.classes - 1));
    }
  }
  if (!ds.y) {
    d.y.reset();
    return;
  }
  if (!d.y) throw RuntimeUserError(fmt::format("{}: has no labels, but its declared label type is {}", what, ds.y->str()));
  if (d.y->size(0) != d.size())
    throw RuntimeUserError(fmt::format("{}: {} labels for {} examples", what, d.y->size(0), d.size()));
  if (ds.y->classes > 0 && d.size() > 0) {
    const int64_t lo = d.y->min().item<int64_t>(), hi = d.y->max().item<int64_t>();
    if (lo < 0 || hi >= ds.y->classes)
      throw RuntimeUserError(fmt::format("{}: label {} is out of range for {}", what, lo < 0 ? lo : hi, ds.y->str()));
  }
}

}  // namespace

std::string default_fashion_mnist_dir() {
  const char* dir = std::getenv("GENC_FASHION_MNIST_DIR");
  return dir && *dir ? dir : "/usr/share/datasets/fashion-mnist";
}

Data load_dataset(const ir::Dataset& ds, const LoadOptions& options) {
  Data d = load_source(ds.source, options);
  for (const ir::Setting& t : ds.transforms) d.x = apply_transform(t, d.x);
  check(ds, d);
  return d;
}

}  // namespace genc::runtime
