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
  if (s.name == "image_folder")
    return image_folder(path("dir"), ir::attr_int(a, "size"), ir::attr_int_or(a, "channels", 3));
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

// The first row (and, for per-example arrays, element) of `values` where `mask` is true, as
// "row R" / "row R, element [i, j]" counting from 0, with its flat index in `i`; empty if
// there is none.
std::string first_where(const at::Tensor& values, const at::Tensor& mask, int64_t& i) {
  at::Tensor where = mask.reshape({-1}).nonzero();
  if (where.numel() == 0) return "";
  i = where[0][0].item<int64_t>();
  const int64_t per_row = values.dim() > 1 ? values.numel() / values.size(0) : 1;
  std::string at = fmt::format("row {}", i / per_row);
  if (values.dim() > 1) {
    std::vector<int64_t> index;
    for (int64_t k = values.dim() - 1, rest = i % per_row; k >= 1; --k) {
      index.insert(index.begin(), rest % values.size(k));
      rest /= values.size(k);
    }
    at += fmt::format(", element [{}]", fmt::join(index, ", "));
  }
  return at + " (counting from 0)";
}

// The first place of `values` outside [0, classes), with that value in `bad`.
std::string first_out_of_range(const at::Tensor& values, int64_t classes, int64_t& bad) {
  int64_t i = 0;
  std::string at = first_where(values, values.lt(0).logical_or(values.ge(classes)), i);
  if (!at.empty()) bad = values.reshape({-1})[i].item<int64_t>();
  return at;
}

// `tokens(levels)` quantizes real values in [0, 1]; a real value outside is an error (token
// ids are integers, which it keeps, and check() then holds them to the vocabulary).
void check_quantizable(const ir::Dataset& ds, const ir::Setting& t, const at::Tensor& x) {
  if (t.name != "tokens" || !x.is_floating_point()) return;
  int64_t i = 0;
  std::string at = first_where(x, x.lt(0).logical_or(x.gt(1)).logical_or(x.isnan()), i);
  if (at.empty()) return;
  throw RuntimeUserError(fmt::format(
      "dataset '{}' ({}): {}: value {} is outside [0, 1], the range that tokens(levels: {}) quantizes "
      "(token ids must come as integers, e.g. an integer .npy array)",
      ds.name, describe(ds.source), at, x.reshape({-1})[i].item<double>(), ir::attr_int(t.args, "levels")));
}

// The file the labels of `s` come from, for messages ("" when they do not come from one file).
std::string labels_file(const ir::Setting& s) {
  return s.name == "idx" && s.args.count("labels") ? ir::attr_string(s.args, "labels") : "";
}

void check(const ir::Dataset& ds, Data& d) {
  const std::string what = fmt::format("dataset '{}' ({})", ds.name, describe(ds.source));
  ir::ValueType got = example_type(d.x);
  got.classes = ds.x.classes;
  if (got != ds.x)
    throw RuntimeUserError(fmt::format("{}: examples are {}, but its declared type is {}", what, got.str(), ds.x.str()));
  if (ds.x.dtype == ir::DType::I64 && ds.x.classes > 0 && d.size() > 0) {
    int64_t bad = 0;
    std::string at = first_out_of_range(d.x, ds.x.classes, bad);
    if (!at.empty())
      throw RuntimeUserError(fmt::format("{}: {}: token {} is out of range for {}", what, at, bad, ds.x.str()));
  }
  if (!ds.y) {
    d.y.reset();
    return;
  }
  if (!d.y) throw RuntimeUserError(fmt::format("{}: has no labels, but its declared label type is {}", what, ds.y->str()));
  if (d.y->size(0) != d.size())
    throw RuntimeUserError(fmt::format("{}: {} labels for {} examples", what, d.y->size(0), d.size()));
  if (ds.y->classes > 0 && d.size() > 0) {
    int64_t bad = 0;
    std::string at = first_out_of_range(*d.y, ds.y->classes, bad);
    std::string problem = fmt::format("{}: label {} is out of range for label of {}", at, bad, ds.y->classes);
    if (!at.empty() && !labels_file(ds.source).empty()) throw file_error(labels_file(ds.source), problem);
    if (!at.empty()) throw RuntimeUserError(fmt::format("{}: {}", what, problem));
  }
}

}  // namespace

std::string default_fashion_mnist_dir() {
  const char* dir = std::getenv("GENC_FASHION_MNIST_DIR");
  return dir && *dir ? dir : "/usr/share/datasets/fashion-mnist";
}

Data load_dataset(const ir::Dataset& ds, const LoadOptions& options) {
  Data d = load_source(ds.source, options);
  for (const ir::Setting& t : ds.transforms) {
    check_quantizable(ds, t, d.x);
    d.x = apply_transform(t, d.x);
  }
  check(ds, d);
  return d;
}

}  // namespace genc::runtime
