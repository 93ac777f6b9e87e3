// classify: a classifier trained with cross-entropy on the data's labels (the reference
// classifier for Fréchet distances). Its role (sema's `discriminator C(x: T) -> [K]`, or
// the model's only role) maps x to logits [K] or a categorical of K; step and eval report
// the loss and the accuracy.
#include "compiler/lower/graph_builder.h"
#include "compiler/lower/objectives.h"

namespace genc::lower {
namespace {

using ir::Op;
using ir::ValueRef;

Routine classify_routine(const ir::Function& net, const ir::ValueType& label, SourceRange loc,
                         const std::string& name) {
  GraphBuilder b(loc);
  ValueRef x = b.input("x", net.params[0].type);
  ValueRef y = b.input("y", label);
  ValueRef logits = b.inline_role(net, {x}).values[0];
  b.output("loss", b.op(Op::CategoricalNll, {logits, y}));
  b.output("accuracy", b.op(Op::Correct, {logits, y}));
  return b.finish(name);
}

}  // namespace

std::optional<TrainingProgram> lower_classify(const ir::Model& model, DiagnosticEngine& diags) {
  const ir::Setting& objective = *model.objective;  // classify has no options
  const ir::Function* net = model.role("discriminator");
  if (!net && model.roles.size() == 1) net = &model.roles[0];
  if (!net) {
    diags.report(DiagKind::MissingRole, objective.loc, {model.name, objective.name, "discriminator"});
    return std::nullopt;
  }
  // Logits [K] (a tensor, or a categorical's logits) for one label of K.
  const ir::ValueType& result = net->result;
  bool categorical = result.kind == ir::ValueKind::Categorical && result.dims.empty();
  bool logits = result.kind == ir::ValueKind::Tensor && result.dtype == ir::DType::F32 && result.rank() == 1;
  if (net->params.size() != 1 || !(categorical || logits)) {
    diags.report(DiagKind::RoleSignature, net->loc,
                 {"classify needs a role of one input that returns logits [K] or a categorical of K"});
    return std::nullopt;
  }
  ir::ValueType label = ir::ValueType::tensor({}, ir::DType::I64);
  label.classes = categorical ? result.classes : result.dims[0];

  TrainingProgram program;
  program.model = model.name;
  program.objective = objective.name;
  program.optimizers.push_back({"model", {net->name}, param_names(model, {net->name})});
  Step step;
  static_cast<Routine&>(step) = classify_routine(*net, label, objective.loc, "classify");
  step.optimizer = "model";
  program.steps.push_back(std::move(step));
  program.eval = classify_routine(*net, label, objective.loc, "eval");
  return program;
}

}  // namespace genc::lower
