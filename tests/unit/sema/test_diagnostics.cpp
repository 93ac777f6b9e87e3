// One failing program per diagnostic kind sema reports: the first error's kind and
// line:col, and (where it matters) its message and hint.
#include "sema_test_util.h"

namespace genc::test {
namespace {

// A one-role model whose role body starts on line 3; `after` follows from line 7 on.
std::string in_role(const std::string& body, const std::string& hypers = "",
                    const std::string& after = "") {
  return "model m(" + hypers + ") {\n" +           // 1
         "  discriminator D(x: [8]) -> [2] {\n" +  // 2
         body + "\n" +                             // 3...
         "  }\n"
         "  objective classify\n"
         "}\n" +
         after;
}

struct Case {
  const char* name;
  std::string program;
  std::string first;         ///< "L:C Kind" of the first error
  std::string message = "";  ///< a substring of its message ("" = not checked)
  std::string hint = "";     ///< a substring of its hint ("" = not checked)
  sema::Options options = {};
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

class SemaDiagnostics : public ::testing::TestWithParam<Case> {};

TEST_P(SemaDiagnostics, FirstError) {
  const Case& c = GetParam();
  auto a = analyze(c.program, c.options);
  ASSERT_TRUE(a->parsed) << a->rendered();
  EXPECT_FALSE(a->program);
  EXPECT_EQ(a->first(), c.first) << a->rendered();
  const Diagnostic* d = a->first_diag();
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find(c.message), std::string::npos) << d->message;
  EXPECT_NE(d->hint.find(c.hint), std::string::npos) << "hint: " << d->hint;
}

const char* kVaeRoles = R"gen(model vae(latent: 20) {
  encoder q(x: [2]) -> gaussian {
    return gaussian(mean: linear(x, latent), logvar: linear(x, latent))
  }
  decoder p(z: [latent]) -> gaussian {
    return gaussian(mean: linear(z, 2), logvar: linear(z, 2))
  }
)gen";

// A classifier of Fashion-MNIST; a train declaration may follow from line 8.
const char* kClassifier = R"gen(data fashion = fashion_mnist()
model c() {
  discriminator C(x: [1,28,28]) -> [10] {
    return x |> flatten |> linear(10)
  }
  objective classify
}
)gen";

std::vector<Case> cases() {
  std::vector<Case> c;
  // --- names
  c.push_back({"UnknownName", in_role("    return linear(x, hiden)", "hidden: 2"),
               "3:22 UnknownName", "unknown name 'hiden'", "did you mean 'hidden'?"});
  c.push_back({"UnknownOp", in_role("    return lineer(x, 2)"), "3:12 UnknownOp",
               "unknown op or block 'lineer'", "did you mean 'linear'?"});
  c.push_back({"RedefinitionOfBuiltin",
               in_role("    return linear(x, 2)", "", "block relu(x) { return x }\n"),
               "7:1 Redefinition", "'relu' is already defined"});
  c.push_back({"RedefinitionOfParam",
               in_role("    return linear(x, 2)", "", "block b(x, x) { return x }\n"),
               "7:12 Redefinition"});
  c.push_back({"RedefinitionOfHyperparam", in_role("    return linear(x, 2)", "a: 1, a: 2"),
               "1:15 Redefinition"});
  c.push_back(
      {"UnknownModel",
       in_role("    return linear(x, 2)", "", "data d = moons()\ntrain n on d { batch 4 }\n"),
       "8:7 UnknownModel", "unknown model 'n'", "did you mean 'm'?"});
  c.push_back({"UnknownData",
               in_role("    return linear(x, 2)", "",
                       "data moons = moons()\ntrain m on moon { batch 4 }\n"),
               "8:12 UnknownData", "unknown dataset 'moon'", "did you mean 'moons'?"});
  c.push_back({"UnknownHyperparam",
               in_role("    return linear(x, 2)", "hidden: 2"),
               "0:0 UnknownHyperparam",
               "model 'm' has no hyperparameter 'hiden'",
               "did you mean 'hidden'?",
               {{{"m.hiden", "3"}}}});
  c.push_back({"BadOverrideValue",
               in_role("    return linear(x, 2)", "hidden: 2"),
               "0:0 BadOverride",
               "invalid --set 'm.hidden=abc': 'hidden' is an integer, got 'abc'",
               "",
               {{{"m.hidden", "abc"}}}});
  c.push_back({"BadOverrideKey",
               in_role("    return linear(x, 2)"),
               "0:0 BadOverride",
               "expected model.param=value",
               "",
               {{{"hidden", "3"}}}});
  c.push_back({"BadOverrideModel",
               in_role("    return linear(x, 2)", "hidden: 2"),
               "0:0 BadOverride",
               "there is no model 'n'",
               "did you mean 'm'?",
               {{{"n.hidden", "3"}}}});
  // --- calls
  c.push_back({"WrongArity", in_role("    return linear(x, 2, true, 4)"), "3:31 WrongArity",
               "'linear' takes 2 to 3 arguments but 4 were given"});
  c.push_back({"UnknownArgument", in_role("    return linear(x, 2, bais: false)"),
               "3:25 UnknownArgument", "'linear' has no parameter named 'bais'",
               "did you mean 'bias'?"});
  c.push_back({"DuplicateArgument", in_role("    return linear(x, 2, out: 3)"),
               "3:25 DuplicateArgument", "argument 'out' given more than once"});
  c.push_back({"MissingArgument", in_role("    return linear(x)"), "3:12 MissingArgument",
               "missing argument 'out' in call to 'linear'"});
  c.push_back({"PositionalAfterNamed", in_role("    return linear(x, out: 2, false)"),
               "3:30 PositionalAfterNamed"});
  c.push_back({"ArgumentType", in_role("    return linear(x, 2.5)"), "3:22 ArgumentType",
               "argument 'out' of 'linear' must be an integer, got a number"});
  c.push_back({"ArgumentTypeTensor", in_role("    return linear(3, 2)"), "3:19 ArgumentType",
               "argument 'x' of 'linear' must be a tensor, got an integer"});
  c.push_back({"InvalidOptionValue",
               "use std.nn\nmodel m() {\n  flow f(x: [2]) -> normal {\n"
               "    return affine_coupling(x, mask: \"diagonal\", net: mlp([8]))\n  }\n  objective "
               "nll\n}\n",
               "4:37 InvalidOptionValue",
               "invalid value \"diagonal\" for 'mask': expected \"even\", \"odd\", \"checker\" or "
               "\"channel\""});
  // --- compile-time evaluation
  c.push_back({"NotCompileTime", in_role("    h = linear(x, 4)\n    return linear(x, h)"),
               "4:22 NotCompileTime",
               "argument 'out' of 'linear' needs a compile-time value, but 'h' is a tensor"});
  c.push_back({"DataDependentRepeat",
               in_role("    repeat x { x = relu(x) }\n    return linear(x, 2)"),
               "3:12 DataDependentControl", "'repeat' condition depends on tensor data"});
  c.push_back({"DataDependentIf", in_role("    if x { x = relu(x) }\n    return linear(x, 2)"),
               "3:8 DataDependentControl", "'if' condition"});
  c.push_back({"DataDependentTernary", in_role("    return linear(x ? x : x, 2)"),
               "3:19 DataDependentControl", "'?:' condition"});
  c.push_back({"TypeErrorAdd", in_role("    n = 1 + \"a\"\n    return linear(x, 2)"),
               "3:11 TypeError", "cannot apply '+' to an integer and a string"});
  c.push_back({"TypeErrorCompareTensor", in_role("    b = x < 2\n    return linear(x, 2)"),
               "3:11 TypeError", "'<' compares compile-time values, not tensors"});
  c.push_back({"TypeErrorNotCallable", in_role("    return linear(hidden(x), 2)", "hidden: 2"),
               "3:19 TypeError", "'hidden' is an integer, not an op or block"});
  c.push_back(
      {"DivisionByZero", in_role("    return linear(x, 2)", "a: 4 / 0"), "1:14 DivisionByZero"});
  c.push_back(
      {"ModuloByZero", in_role("    return linear(x, 2)", "a: 4 % 0"), "1:14 DivisionByZero"});
  c.push_back({"IndexOutOfRange", in_role("    return linear(x, 2)", "a: [1, 2][2]"),
               "1:19 IndexOutOfRange", "index 2 out of range for list of length 2"});
  c.push_back({"RepeatCountNegative",
               in_role("    repeat -1 { x = relu(x) }\n    return linear(x, 2)"),
               "3:12 RepeatCount", "got -1"});
  c.push_back({"RepeatCountFloat",
               in_role("    repeat 2.5 { x = relu(x) }\n    return linear(x, 2)"),
               "3:12 RepeatCount", "got 2.5"});
  c.push_back({"RepeatRangeBackwards",
               in_role("    repeat i in 3..1 { x = relu(x) }\n    return linear(x, 2)"),
               "3:20 RepeatCount", "got 3..1"});
  c.push_back({"RecursionLimit",
               in_role("    return linear(r(x), 2)", "", "block r(x) { return r(x) }\n"),
               "7:21 RecursionLimit", "block 'r' expands recursively (depth limit 64)"});
  // --- bodies and roles
  c.push_back(
      {"MissingReturnRole", in_role("    h = relu(x)"), "2:17 MissingReturn", "'D' has no return"});
  c.push_back({"MissingReturnBlock",
               in_role("    return linear(nr(x), 2)", "", "block nr(x) { h = x }\n"),
               "7:1 MissingReturn", "'nr' has no return"});
  c.push_back({"StatementAfterReturn", in_role("    return linear(x, 2)\n    h = x"),
               "4:5 StatementAfterReturn"});
  c.push_back({"RoleSignature",
               "model vae() {\n  encoder q(x: [2], y: [3]) -> gaussian {\n    return x\n  }\n  "
               "objective elbo\n}\n",
               "2:11 RoleSignature", "encoder 'q' must take one tensor"});
  c.push_back(
      {"RoleSignatureGanResult",
       "model g() {\n  generator G(z: [4]) -> [2] {\n    return linear(z, 2)\n  }\n"
       "  discriminator D(x: [2]) -> [3] {\n    return linear(x, 3)\n  }\n  objective gan\n}\n",
       "5:17 RoleSignature", "must return [1]"});
  c.push_back({"RoleReturnType", in_role("    return linear(x, 3)"), "3:12 RoleReturnType",
               "role 'D' must return [2], but returns [3]"});
  c.push_back(
      {"RoleReturnTypeEncoder",
       "model vae() {\n  encoder q(x: [2]) -> gaussian {\n    return linear(x, 4)\n  }\n"
       "  decoder p(z: [4]) -> bernoulli {\n    return bernoulli(logits: linear(z, 2))\n  }\n"
       "  objective elbo\n}\n",
       "3:12 RoleReturnType", "role 'q' must return gaussian, but returns [4]"});
  c.push_back(
      {"MissingRole",
       "model vae() {\n  encoder q(x: [2]) -> gaussian {\n"
       "    return gaussian(mean: linear(x, 2), logvar: linear(x, 2))\n  }\n  objective elbo\n}\n",
       "5:13 MissingRole", "model 'vae' with objective 'elbo' needs a decoder role"});
  c.push_back(
      {"MissingRoleSchedule",
       "model dm() {\n  denoiser e(x: [2], t: time) -> [2] {\n    return linear(x, 2)\n  }\n"
       "  objective denoise\n}\n",
       "5:13 MissingRole", "needs a schedule role"});
  c.push_back({"DuplicateRole",
               std::string(kVaeRoles) +
                   "  encoder q2(x: [2]) -> gaussian {\n"
                   "    return gaussian(mean: linear(x, 20), logvar: linear(x, 20))\n  }\n"
                   "  objective elbo\n}\n",
               "8:11 DuplicateRole", "model 'vae' has more than one encoder role"});
  c.push_back(
      {"RolesDontMeet",
       "model vae() {\n  encoder q(x: [2]) -> gaussian {\n"
       "    return gaussian(mean: linear(x, 20), logvar: linear(x, 20))\n  }\n"
       "  decoder p(z: [32]) -> bernoulli {\n    return bernoulli(logits: linear(z, 2))\n  }\n"
       "  objective elbo\n}\n",
       "5:11 RolesDontMeet",
       "encoder 'q' produces a latent of [20], but decoder 'p' takes z: [32]"});
  c.push_back(
      {"RolesDontMeetGan",
       "model g() {\n  generator G(z: [4]) -> [3] {\n    return linear(z, 3)\n  }\n"
       "  discriminator D(x: [2]) -> [1] {\n    return linear(x, 1)\n  }\n  objective gan\n}\n",
       "5:17 RolesDontMeet", "generator 'G' produces [3], but discriminator 'D' takes x: [2]"});
  c.push_back({"NotInvertible",
               "model m() {\n  flow f(x: [2]) -> normal {\n    x = actnorm(x)\n    x = relu(x)\n   "
               " return x\n  }\n"
               "  objective nll\n}\n",
               "4:9 NotInvertible", "'relu' is not invertible"});
  c.push_back(
      {"NotInvertibleOperator",
       "model m() {\n  flow f(x: [2]) -> normal {\n    return x * 2\n  }\n  objective nll\n}\n",
       "3:14 NotInvertible", "'*' is not invertible"});
  c.push_back({"InvertibleOutsideFlow",
               in_role("    return linear(scale2(x), 2)", "",
                       "invertible scale2(x) {\n  forward { logdet = 0.69\n return x * 2 }\n  "
                       "inverse { return x / 2 }\n}\n"),
               "3:19 InvertibleOutsideFlow", "invertible block 'scale2' used outside a flow"});
  c.push_back({"UnknownObjective", std::string(kVaeRoles) + "  objective elboo\n}\n",
               "8:13 UnknownObjective", "unknown objective 'elboo'", "did you mean 'elbo'?"});
  c.push_back({"UnknownSampler", std::string(kVaeRoles) + "  objective elbo\n  sampler dddim\n}\n",
               "9:11 UnknownSetting", "unknown sampler 'dddim'", "did you mean 'ddim'?"});
  c.push_back({"UnknownObjectiveOption", std::string(kVaeRoles) + "  objective elbo(bta: 2.0)\n}\n",
               "8:18 UnknownArgument", "'elbo' has no parameter named 'bta'",
               "did you mean 'beta'?"});
  c.push_back({"ObjectiveOptionValue",
               std::string(kVaeRoles) + "  objective gan(loss: \"bce\")\n}\n",
               "8:23 InvalidOptionValue",
               "invalid value \"bce\" for 'loss': expected \"nonsaturating\", \"hinge\", "
               "\"wgan-gp\" or \"lsgan\""});
  c.push_back({"ObjectiveMismatch", std::string(kVaeRoles) + "  objective nll\n}\n",
               "8:13 ObjectiveMismatch",
               "objective 'nll' does not fit a model with encoder and decoder roles"});
  c.push_back({"MissingObjective", std::string(kVaeRoles) + "}\n", "1:7 MissingObjective",
               "model 'vae' has no objective"});
  // --- shapes (messages come from the shape functions; sema places them)
  c.push_back({"ReshapeCount", in_role("    h = reshape(x, [3, 3])\n    return linear(x, 2)"),
               "3:9 ReshapeCount", "cannot reshape [8] (8 elements) to [3,3] (9 elements)"});
  c.push_back({"BadDimensionSize", in_role("    n = size(x, 2)\n    return linear(x, 2)"),
               "3:17 BadDimension", "dimension 2 out of range for a tensor of rank 1"});
  c.push_back({"BadDimensionSum", in_role("    h = sum(x, 3)\n    return linear(x, 2)"),
               "3:9 BadDimension"});
  c.push_back({"DTypeMismatch", in_role("    h = embed(x, 4)\n    return linear(x, 2)"),
               "3:9 DTypeMismatch"});
  // --- data and training
  c.push_back({"FileNotFound", "data d = npy(\"no_such_file.npy\")\n", "1:10 FileNotFound",
               "cannot read file 'no_such_file.npy'"});
  c.push_back({"UnknownDataSource", "data d = moonz(n: 10)\n", "1:10 UnknownDataSource",
               "unknown data source 'moonz'", "did you mean 'moons'?"});
  c.push_back({"UnknownTransform", "data d = fashion_mnist() |> binarise\n",
               "1:29 UnknownTransform", "unknown data transform 'binarise'",
               "did you mean 'binarize'?"});
  c.push_back({"DuplicateTrainSetting",
               std::string(kClassifier) + "train c on fashion { batch 4  batch 8 }\n",
               "8:31 DuplicateTrainSetting", "train setting 'batch' given more than once"});
  c.push_back(
      {"DataShapeMismatch",
       in_role("    return linear(x, 2)", "", "data d = moons()\ntrain m on d { batch 4 }\n"),
       "8:12 DataShapeMismatch", "dataset 'd' yields [2], but role 'D' takes [8]"});
  c.push_back({"InvalidTrainValue", std::string(kClassifier) + "train c on fashion { batch 0 }\n",
               "8:28 InvalidOptionValue", "invalid value 0 for 'batch': expected an integer >= 1"});
  c.push_back({"UnknownTrainSetting",
               std::string(kClassifier) + "train c on fashion { batch 64 warmup 10 }\n",
               "8:31 UnknownTrainSetting", "unknown train setting 'warmup'",
               "settings are batch, epochs, steps, seed, clip_grad, ema, optimizer, lr_schedule, "
               "device, precision, cuda_graph, checkpoint, log, eval and sample"});
  c.push_back(
      {"UnknownTrainSettingClose", std::string(kClassifier) + "train c on fashion { bach 64 }\n",
       "8:22 UnknownTrainSetting", "unknown train setting 'bach'", "did you mean 'batch'?"});
  // --- option ranges (compiler/ir/options.def), at the value
  c.push_back({"ObjectiveOptionRange", std::string(kVaeRoles) + "  objective elbo(beta: -1)\n}\n",
               "8:24 InvalidOptionValue", "invalid value -1.0 for 'beta': expected a number >= 0"});
  c.push_back(
      {"ObjectiveOptionRangeInt", std::string(kVaeRoles) + "  objective elbo(samples: 0)\n}\n",
       "8:27 InvalidOptionValue", "invalid value 0 for 'samples': expected an integer >= 1"});
  c.push_back({"OptimizerOptionRange",
               std::string(kClassifier) + "train c on fashion { optimizer sgd(lr: 0) }\n",
               "8:40 InvalidOptionValue", "invalid value 0.0 for 'lr': expected a number > 0"});
  c.push_back({"OptimizerBetasPair",
               std::string(kClassifier) + "train c on fashion { optimizer adam(betas: [0.5]) }\n",
               "8:44 InvalidOptionValue",
               "invalid value [0.5] for 'betas': expected a list of 2 numbers"});
  c.push_back({"LrScheduleOptionRange",
               std::string(kClassifier) + "train c on fashion { lr_schedule step(gamma: 0) }\n",
               "8:46 InvalidOptionValue", "invalid value 0.0 for 'gamma': expected a number > 0"});
  c.push_back({"EmaBelowOne", std::string(kClassifier) + "train c on fashion { ema 1.0 }\n",
               "8:26 InvalidOptionValue",
               "invalid value 1.0 for 'ema': expected a number below 1"});
  c.push_back({"DataShapeMismatchLabels",
               std::string(kClassifier) + "data m2 = moons()\ntrain c on m2 { batch 4 }\n",
               "9:12 DataShapeMismatch", "dataset 'm2' yields [2], but role 'C' takes [1,28,28]"});
  c.push_back({"DataShapeMismatchEval",
               std::string(kClassifier) + "data m2 = moons()\ntrain c on fashion { eval on m2 }\n",
               "9:30 DataShapeMismatch", "dataset 'm2' yields [2]"});
  return c;
}

INSTANTIATE_TEST_SUITE_P(Kinds, SemaDiagnostics, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace genc::test
