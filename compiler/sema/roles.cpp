// Roles: signature rules per role kind, parameter types, building the role's graph
// (Input nodes, the body, one Output node) and checking the returned value.
//
// Signatures (RoleSignature when violated):
//   encoder        (x: T) -> gaussian
//   decoder        (z: [d]) -> bernoulli | gaussian | categorical
//   generator      (z: [d] [, y: label of K]) -> [..]
//   discriminator  (x: T [, y: label of K]) -> [..]   ([1] for gan, [K] for classify)
//   flow           (x: T) -> normal (or a declared prior)
//   denoiser       (x: T, t: time [, y: label of K]) -> [..]
//   autoregressive (x: tokens[L] of V) -> categorical
#include "compiler/sema/roles.h"

#include "compiler/sema/causality.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/sema/evaluator.h"

namespace genc::sema {
namespace {

using ast::RoleKind;
using ast::TypeKind;

bool is_kind(const ast::Param& p, TypeKind k) { return p.type && p.type->kind == k; }
bool named_result(const ast::RoleDecl& r) { return r.result && r.result->kind == TypeKind::Named; }
bool tensor_result(const ast::RoleDecl& r) {
  return r.result && r.result->kind == TypeKind::Tensor;
}

// The first rule the declaration breaks, or "".
std::string signature_problem(const ast::RoleDecl& r, const std::vector<std::string>& priors) {
  const std::string who = fmt::format("{} '{}'", ast::role_kind_name(r.kind), r.name);
  const auto& ps = r.params;
  for (const ast::Param& p : ps)
    if (!p.type) return fmt::format("parameter '{}' of {} needs a type", p.name, who);
  auto optional_label = [&](size_t from) {
    return ps.size() == from || (ps.size() == from + 1 && is_kind(ps[from], TypeKind::Label));
  };
  switch (r.kind) {
    case RoleKind::Encoder:
      if (ps.size() != 1 || !is_kind(ps[0], TypeKind::Tensor))
        return who + " must take one tensor: (x: [...])";
      if (!named_result(r) || r.result->name != "gaussian") return who + " must return gaussian";
      return "";
    case RoleKind::Decoder:
      if (ps.size() != 1 || !is_kind(ps[0], TypeKind::Tensor) || ps[0].type->dims.size() != 1)
        return who + " must take one latent vector: (z: [d])";
      if (!named_result(r) || (r.result->name != "bernoulli" && r.result->name != "gaussian" &&
                               r.result->name != "categorical"))
        return who + " must return bernoulli, gaussian or categorical";
      return "";
    case RoleKind::Generator:
      if (ps.empty() || !is_kind(ps[0], TypeKind::Tensor) || ps[0].type->dims.size() != 1 ||
          !optional_label(1))
        return who + " must take a noise vector and optionally a label: (z: [d], y: label of K)";
      if (!tensor_result(r)) return who + " must declare the tensor it returns, e.g. -> [1,28,28]";
      return "";
    case RoleKind::Discriminator:
      if (ps.empty() || !is_kind(ps[0], TypeKind::Tensor) || !optional_label(1))
        return who + " must take a sample and optionally a label: (x: [...], y: label of K)";
      if (!tensor_result(r)) return who + " must declare the tensor it returns, e.g. -> [1]";
      return "";
    case RoleKind::Flow:
      if (ps.size() != 1 || !is_kind(ps[0], TypeKind::Tensor))
        return who + " must take one tensor: (x: [...])";
      if (!named_result(r) ||
          (r.result->name != "normal" &&
           std::find(priors.begin(), priors.end(), r.result->name) == priors.end()))
        return who + " must return normal (or a declared prior)";
      return "";
    case RoleKind::Denoiser:
      if (ps.size() < 2 || !is_kind(ps[0], TypeKind::Tensor) || !is_kind(ps[1], TypeKind::Time) ||
          !optional_label(2))
        return who +
               " must take a sample, a time and optionally a label: (x: [...], t: time, y: label "
               "of K)";
      if (!tensor_result(r)) return who + " must declare the tensor it returns (the type of x)";
      return "";
    case RoleKind::Autoregressive:
      if (ps.size() != 1 || !is_kind(ps[0], TypeKind::Tokens))
        return who + " must take tokens: (x: tokens[L] of V)";
      if (!named_result(r) || r.result->name != "categorical")
        return who + " must return categorical";
      return "";
  }
  return "";
}

// Whether the returned value fits the role; `expected` says what it must be.
/// `factored`: the elements per example that a flow's factor_out steps sent to the prior.
bool return_fits(const RoleInfo& info, const Value& ret, std::string& expected, int64_t factored) {
  const ast::RoleDecl& r = *info.decl;
  const ir::ValueType& t = ret.type;
  switch (r.kind) {
    case RoleKind::Encoder:
      expected = "gaussian";
      return t.kind == ir::ValueKind::Gaussian;
    case RoleKind::Decoder:
      expected = info.declared_name;
      if (info.declared_name == "bernoulli") return t.kind == ir::ValueKind::Bernoulli;
      if (info.declared_name == "gaussian") return t.kind == ir::ValueKind::Gaussian;
      return t.kind == ir::ValueKind::Categorical;
    case RoleKind::Generator:
    case RoleKind::Discriminator:
    case RoleKind::Denoiser:
      expected = type_text(*info.declared);
      return t == *info.declared;
    case RoleKind::Flow: {
      const ir::ValueType& x = info.params[0];
      expected = factored == 0 ? fmt::format("a tensor of {} elements, like x", x.numel())
                               : fmt::format("a tensor of {} elements (x's {} less the {} factored out)",
                                             x.numel() - factored, x.numel(), factored);
      return t.kind == ir::ValueKind::Tensor && t.dtype == ir::DType::F32 && t.numel() + factored == x.numel();
    }
    case RoleKind::Autoregressive: {
      const ir::ValueType& x = info.params[0];
      ir::ValueType want;
      want.kind = ir::ValueKind::Categorical;
      want.dims = x.dims;
      want.classes = x.classes;
      expected = type_text(want);
      return t == want;
    }
  }
  return true;
}

}  // namespace

RoleInfo analyze_role(const ast::RoleDecl& decl, Scope& model_scope,
                      const std::vector<std::string>& priors, Globals& globals,
                      DiagnosticEngine& diags) {
  RoleInfo info;
  info.decl = &decl;
  check_body_structure(decl.body, diags);
  std::string problem = signature_problem(decl, priors);
  if (!problem.empty()) {
    diags.report(DiagKind::RoleSignature, decl.name_range.valid() ? decl.name_range : decl.range,
                 {problem});
    return info;
  }

  ir::Function fn;
  fn.role = ast::role_kind_name(decl.kind);
  fn.name = decl.name;
  fn.loc = decl.range;
  Evaluator ev(globals, diags, &fn.graph, decl.name);

  // Parameter and result types; dimensions may use hyperparameters.
  bool types_ok = true;
  for (const ast::Param& p : decl.params) {
    std::optional<ir::ValueType> t = ev.resolve_type(*p.type, model_scope);
    types_ok = types_ok && t.has_value();
    info.params.push_back(t.value_or(ir::ValueType{}));
  }
  if (decl.result->kind == TypeKind::Named) {
    info.declared_name = decl.result->name;
  } else {
    info.declared = ev.resolve_type(*decl.result, model_scope);
    types_ok = types_ok && info.declared.has_value();
  }
  if (!types_ok) return info;
  info.signature_ok = true;

  Scope scope(&model_scope);
  for (size_t k = 0; k < decl.params.size(); ++k) {
    const ast::Param& p = decl.params[k];
    if (scope.local(p.name)) {
      diags.report(DiagKind::Redefinition, p.range, {p.name});
      return info;
    }
    fn.params.push_back(ir::Param{p.name, info.params[k]});
    scope.bind(p.name, ev.builder().input(p.name, static_cast<int>(k), info.params[k], p.range),
               p.range);
  }

  const int errors_before = diags.error_count();
  ev.builder().set_flow_chain(decl.kind == RoleKind::Flow);
  Value ret = Value::error();
  Evaluator::Exit exit = ev.exec(decl.body, scope, ret);
  ev.builder().set_flow_chain(false);
  if (exit == Evaluator::Exit::Normal)
    diags.report(DiagKind::MissingReturn, decl.name_range.valid() ? decl.name_range : decl.range,
                 {decl.name});
  if (exit != Evaluator::Exit::Returned || ret.has_error() || diags.error_count() > errors_before)
    return info;

  // Exit::Returned at role level means a role-level return ran.
  const ast::Stmt& ret_stmt = *ev.last_return();
  std::string expected;
  int64_t factored = 0;
  for (ir::NodeId id : ev.builder().graph().find(ir::Op::FactorOut))
    factored += ev.builder().graph().node(id).outputs.at(2).numel();
  if (!return_fits(info, ret, expected, factored) || !ret.is_tensor()) {
    std::string got = ret.is_tensor() ? type_text(ret.type) : kind_text(ret);
    const SourceRange at = ret_stmt.value ? ret_stmt.value->range : ret_stmt.range;
    diags.report(DiagKind::RoleReturnType, at, {decl.name, expected, got});
    return info;
  }
  ev.builder().output(ret, ret_stmt.value ? ret_stmt.value->range : ret_stmt.range);
  fn.result = ret.type;
  if (decl.kind == RoleKind::Autoregressive && !check_causality(fn, ev.builder(), diags)) return info;
  info.fn = std::move(fn);
  return info;
}

}  // namespace genc::sema
