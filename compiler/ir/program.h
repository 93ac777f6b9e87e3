// The whole compiled unit in graph IR: datasets, models (one Function per role, plus
// the objective, sampler, schedules and priors) and train configurations.
// This is what sema produces, passes transform, `--emit ir` prints and lowering reads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ir/types.h"
#include "compiler/support/source.h"

namespace genc::ir {

/// A named option set: `elbo {beta = 1.0}`, `adam {lr = 0.001}`, `cosine {steps = 1000}`.
struct Setting {
  std::string name;
  Attrs args;
  SourceRange loc;
  std::map<std::string, SourceRange> arg_locs;  ///< where each argument the source gave is written

  /// Where argument `key` is written, else the whole setting.
  SourceRange loc_of(const std::string& key) const;
  /// Whether the source gave argument `key` (not its default).
  bool given(const std::string& key) const { return arg_locs.count(key) > 0; }
};

struct Param {
  std::string name;
  ValueType type;
};

/// One role of a model, e.g. `encoder q(x: [1,28,28]) -> gaussian`.
/// Its graph has one Input node per param (attr `index`) and exactly one Output node.
struct Function {
  std::string role;  ///< "encoder", "decoder", "generator", "discriminator", "flow", "denoiser", "autoregressive"
  std::string name;  ///< "q"
  std::vector<Param> params;
  ValueType result;
  Graph graph;
  SourceRange loc;
};

struct Model {
  std::string name;
  Attrs hyperparams;  ///< after defaults and --set overrides
  std::vector<Function> roles;
  std::optional<Setting> objective;   ///< elbo / gan / nll / denoise / classify
  std::optional<Setting> sampler;     ///< ancestral / ddim / sample
  std::vector<Setting> schedules;     ///< name = schedule name, args include kind = "cosine" ...
  std::vector<Setting> priors;        ///< name = prior name, args include kind = "normal"
  SourceRange loc;

  const Function* role(const std::string& role_kind) const;  ///< first role of that kind
};

/// The values the elements of one example can take, tracked by sema from the source through
/// the transforms (compiler/sema/data_range.cpp). Not part of the IR text.
struct DataRange {
  enum class Kind {
    Unknown,    ///< read from a file whose values are not known at compile time
    Unbounded,  ///< real values with no bound (the 2-D toy sets)
    Interval,   ///< [lo, hi]
    TwoValues,  ///< exactly lo or hi (binarize)
    Integers,   ///< the integers lo..hi (tokens, bytes)
  };
  Kind kind = Kind::Unknown;
  double lo = 0, hi = 0;
  SourceRange origin;  ///< the source or transform that set it

  /// "values in [0, 1]", "only the values 0 and 1", "the integers 0..255", "unbounded values".
  std::string str() const;
  /// Every value lies in [lo, hi] (false for Unknown and Unbounded).
  bool within(double lo, double hi) const;
};

/// A dataset: source and transforms, and the type of one example after them.
struct Dataset {
  std::string name;
  Setting source;                    ///< fashion_mnist {split = "train"}, moons {n = 20000, noise = 0.05}
  std::vector<Setting> transforms;   ///< in pipe order
  ValueType x;                       ///< one example
  std::optional<ValueType> y;        ///< its label, if the source has one
  DataRange range;                   ///< the values of x
  SourceRange loc;
};

/// `train MODEL on DATA { ... }`. Each setting is keyed by its keyword:
///   batch {value}, epochs {value}, steps {value}, seed {value}, clip_grad {value}, ema {value},
///   optimizer {kind, lr, ...}, lr_schedule {kind, ...}, device {value}, precision {value},
///   checkpoint {every, unit, dir}, log {every, unit}, eval {data, every, unit},
///   sample {n, every, unit, dir}        (unit = "steps" | "epochs")
struct Train {
  std::string model;
  std::string data;
  std::vector<Setting> settings;
  SourceRange loc;

  const Setting* setting(const std::string& keyword) const;
};

struct Program {
  std::vector<Dataset> datasets;
  std::vector<Model> models;
  std::vector<Train> trains;

  const Model* model(const std::string& name) const;
  const Dataset* dataset(const std::string& name) const;
};

}  // namespace genc::ir
