// Model families: the objective / sampler / role-meeting checks.
#include "compiler/sema/objectives.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace genc::sema {

namespace {

using ast::RoleKind;

struct Family {
  const char* objective;
  std::vector<RoleKind> allowed;
};

const std::vector<Family>& families() {
  static const std::vector<Family> f = {
      {"elbo", {RoleKind::Encoder, RoleKind::Decoder}},
      {"gan", {RoleKind::Generator, RoleKind::Discriminator}},
      {"nll", {RoleKind::Flow, RoleKind::Autoregressive}},
      {"denoise", {RoleKind::Denoiser}},
      {"classify", {RoleKind::Discriminator}},
  };
  return f;
}

const RoleInfo* find_role(const std::vector<RoleInfo>& roles, RoleKind kind) {
  for (const RoleInfo& r : roles)
    if (r.decl->kind == kind) return &r;
  return nullptr;
}

std::string roles_text(const std::vector<std::string>& kinds) {
  if (kinds.size() == 1) return "a " + kinds[0] + " role";
  std::string out;
  for (size_t k = 0; k < kinds.size(); ++k)
    out += (k == 0 ? "" : k + 1 == kinds.size() ? " and " : ", ") + kinds[k];
  return out + " roles";
}

SourceRange where(const RoleInfo& r) {
  return r.decl->name_range.valid() ? r.decl->name_range : r.decl->range;
}

void meet_error(DiagnosticEngine& diags, const RoleInfo& at, const RoleInfo& other,
                std::string message) {
  Diagnostic& d = diags.report(DiagKind::RolesDontMeet, where(at), {std::move(message)});
  diags.add_note(d, where(other),
                 fmt::format("{} '{}' is declared here", ast::role_kind_name(other.decl->kind),
                             other.decl->name));
}

// The objective's roles: MissingRole / ObjectiveMismatch. False when the roles don't fit.
bool check_objective_roles(const ast::ModelDecl& decl, const ir::Setting& objective,
                           const std::vector<RoleInfo>& roles, bool has_schedule,
                           DiagnosticEngine& diags) {
  const Family* fam = nullptr;
  for (const Family& f : families())
    if (objective.name == f.objective) fam = &f;
  if (!fam) return false;
  std::vector<std::string> foreign;
  std::set<RoleKind> present;
  for (const RoleInfo& r : roles) {
    present.insert(r.decl->kind);
    if (std::find(fam->allowed.begin(), fam->allowed.end(), r.decl->kind) == fam->allowed.end()) {
      std::string k = ast::role_kind_name(r.decl->kind);
      if (std::find(foreign.begin(), foreign.end(), k) == foreign.end()) foreign.push_back(k);
    }
  }
  if (!foreign.empty()) {
    diags.report(DiagKind::ObjectiveMismatch, objective.loc, {objective.name, roles_text(foreign)});
    return false;
  }
  auto missing = [&](const std::string& what) {
    diags.report(DiagKind::MissingRole, objective.loc, {decl.name, objective.name, what});
    return false;
  };
  if (objective.name == "nll") {
    if (present.count(RoleKind::Flow) && present.count(RoleKind::Autoregressive)) {
      diags.report(DiagKind::ObjectiveMismatch, objective.loc,
                   {objective.name, "both flow and autoregressive roles"});
      return false;
    }
    if (present.empty()) return missing("flow or autoregressive");
    return true;
  }
  bool ok = true;
  for (RoleKind k : fam->allowed)
    if (!present.count(k)) ok = missing(ast::role_kind_name(k));
  if (objective.name == "denoise" && !has_schedule) ok = missing("schedule");
  return ok;
}

void check_meets(const std::vector<RoleInfo>& roles, DiagnosticEngine& diags) {
  auto usable = [](const RoleInfo* r) { return r && r->signature_ok; };
  const RoleInfo* enc = find_role(roles, RoleKind::Encoder);
  const RoleInfo* dec = find_role(roles, RoleKind::Decoder);
  if (usable(enc) && usable(dec)) {
    if (enc->fn && enc->fn->result.dims != dec->params[0].dims)
      meet_error(diags, *dec, *enc,
                 fmt::format("encoder '{}' produces a latent of {}, but decoder '{}' takes z: {}",
                             enc->decl->name, ir::shape_str(enc->fn->result.dims), dec->decl->name,
                             type_text(dec->params[0])));
    if (dec->fn && dec->fn->result.dims != enc->params[0].dims)
      meet_error(
          diags, *dec, *enc,
          fmt::format("decoder '{}' returns a distribution over {}, but encoder '{}' takes x: {}",
                      dec->decl->name, ir::shape_str(dec->fn->result.dims), enc->decl->name,
                      type_text(enc->params[0])));
  }
  const RoleInfo* gen = find_role(roles, RoleKind::Generator);
  const RoleInfo* dis = find_role(roles, RoleKind::Discriminator);
  if (usable(gen) && usable(dis)) {
    if (*gen->declared != dis->params[0])
      meet_error(diags, *dis, *gen,
                 fmt::format("generator '{}' produces {}, but discriminator '{}' takes x: {}",
                             gen->decl->name, type_text(*gen->declared), dis->decl->name,
                             type_text(dis->params[0])));
    bool gen_y = gen->params.size() > 1, dis_y = dis->params.size() > 1;
    if (gen_y != dis_y)
      meet_error(
          diags, *dis, *gen,
          fmt::format(
              "{} '{}' takes a label but {} '{}' does not; a conditional GAN labels both",
              gen_y ? "generator" : "discriminator", gen_y ? gen->decl->name : dis->decl->name,
              gen_y ? "discriminator" : "generator", gen_y ? dis->decl->name : gen->decl->name));
    else if (gen_y && gen->params[1] != dis->params[1])
      meet_error(diags, *dis, *gen,
                 fmt::format("generator '{}' takes y: {}, but discriminator '{}' takes y: {}",
                             gen->decl->name, type_text(gen->params[1]), dis->decl->name,
                             type_text(dis->params[1])));
  }
  for (const RoleInfo& r : roles) {
    if (r.decl->kind != RoleKind::Denoiser || !r.signature_ok || *r.declared == r.params[0])
      continue;
    diags.report(DiagKind::RolesDontMeet, where(r),
                 {fmt::format("denoiser '{}' must return the type of its x ({}), but declares {}",
                              r.decl->name, type_text(r.params[0]), type_text(*r.declared))});
  }
}

void check_discriminator_result(const ir::Setting& objective, const std::vector<RoleInfo>& roles,
                                DiagnosticEngine& diags) {
  const RoleInfo* dis = find_role(roles, RoleKind::Discriminator);
  if (!dis || !dis->signature_ok) return;
  const std::vector<int64_t>& dims = dis->declared->dims;
  if (objective.name == "gan" && dims != std::vector<int64_t>{1})
    diags.report(
        DiagKind::RoleSignature, where(*dis),
        {fmt::format("discriminator '{}' must return [1] (a logit) for objective 'gan', not {}",
                     dis->decl->name, type_text(*dis->declared))});
  if (objective.name == "classify" && (dims.size() != 1 || dims[0] < 2 || dis->params.size() > 1))
    diags.report(
        DiagKind::RoleSignature, where(*dis),
        {fmt::format(
            "discriminator '{}' must take only x and return [K] class logits for objective "
            "'classify'",
            dis->decl->name)});
}

void check_sampler(const ir::Setting& sampler, const std::vector<RoleInfo>& roles,
                   DiagnosticEngine& diags) {
  RoleKind needs = sampler.name == "sample"    ? RoleKind::Autoregressive
                  : sampler.name == "inverse" ? RoleKind::Flow
                                              : RoleKind::Denoiser;
  if (find_role(roles, needs)) return;
  const char* role = needs == RoleKind::Denoiser ? "a denoiser"
                     : needs == RoleKind::Flow   ? "a flow"
                                                 : "an autoregressive";
  diags.report(DiagKind::TypeError, sampler.loc,
               {fmt::format("sampler '{}' needs {} role", sampler.name, role)});
}

}  // namespace

void check_model_family(const ast::ModelDecl& decl, const ir::Model& model,
                        const std::vector<RoleInfo>& roles, DiagnosticEngine& diags) {
  check_meets(roles, diags);
  if (model.sampler) check_sampler(*model.sampler, roles, diags);
  if (!model.objective) return;
  if (check_objective_roles(decl, *model.objective, roles, !model.schedules.empty(), diags))
    check_discriminator_result(*model.objective, roles, diags);
}

}  // namespace genc::sema
