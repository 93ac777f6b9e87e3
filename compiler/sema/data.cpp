// Datasets: source table (with the example type each yields), transform table (with the
// type change each makes), path resolution and compile-time file checks.
//
// Sources and what one example is:
//   fashion_mnist(split)            x [1,28,28] in [0,1], y label of 10
//   idx(images, labels)             x [1,28,28], y label of 10 (when labels are given)
//   image_folder(dir, size, channels)  x [channels,size,size] (1 or 3); with class sub-folders
//                                   y label of K, K the number of sub-folders (sorted names)
//   npy(path)                       x the array's shape without its first axis
//   csv(path)                       x [columns]
//   text(path, context, split, holdout)  x tokens[context] of 256 (byte windows)
//   moons circles eight_gaussians checkerboard swiss_roll (n, noise, split)   x [2]; the
//                                   "test" split is drawn from another random stream
// Transforms: binarize(threshold) and scale(lo, hi) keep the type, flatten makes it
// [N], tokens(levels) makes integer tokens of `levels` values.
#include "compiler/sema/data.h"

#include <filesystem>

#include <fmt/format.h>

#include "compiler/sema/data_range.h"
#include "compiler/sema/evaluator.h"
#include "compiler/sema/file_headers.h"
#include "compiler/sema/options.h"

namespace genc::sema {
namespace {

const OptionTable& source_table() {
  static const OptionTable t =
      make_table("data source", {
                                    {"fashion_mnist", "split: \"train\"|\"test\" = \"train\""},
                                    {"idx", "images: string, labels: string = none"},
                                    {"image_folder", "dir: string, size: int = 32, channels: int = 3"},
                                    {"npy", "path: string"},
                                    {"csv", "path: string"},
                                    {"text", "path: string, context: int = 128, split: \"train\"|\"test\" = \"train\", holdout: float = 0.1"},
                                    {"moons", "n: int = 10000, noise: float = 0.05, split: \"train\"|\"test\" = \"train\""},
                                    {"circles", "n: int = 10000, noise: float = 0.05, split: \"train\"|\"test\" = \"train\""},
                                    {"eight_gaussians", "n: int = 10000, noise: float = 0.02, split: \"train\"|\"test\" = \"train\""},
                                    {"checkerboard", "n: int = 10000, noise: float = 0.0, split: \"train\"|\"test\" = \"train\""},
                                    {"swiss_roll", "n: int = 10000, noise: float = 0.5, split: \"train\"|\"test\" = \"train\""},
                                });
  return t;
}

const OptionTable& transform_table() {
  static const OptionTable t =
      make_table("data transform", {
                                       {"binarize", "threshold: float = 0.5"},
                                       {"scale", "lo: float, hi: float"},
                                       {"flatten", ""},
                                       {"tokens", "levels: int"},
                                   });
  return t;
}

std::string resolve_path(const std::string& path, const SourceFile* file) {
  std::filesystem::path p(path);
  if (p.is_absolute() || !file) return path;
  std::filesystem::path dir = std::filesystem::path(file->path()).parent_path();
  return dir.empty() ? path : (dir / p).lexically_normal().string();
}

ir::ValueType label_of(int64_t k) {
  ir::ValueType t = ir::ValueType::tensor({}, ir::DType::I64);
  t.classes = k;
  return t;
}

// The number of class sub-folders of an image folder (hidden ones, named '.*', do not count).
int64_t class_folders(const std::string& dir) {
  int64_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename().string().rfind('.', 0) != 0) ++n;
  }
  return n;
}

// Resolves the path option `key` in place; reports FileNotFound when it does not exist.
bool resolve_file(ir::Setting& s, const std::string& key, const SourceFile* file, SourceRange at,
                  DiagnosticEngine& diags) {
  auto it = s.args.find(key);
  if (it == s.args.end()) return true;
  std::string path = resolve_path(std::get<std::string>(it->second), file);
  it->second = path;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return true;
  diags.report(DiagKind::FileNotFound, at, {path});
  return false;
}

// The example type of source `s`; nullopt after reporting.
std::optional<ir::Dataset> source_type(ir::Setting& s, const SourceFile* file, SourceRange at,
                                       DiagnosticEngine& diags) {
  ir::Dataset ds;
  const std::string& name = s.name;
  if (name == "fashion_mnist") {
    ds.x = ir::ValueType::tensor({1, 28, 28});
    ds.y = label_of(10);
  } else if (name == "idx") {
    bool ok = resolve_file(s, "images", file, at, diags);
    ok = resolve_file(s, "labels", file, at, diags) && ok;
    if (!ok) return std::nullopt;
    ds.x = ir::ValueType::tensor({1, 28, 28});
    if (s.args.count("labels")) ds.y = label_of(10);
  } else if (name == "image_folder") {
    if (!resolve_file(s, "dir", file, at, diags)) return std::nullopt;
    int64_t size = std::get<int64_t>(s.args.at("size"));
    if (size <= 0) {
      diags.report(DiagKind::InvalidOptionValue, at,
                   {std::to_string(size), "size", "a positive integer"});
      return std::nullopt;
    }
    int64_t channels = std::get<int64_t>(s.args.at("channels"));
    if (channels != 1 && channels != 3) {
      diags.report(DiagKind::InvalidOptionValue, at, {std::to_string(channels), "channels", "1 or 3"});
      return std::nullopt;
    }
    ds.x = ir::ValueType::tensor({channels, size, size});
    if (int64_t classes = class_folders(std::get<std::string>(s.args.at("dir"))); classes > 0)
      ds.y = label_of(classes);
  } else if (name == "text") {
    if (!resolve_file(s, "path", file, at, diags)) return std::nullopt;
    const std::string& path = std::get<std::string>(s.args.at("path"));
    int64_t context = std::get<int64_t>(s.args.at("context"));
    double holdout = ir::attr_float(s.args, "holdout");
    if (context <= 0) {
      diags.report(DiagKind::InvalidOptionValue, at, {std::to_string(context), "context", "a positive integer"});
      return std::nullopt;
    }
    if (!(holdout > 0 && holdout < 1)) {
      diags.report(DiagKind::InvalidOptionValue, at, {ir::attr_str(s.args.at("holdout")), "holdout", "a fraction in (0, 1)"});
      return std::nullopt;
    }
    std::error_code ec;
    auto bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
    int64_t shortest = static_cast<int64_t>(static_cast<double>(bytes) * std::min(holdout, 1 - holdout));
    if (!ec && shortest < context) {
      diags.report(DiagKind::ShapeError, at,
                   {fmt::format("text file '{}' has {} bytes: too short for windows of context {} in both "
                                "splits (holdout {})",
                                path, bytes, context, holdout)});
      return std::nullopt;
    }
    ds.x = ir::ValueType::tensor({context}, ir::DType::I64);
    ds.x.classes = 256;
  } else if (name == "npy" || name == "csv") {
    if (!resolve_file(s, "path", file, at, diags)) return std::nullopt;
    const std::string& path = std::get<std::string>(s.args.at("path"));
    if (name == "npy") {
      auto header = read_npy_header(path);
      if (auto* err = std::get_if<HeaderError>(&header)) {
        diags.report(
            err->missing ? DiagKind::FileNotFound : DiagKind::ShapeError, at,
            {err->missing ? path
                          : fmt::format("cannot read the shape of '{}': {}", path, err->message)});
        return std::nullopt;
      }
      const ArrayHeader& h = std::get<ArrayHeader>(header);
      ds.x = ir::ValueType::tensor({h.shape.begin() + 1, h.shape.end()},
                                   h.is_float ? ir::DType::F32 : ir::DType::I64);
    } else {
      auto columns = read_csv_columns(path);
      if (auto* err = std::get_if<HeaderError>(&columns)) {
        diags.report(err->missing ? DiagKind::FileNotFound : DiagKind::ShapeError, at,
                     {err->missing ? path
                                   : fmt::format("cannot read the columns of '{}': {}", path,
                                                 err->message)});
        return std::nullopt;
      }
      ds.x = ir::ValueType::tensor({std::get<int64_t>(columns)});
    }
  } else {
    int64_t n = std::get<int64_t>(s.args.at("n"));
    if (n <= 0) {
      diags.report(DiagKind::InvalidOptionValue, at,
                   {std::to_string(n), "n", "a positive integer"});
      return std::nullopt;
    }
    ds.x = ir::ValueType::tensor({2});
  }
  return ds;
}

// Applies transform `t` to the example type; false after reporting.
bool apply_transform(const ir::Setting& t, ir::ValueType& x, DiagnosticEngine& diags) {
  auto needs_float = [&] {
    if (x.dtype == ir::DType::F32) return true;
    diags.report(DiagKind::TypeError, t.loc,
                 {fmt::format("transform '{}' needs float data, got {}", t.name, type_text(x))});
    return false;
  };
  if (t.name == "binarize") return needs_float();
  if (t.name == "scale") {
    if (!needs_float()) return false;
    if (std::get<double>(t.args.at("lo")) >= std::get<double>(t.args.at("hi"))) {
      diags.report(DiagKind::InvalidOptionValue, t.loc,
                   {ir::attr_str(t.args.at("lo")), "lo", "a value below hi"});
      return false;
    }
    return true;
  }
  if (t.name == "flatten") {
    x.dims = {x.numel()};
    return true;
  }
  int64_t levels = std::get<int64_t>(t.args.at("levels"));
  if (levels < 2) {
    diags.report(DiagKind::InvalidOptionValue, t.loc,
                 {std::to_string(levels), "levels", "at least 2"});
    return false;
  }
  x.dtype = ir::DType::I64;
  x.classes = levels;
  return true;
}

}  // namespace

std::optional<ir::Dataset> analyze_data(const ast::DataDecl& decl, Globals& globals,
                                        DiagnosticEngine& diags) {
  if (!decl.source) return std::nullopt;
  Evaluator ct(globals, diags, nullptr, decl.name);
  Scope scope(&globals.root);
  std::optional<ir::Setting> source =
      eval_setting(*decl.source, source_table(), DiagKind::UnknownDataSource, ct, scope);
  std::vector<ir::Setting> transforms;
  bool ok = source.has_value();
  for (const ast::ExprPtr& t : decl.transforms) {
    if (!t) continue;
    std::optional<ir::Setting> s =
        eval_setting(*t, transform_table(), DiagKind::UnknownTransform, ct, scope);
    ok = ok && s.has_value();
    if (s) transforms.push_back(std::move(*s));
  }
  if (!ok) return std::nullopt;
  std::optional<ir::Dataset> ds = source_type(*source, decl.range.file, decl.source->range, diags);
  if (!ds) return std::nullopt;
  ds->range = source_range(*source, decl.source->range);
  for (const ir::Setting& t : transforms) {
    if (!apply_transform(t, ds->x, diags)) return std::nullopt;
    ds->range = transform_range(t, ds->range);
  }
  ds->name = decl.name;
  ds->source = std::move(*source);
  ds->transforms = std::move(transforms);
  ds->loc = decl.range;
  return ds;
}

}  // namespace genc::sema
