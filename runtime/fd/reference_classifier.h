// The reference classifier of the Fréchet distance: a `classify` model (the embedded
// examples/fd_classifier.gen) that genc trains itself on Fashion-MNIST the first time it is
// needed and keeps in a cache keyed by its source and seed.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "compiler/ir/program.h"
#include "compiler/lower/training_program.h"
#include "runtime/executor.h"
#include "runtime/fd/feature_net.h"
#include "runtime/train_config.h"

namespace genc::runtime::fd {

/// The text of examples/fd_classifier.gen, embedded at build time.
std::string_view classifier_source();

/// The compiled classifier (compiling is the caller's job: the runtime has no frontend).
struct ClassifierProgram {
  const ir::Program* program = nullptr;
  size_t train_index = 0;
  const lower::TrainingProgram* plan = nullptr;  ///< objective classify
  TrainConfig config;
  std::string source_path;  ///< stored in the cached checkpoint
  std::string source_text;
};

/// $XDG_CACHE_HOME/genc, else $HOME/.cache/genc (a relative or empty XDG_CACHE_HOME is ignored).
std::string cache_dir();

/// The cache file of a classifier: CACHE/fd_classifier-HASH.pt, HASH the 64-bit FNV-1a of
/// its source text and seed in hex.
std::string cache_path(const std::string& source_text, uint64_t seed);

/// The classifier's trained parameters and its feature extractor.
class ReferenceClassifier {
 public:
  /// Loads the cached classifier; when there is none (or it cannot be read) trains it
  /// first with the Trainer, printing progress on `log`, and moves its final checkpoint
  /// into the cache atomically. Training is deterministic for the source's seed.
  /// Throws RuntimeUserError when the cache cannot be written or the data read.
  ReferenceClassifier(const ClassifierProgram& c, std::ostream& log);

  FeatureNet& net() { return *net_; }
  const std::string& path() const { return path_; }
  /// Whether this call trained it (rather than finding it in the cache).
  bool trained_now() const { return trained_now_; }

 private:
  std::string path_;
  bool trained_now_ = false;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<FeatureNet> net_;
};

}  // namespace genc::runtime::fd
