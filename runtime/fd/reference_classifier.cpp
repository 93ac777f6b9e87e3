// The FD reference classifier's cache: its location and key, training into it through a
// temporary run directory, and loading it into an Executor with a FeatureNet.
#include "runtime/fd/reference_classifier.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "runtime/checkpoint.h"
#include "runtime/errors.h"
#include "runtime/io/remove_tree.h"
#include "runtime/trainer.h"

namespace genc::runtime::fd {
namespace {

namespace fs = std::filesystem;

uint64_t fnv1a(std::string_view bytes, uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

/// Trains the classifier in a temporary directory beside `path` and renames its final
/// checkpoint to `path`.
void train_into(const ClassifierProgram& c, const std::string& path, std::ostream& log) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) throw RuntimeUserError("cannot create the cache directory '" + fs::path(path).parent_path().string() +
                                 "': " + ec.message());
  std::string tmp = path + ".train-XXXXXX";
  if (mkdtemp(tmp.data()) == nullptr) throw RuntimeUserError("cannot write '" + tmp + "': " + std::strerror(errno));
  TreeRemover remover{tmp};
  TrainConfig config = c.config;
  config.checkpoint = {1, "epochs"};
  config.checkpoint_dir = "checkpoints";
  TrainerOptions o;
  o.out_dir = tmp;
  o.source_path = c.source_path;
  o.source_text = c.source_text;
  o.progress = &log;
  log << "genc: training the FD reference classifier (once; it is cached as " << path << ")\n";
  Trainer trainer(*c.program, c.train_index, *c.plan, config, o);
  TrainSummary summary = trainer.run();
  if (!summary.checkpoint) internal_error("the FD classifier's run wrote no checkpoint");
  fs::rename(*summary.checkpoint, path, ec);
  if (ec) throw RuntimeUserError("cannot write '" + path + "': " + ec.message());
}

}  // namespace

std::string cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && fs::path(xdg).is_absolute()) return (fs::path(xdg) / "genc").string();
  const char* home = std::getenv("HOME");
  if (!home || !*home) throw RuntimeUserError("neither XDG_CACHE_HOME nor HOME is set: genc has no cache directory");
  return (fs::path(home) / ".cache" / "genc").string();
}

std::string cache_path(const std::string& source_text, uint64_t seed) {
  uint64_t key = fnv1a(fmt::format("\nseed={}", seed), fnv1a(source_text));
  return (fs::path(cache_dir()) / fmt::format("fd_classifier-{:016x}.pt", key)).string();
}

ReferenceClassifier::ReferenceClassifier(const ClassifierProgram& c, std::ostream& log)
    : path_(cache_path(c.source_text, c.config.seed)) {
  const ir::Model& model = *c.program->model(c.program->trains.at(c.train_index).model);
  torch::Device device = resolve_device(c.config.device);
  executor_ = std::make_unique<Executor>(*c.plan, model, c.config, device);
  bool loaded = false;
  if (fs::exists(path_)) {
    try {
      load_checkpoint(path_, *executor_);
      loaded = true;
    } catch (const RuntimeUserError& e) {
      log << "genc: note: retraining the FD reference classifier: " << e.what() << "\n";
    }
  }
  if (!loaded) {
    train_into(c, path_, log);
    trained_now_ = true;
    executor_ = std::make_unique<Executor>(*c.plan, model, c.config, device);
    load_checkpoint(path_, *executor_);
  }
  net_ = std::make_unique<FeatureNet>(*c.plan, executor_->params());
}

}  // namespace genc::runtime::fd
