// The grid of a `genc sweep`: each `--set model.param=v1,v2,...` is one axis, the runs are
// every combination of the axes' values (the first axis varies slowest) times the seeds,
// each with a readable name ("latent=8,hidden=200,seed=0") that is its folder under OUT.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace genc::runtime::sweep {

/// One `--set` of the sweep: a hyperparameter and the values it takes, as written.
struct Axis {
  std::string key;                  ///< "vae.latent"
  std::vector<std::string> values;  ///< "8", "16", "32"
};

/// One combination of the axes' values: the `--set` overrides of its runs.
struct Combination {
  std::vector<std::pair<std::string, std::string>> overrides;  ///< (key, value) in axis order
  std::string label;  ///< "latent=8,hidden=200" ("default" without axes)
};

/// One run of the sweep.
struct SweepRun {
  size_t combination = 0;  ///< index into Grid::combinations
  uint64_t seed = 0;
  std::string name;  ///< the folder under OUT: the combination's label and ",seed=N"
};

struct Grid {
  std::vector<Axis> axes;
  std::vector<Combination> combinations;
  std::vector<SweepRun> runs;  ///< combination-major, then seed
};

/// Parses `--set KEY=V1,V2,...` (commas inside [...] belong to a list value). Throws
/// RuntimeUserError for a text without "model.param=" and a value, an empty value, a
/// value listed twice or a key given twice.
Axis parse_axis(const std::string& set);

/// The grid of `axes` with `seeds` seeds from `first_seed` on. A column is named by its
/// param alone ("latent") unless two axes share the param, then by the whole key.
Grid make_grid(std::vector<Axis> axes, uint64_t first_seed, int64_t seeds);

}  // namespace genc::runtime::sweep
