// `genc eval CHECKPOINT [--data NAME] [--iw K] [--fd] [--samples N] [--seed N] [--json]`:
// recompiles the source stored in the checkpoint, loads its parameters and prints one line:
//  - models with an eval graph (VAE): every eval output averaged over the data (the train
//    block's `eval on` data by default), the ELBO in nats and, for elbo, the importance-
//    weighted bound with K samples (the objective's `iw`, else 100) and the NLL it bounds;
//  - models that sample Fashion-MNIST-shaped images without an eval graph (GAN), or any such
//    model with --fd: the Fréchet distance between N samples and N Fashion-MNIST test images
//    in the feature space of genc's reference classifier (runtime/fd), and how many of the
//    10 classes the classifier finds among the samples.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ops/cat.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/ir/options.h"
#include "compiler/lower/lower.h"
#include "runtime/data/batcher.h"
#include "runtime/data/data.h"
#include "runtime/data/idx.h"
#include "runtime/data/rng.h"
#include "runtime/fd/frechet.h"
#include "runtime/fd/reference_classifier.h"
#include "runtime/trainer.h"
#include "tools/genc/command.h"
#include "tools/genc/runtime_driver.h"

namespace genc::cli {
namespace {

constexpr int64_t kDefaultIw = 100;
/// Rows one eval batch may reach after the eval graph repeats each example (iw, samples).
constexpr int64_t kEvalRows = 4096;
/// Fashion-MNIST's test split: the reference of FD.
constexpr int64_t kTestImages = 10000;
const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

struct EvalArgs {
  std::string checkpoint;
  std::string data;
  int64_t iw = kDefaultIw;
  CLI::Option* iw_opt = nullptr;
  bool fd = false;
  int64_t samples = kTestImages;
  uint64_t seed = 0;
  bool json = false;
};

/// Sets `iw` on every elbo objective: to `iw` when `force`, else only where it is unset (0).
void set_iw(ir::Program& program, int64_t iw, bool force) {
  for (ir::Model& m : program.models) {
    if (!m.objective || m.objective->name != ir::ElboOptions::kName) continue;
    if (force || ir::read_options<ir::ElboOptions>(*m.objective).iw == 0) m.objective->args["iw"] = iw;
  }
}

/// The type of the sample graph's output "x".
const ir::ValueType& sample_type(const lower::Routine& sample) {
  for (ir::NodeId id : sample.graph.find(ir::Op::Output)) {
    const ir::Node& n = sample.graph.node(id);
    if (ir::attr_int(n.attrs, "index") == 0) return sample.graph.type(n.inputs[0]);
  }
  internal_error("the sample graph has no output 0");
}

struct Report {
  std::string text;
  nlohmann::ordered_json json;
};

/// The eval graph's outputs averaged over a dataset. Null after printing why not.
std::optional<Report> likelihood(Restored& r, const EvalArgs& a) {
  const Training& t = r.training;
  std::string name = !a.data.empty() ? a.data : !t.config.eval_data.empty() ? t.config.eval_data : t.train().data;
  const ir::Dataset* decl = t.program.dataset(name);
  if (!decl) {
    std::vector<std::string> names;
    for (const ir::Dataset& d : t.program.datasets) names.push_back(d.name);
    print_error(fmt::format("the checkpoint's source declares no dataset '{}' (it has: {})", name,
                            fmt::join(names, ", ")));
    return std::nullopt;
  }
  const ir::Dataset& trained_on = t.train_data();
  bool needs_y = t.plan.eval->reads("y");
  if (decl->x != trained_on.x || (needs_y && decl->y != trained_on.y)) {
    print_error(fmt::format("dataset '{}' yields {} but model '{}' was trained on {}", name, decl->x.str(),
                            t.model().name, trained_on.x.str()));
    return std::nullopt;
  }
  runtime::LoadOptions lo;
  lo.seed = runtime::data_seed(t.config.seed);
  runtime::Data data = runtime::load_dataset(*decl, lo);

  runtime::Executor& ex = *r.executor;
  const std::vector<std::string>& names = ex.eval_outputs();
  const std::vector<double> sums =
      ex.eval_all(runtime::EvalBatches(data, std::max<int64_t>(1, kEvalRows / t.plan.eval->rows_per_example()))).first;
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
std::unique_ptr<runtime::fd::ReferenceClassifier> reference_classifier() {
  Session session;
  Source source{"fd_classifier.gen", std::string(runtime::fd::classifier_source()), {}};
  std::optional<ir::Program> program = compile_source(session, source);
  std::optional<Training> t;
  if (program) t = prepare_training(session, source, std::move(*program), "");
  if (!t) internal_error("the embedded FD classifier does not compile:\n" + session.diags.render());
  runtime::fd::ClassifierProgram c{&t->program, t->train_index, &t->plan, t->config, source.path, source.text};
  return std::make_unique<runtime::fd::ReferenceClassifier>(c, std::cerr);
}

/// FD of `n` samples against the first `n` Fashion-MNIST test images, class coverage and the
/// classifier's test accuracy. Null after printing why not.
std::optional<Report> frechet(Restored& r, const EvalArgs& a) {
  const Training& t = r.training;
  const ir::ValueType& type = sample_type(*t.plan.sample);
  if (type.dims != std::vector<int64_t>{1, 28, 28}) {
    print_error(fmt::format("FD compares with Fashion-MNIST images [1,28,28]; model '{}' samples {}",
                            t.model().name, ir::shape_str(type.dims)));
    return std::nullopt;
  }
  std::unique_ptr<runtime::fd::ReferenceClassifier> classifier = reference_classifier();
  runtime::Data test = runtime::fashion_mnist("test", kFashionDir);
  runtime::fd::FeatureNet::Result ref = classifier->net().run(test.x);
  double accuracy = ref.logits.argmax(1).eq(*test.y).to(at::kDouble).mean().item<double>();

  int64_t n = std::min(a.samples, test.size());
  constexpr int64_t kChunk = 1000;
  std::vector<at::Tensor> features, logits;
  for (int64_t begin = 0, chunk = 0; begin < n; begin += kChunk, ++chunk) {
    runtime::Data s = r.executor->sample(std::min(kChunk, n - begin), runtime::mix_seed(a.seed, chunk));
    runtime::fd::FeatureNet::Result out = classifier->net().run(to_unit_range(s.x, t.train_data()).clamp(0.0, 1.0));
    features.push_back(out.features);
    logits.push_back(out.logits);
  }
  double fd = runtime::fd::frechet_distance(runtime::fd::moments(at::cat(features)),
                                            runtime::fd::moments(ref.features.narrow(0, 0, n)));
  int64_t covered = runtime::fd::class_coverage(at::cat(logits), 0.01);
  Report rep;
  rep.text = fmt::format("fd {:.3f} ({} samples vs {} Fashion-MNIST test images), {}/10 classes covered "
                         "(>= 1% of samples each); reference classifier test accuracy {:.2f}%",
                         fd, n, n, covered, 100.0 * accuracy);
  rep.json["fd"] = fd;
  rep.json["fd_samples"] = n;
  rep.json["classes_covered"] = covered;
  rep.json["classifier_accuracy"] = accuracy;
  rep.json["classifier"] = classifier->path();
  return rep;
}

int run_eval(const EvalArgs& a) {
  Session session;
  bool force_iw = a.iw_opt->count() > 0;
  std::optional<Restored> r =
      restore(session, a.checkpoint, [&](ir::Program& p) { set_iw(p, a.iw, force_iw); });
  if (!r) return std::max(session.finish(), 1);
  const runtime::Executor& ex = *r->executor;
  if (a.fd && !ex.can_sample())
    return print_error("model '" + r->meta.model + "' (objective " + r->training.plan.objective +
                       ") cannot draw samples, so it has no FD");
  bool want_fd = ex.can_sample() && (a.fd || !ex.has_eval());
  if (!ex.has_eval() && !want_fd)
    return print_error("model '" + r->meta.model + "' (objective " + r->training.plan.objective +
                       ") has nothing to evaluate yet");
  nlohmann::ordered_json json;
  json["model"] = r->meta.model;
  json["step"] = r->meta.step;
  std::string line = fmt::format("{} at step {}", r->meta.model, r->meta.step);
  for (bool fd : {false, true}) {
    if (fd ? !want_fd : !ex.has_eval()) continue;
    std::optional<Report> rep = fd ? frechet(*r, a) : likelihood(*r, a);
    if (!rep) return 1;
    line += (fd && ex.has_eval() ? "; " : " ") + rep->text;
    json.update(rep->json);
  }
  std::cout << (a.json ? json.dump() : line) << "\n";
  return 0;
}

}  // namespace

Action setup_eval(CLI::App& sub) {
  auto a = std::make_shared<EvalArgs>();
  sub.add_option("checkpoint", a->checkpoint, "A checkpoint written by genc run (OUT/checkpoints/step_N.pt)")
      ->required();
  sub.add_option("--data", a->data, "The dataset (of the checkpoint's source) to evaluate on "
                                    "(default: the train block's `eval on` data, else its training data)");
  a->iw_opt = sub.add_option("--iw", a->iw, "elbo: importance samples of the IW bound (default: the "
                                            "objective's iw, else 100; 0: none)")
                  ->check(CLI::NonNegativeNumber);
  sub.add_flag("--fd", a->fd, "Also compute the Fréchet distance (always done for models without a likelihood)");
  sub.add_option("--samples", a->samples, "FD: generated samples and test images compared")
      ->check(CLI::Range(int64_t{2}, kTestImages))
      ->capture_default_str();
  sub.add_option("--seed", a->seed, "FD: seed of the sampler's noise")->capture_default_str();
  sub.add_flag("--json", a->json, "Print one JSON object instead of the text line");
  sub.footer("The FD reference classifier is trained on first use and cached in $XDG_CACHE_HOME/genc\n"
             "(else ~/.cache/genc); see examples/fd_classifier.gen.\n"
             "Exit status: 0 success, 1 user error (missing, corrupt or foreign checkpoint), 2 internal error.");
  return [a] { return guard_runtime([&] { return run_eval(*a); }); };
}

}  // namespace genc::cli
