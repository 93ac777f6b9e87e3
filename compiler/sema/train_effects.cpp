// Train settings that cannot take effect (see train_effects.h). What the runtime does with
// each: the trainer evaluates only models whose plan has an eval routine (every objective
// but gan) and samples only models with a sampler (every objective but classify); sample
// files are written for images ([1|3,H,W], or tokens of an image source), 2-D points and
// text (runtime/io/sample_grid.cpp); precision other than fp32 is autocast on CUDA only.
#include "compiler/sema/train_effects.h"

#include <fmt/format.h>

#include "compiler/sema/value.h"

namespace genc::sema {
namespace {

class EffectChecker {
 public:
  EffectChecker(const ir::Train& train, const std::map<std::string, SourceRange>& written,
                DiagnosticEngine& diags)
      : train_(train), written_(written), diags_(diags) {}

  const ir::Setting* given(const std::string& keyword) const {
    return written_.count(keyword) ? train_.setting(keyword) : nullptr;
  }
  Diagnostic& error(const ir::Setting& s, const std::string& why) {
    return diags_.report(DiagKind::IneffectiveSetting, s.loc, {s.name, why});
  }
  Diagnostic& warning(const ir::Setting& s, const std::string& why) {
    return diags_.report(DiagKind::SettingWithoutEffect, s.loc, {s.name, why});
  }

 private:
  const ir::Train& train_;
  const std::map<std::string, SourceRange>& written_;
  DiagnosticEngine& diags_;
};

bool samples_are_written(const ir::Dataset& ds) {
  const ir::ValueType& x = ds.x;
  const std::string& source = ds.source.name;
  if (source == "text") return true;
  bool image_source = source == "fashion_mnist" || source == "idx" || source == "image_folder";
  if (x.dtype == ir::DType::I64 && x.classes >= 2 && image_source) return true;
  if (x.rank() == 3 && (x.dims[0] == 1 || x.dims[0] == 3)) return true;
  return x.rank() == 1 && x.dims[0] == 2;
}

// `every N steps` beyond the run's `steps`: the setting never comes due.
void check_period(EffectChecker& c, const ir::Setting& s, const ir::Setting* steps) {
  if (!steps || ir::attr_string(s.args, "unit") != "steps") return;
  int64_t every = ir::attr_int(s.args, "every"), total = ir::attr_int(steps->args, "value");
  if (every > total)
    c.warning(s, fmt::format("every {} steps never comes in a run of {} steps", every, total)).hint =
        fmt::format("give it every {} steps or fewer", total);
}

}  // namespace

void check_settings_take_effect(const ir::Train& train, const ir::Model& model,
                                const ir::Dataset* data,
                                const std::map<std::string, SourceRange>& written,
                                DiagnosticEngine& diags) {
  EffectChecker c(train, written, diags);
  const std::string objective = model.objective ? model.objective->name : "";
  const ir::Setting* steps = c.given("steps");
  if (const ir::Setting* eval = c.given("eval")) {
    if (objective == "gan") {
      c.error(*eval, "objective 'gan' has no test metric (a GAN has no likelihood)").hint =
          "measure a trained GAN with `genc eval --fd OUT/checkpoints/step_N.pt` (Fréchet "
          "distance and class coverage against Fashion-MNIST), and drop `eval on`";
    } else {
      check_period(c, *eval, steps);
    }
  }
  if (const ir::Setting* sample = c.given("sample")) {
    if (objective == "classify") {
      c.error(*sample, "objective 'classify' trains a classifier, which does not sample");
    } else if (data && !samples_are_written(*data)) {
      c.warning(*sample, fmt::format("samples of {} are not images ([1,H,W] or [3,H,W]), 2-D "
                                     "points or text, so no file is written",
                                     type_text(data->x)));
    } else {
      check_period(c, *sample, steps);
    }
  }
  const ir::Setting* device = c.given("device");
  bool cpu = device && ir::attr_string(device->args, "value") == "cpu";
  if (const ir::Setting* precision = c.given("precision"); precision && cpu) {
    const std::string& p = ir::attr_string(precision->args, "value");
    if (p != "fp32") {
      Diagnostic& d = c.error(*precision, fmt::format("precision {} is autocast on a CUDA GPU, "
                                                      "and this run trains on the CPU",
                                                      p));
      d.hint = "train with precision fp32 on the CPU, or with device cuda";
      diags.add_note(d, device->loc, "'device cpu' is given here");
    }
  }
  if (const ir::Setting* graph = c.given("cuda_graph"); graph && cpu) {
    Diagnostic& d = c.warning(*graph, "CUDA graphs capture iterations on a CUDA GPU, and this run trains on the CPU");
    diags.add_note(d, device->loc, "'device cpu' is given here");
  }
}

}  // namespace genc::sema
