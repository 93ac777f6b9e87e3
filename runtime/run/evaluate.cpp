// `genc eval` (see evaluate.h).
#include "runtime/run/evaluate.h"

#include <ATen/ops/cat.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <ostream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "compiler/ir/options.h"
#include "runtime/data/batcher.h"
#include "runtime/data/data.h"
#include "runtime/data/idx.h"
#include "runtime/data/rng.h"
#include "runtime/errors.h"
#include "runtime/fd/frechet.h"
#include "runtime/fd/reference_classifier.h"
#include "runtime/io/sample_grid.h"
#include "runtime/run/restore.h"
#include "runtime/run/sampler_override.h"
#include "runtime/trainer.h"

namespace genc::runtime {
namespace {

/// Rows one eval batch may reach after the eval graph repeats each example (iw, samples).
constexpr int64_t kEvalRows = 4096;

/// Sets `iw` on every elbo objective: to `iw` when `force`, else only where it is unset (0).
void set_iw(ir::Program& program, int64_t iw, bool force) {
  for (ir::Model& m : program.models) {
    if (!m.objective || m.objective->name != ir::ElboOptions::kName) continue;
    if (force || ir::read_options<ir::ElboOptions>(*m.objective).iw == 0) m.objective->args["iw"] = iw;
  }
}

struct Report {
  std::string text;
  nlohmann::ordered_json json;
};

/// The eval graph's outputs averaged over a dataset.
Report likelihood(Restored& r, const EvalRequest& a) {
  const Training& t = r.training;
  std::string name = !a.data.empty() ? a.data : !t.config.eval_data.empty() ? t.config.eval_data : t.train().data;
  const ir::Dataset* decl = t.program.dataset(name);
  if (!decl) {
    std::vector<std::string> names;
    for (const ir::Dataset& d : t.program.datasets) names.push_back(d.name);
    throw RuntimeUserError(fmt::format("the checkpoint's source declares no dataset '{}' (it has: {})", name,
                                       fmt::join(names, ", ")));
  }
  const ir::Dataset& trained_on = t.train_data();
  bool needs_y = t.plan.eval->reads("y");
  if (decl->x != trained_on.x || (needs_y && decl->y != trained_on.y))
    throw RuntimeUserError(fmt::format("dataset '{}' yields {} but model '{}' was trained on {}", name,
                                       decl->x.str(), t.model().name, trained_on.x.str()));
  LoadOptions lo;
  lo.seed = data_seed(t.config.seed);
  Data data = load_dataset(*decl, lo);

  Executor& ex = *r.executor;
  const std::vector<std::string>& names = ex.eval_outputs();
  const std::vector<double> sums =
      ex.eval_all(EvalBatches(data, std::max<int64_t>(1, kEvalRows / t.plan.eval->rows_per_example()))).first;
  Report rep;
  rep.text = fmt::format("on {} ({} examples):", name, data.size());
  rep.json["data"] = name;
  rep.json["examples"] = data.size();
  for (size_t k = 0; k < names.size(); ++k) {
    double mean = sums[k] / static_cast<double>(data.size());
    rep.text += fmt::format(" {} {:.4f}", names[k], mean);
    rep.json[names[k]] = mean;
    if (names[k] == "iw_elbo") {
      int64_t iw = ir::read_options<ir::ElboOptions>(*t.model().objective).iw;
      rep.text += fmt::format(" (iw nll {:.2f} nats, K={})", -mean, iw);
      rep.json["iw"] = iw;
      rep.json["iw_nll"] = -mean;
    }
  }
  return rep;
}

/// The reference classifier, compiled from its embedded source and loaded (or trained).
std::unique_ptr<fd::ReferenceClassifier> reference_classifier() {
  pipeline::Compilation c;
  Source source{"fd_classifier.gen", std::string(fd::classifier_source()), {}};
  std::optional<Training> t = compile_training(c, source, "");
  if (!t) internal_error("the embedded FD classifier does not compile:\n" + c.diags.render());
  fd::ClassifierProgram program{&t->program, t->train_index, &t->plan, t->config, source.path, source.text};
  return std::make_unique<fd::ReferenceClassifier>(program, std::cerr);
}

/// FD of `n` samples against the first `n` Fashion-MNIST test images, class coverage and the
/// classifier's test accuracy.
Report frechet(Restored& r, const EvalRequest& a) {
  const Training& t = r.training;
  const ir::ValueType& type = t.plan.sample->result_type("x");
  if (type.dims != std::vector<int64_t>{1, 28, 28})
    throw RuntimeUserError(fmt::format("FD compares with Fashion-MNIST images [1,28,28]; model '{}' samples {}",
                                       t.model().name, ir::shape_str(type.dims)));
  std::unique_ptr<fd::ReferenceClassifier> classifier = reference_classifier();
  Data test = fashion_mnist("test", default_fashion_mnist_dir());
  fd::FeatureNet::Result ref = classifier->net().run(test.x);
  double accuracy = ref.logits.argmax(1).eq(*test.y).to(at::kDouble).mean().item<double>();

  int64_t n = std::min(a.samples, test.size());
  constexpr int64_t kChunk = 1000;
  std::vector<at::Tensor> features, logits;
  int64_t on_label = 0;  // conditional samplers: samples the classifier assigns to the label they were drawn for
  const bool conditional = t.plan.sample->init.output_index("y") >= 0;
  for (int64_t begin = 0, chunk = 0; begin < n; begin += kChunk, ++chunk) {
    Data s = r.executor->sample(std::min(kChunk, n - begin), mix_seed(a.seed, chunk));
    fd::FeatureNet::Result out = classifier->net().run(to_unit_range(s.x, t.train_data()).clamp(0.0, 1.0));
    if (conditional) on_label += out.logits.argmax(1).eq(s.y->to(out.logits.device())).sum().item<int64_t>();
    features.push_back(out.features);
    logits.push_back(out.logits);
  }
  double distance =
      fd::frechet_distance(fd::moments(at::cat(features)), fd::moments(ref.features.narrow(0, 0, n)));
  int64_t covered = fd::class_coverage(at::cat(logits), 0.01);
  Report rep;
  rep.text = fmt::format("fd {:.3f} ({} samples vs {} Fashion-MNIST test images), {}/10 classes covered "
                         "(>= 1% of samples each); reference classifier test accuracy {:.2f}%",
                         distance, n, n, covered, 100.0 * accuracy);
  rep.json["fd"] = distance;
  rep.json["fd_samples"] = n;
  rep.json["classes_covered"] = covered;
  rep.json["classifier_accuracy"] = accuracy;
  rep.json["classifier"] = classifier->path();
  if (conditional) {
    double share = static_cast<double>(on_label) / static_cast<double>(n);
    rep.text += fmt::format("; {:.1f}% of the samples are classified as the class they were drawn for", 100.0 * share);
    rep.json["label_match"] = share;
  }
  return rep;
}

}  // namespace

bool evaluate_checkpoint(pipeline::Compilation& c, const EvalRequest& a, std::ostream& log) {
  std::optional<Restored> r =
      restore(c, a.checkpoint, [&](ir::Program& p, const std::string& model) {
        set_iw(p, a.iw.value_or(kDefaultIw), a.iw.has_value());
        apply_sampler_override(p, model, a.sampler);
      });
  if (!r) return false;
  const Executor& ex = *r->executor;
  const std::string what = "model '" + r->meta.model + "' (objective " + r->training.plan.objective + ")";
  if (a.fd && !ex.can_sample()) throw RuntimeUserError(what + " cannot draw samples, so it has no FD");
  bool want_fd = ex.can_sample() && (a.fd || !ex.has_eval());
  if (!ex.has_eval() && !want_fd) throw RuntimeUserError(what + " has nothing to evaluate yet");
  nlohmann::ordered_json json;
  json["model"] = r->meta.model;
  json["step"] = r->meta.step;
  std::string line = fmt::format("{} at step {}", r->meta.model, r->meta.step);
  for (bool fd : {false, true}) {
    if (fd ? !want_fd : !ex.has_eval()) continue;
    Report rep = fd ? frechet(*r, a) : likelihood(*r, a);
    line += (fd && ex.has_eval() ? "; " : " ") + rep.text;
    json.update(rep.json);
  }
  log << (a.json ? json.dump() : line) << "\n";
  return true;
}

}  // namespace genc::runtime
