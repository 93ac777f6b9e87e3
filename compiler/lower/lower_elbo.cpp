// elbo(beta, samples, iw): a VAE's training step, eval graph and sample graph.
//
// 1. Step "elbo" (optimizer "model" over encoder and decoder): q(x) gives (mean, logvar);
//    each example is repeated `samples` times, z = mean + exp(logvar/2) * eps with
//    eps ~ N(0,I) (reparameterisation); the decoder's distribution gives the
//    reconstruction NLL of x, averaged over the samples; loss = recon + beta * KL(q || N(0,I)).
// 2. Eval: the same with one sample, reporting loss, elbo (= -(recon + KL)), recon, kl,
//    bits per dimension and, with `iw: K`, the importance-weighted bound
//    log mean_k p(x|z_k) p(z_k) / q(z_k|x) over K draws.
// 3. Sample: z ~ N(0,I) -> decoder -> its mean (bernoulli probabilities, gaussian mean,
//    categorical expected level in [0,1]).
#include <cmath>

#include "compiler/lower/graph_builder.h"
#include "compiler/lower/objectives.h"

namespace genc::lower {
namespace {

using ir::Op;
using ir::ValueRef;

struct Vae {
  const ir::Function* encoder;
  const ir::Function* decoder;
  ir::ValueType x;       ///< one example
  ir::ValueType latent;  ///< the decoder's z
};

/// -log p(x | decoder result), summed over the event: f32[].
ValueRef reconstruction_nll(GraphBuilder& b, const RoleResult& p, ValueRef x) {
  switch (p.kind) {
    case ir::ValueKind::Bernoulli:
      return b.op(Op::BernoulliNll, {p.values[0], x});
    case ir::ValueKind::Gaussian:
      return b.op(Op::GaussianNll, {p.values[0], p.values[1], x});
    case ir::ValueKind::Categorical:
      return b.op(Op::CategoricalNll, {p.values[0], x});
    case ir::ValueKind::Tensor:
      break;
  }
  internal_error("elbo: the decoder does not return a distribution");
}

/// Repeats each row `times` times (identity for 1).
ValueRef repeat(GraphBuilder& b, ValueRef v, int64_t times) {
  if (times == 1) return v;
  return b.op(Op::RepeatBatch, {v}, {{"times", times}});
}

struct ElboTerms {
  ValueRef recon;  ///< f32[], averaged over `samples` draws
  ValueRef kl;     ///< f32[]
};

/// The encoder's (mean, logvar) for x.
RoleResult encode(GraphBuilder& b, const Vae& vae, ValueRef x) {
  RoleResult q = b.inline_role(*vae.encoder, {x});
  GENC_ASSERT(q.kind == ir::ValueKind::Gaussian, "elbo: the encoder does not return a gaussian");
  return q;
}

ElboTerms elbo_terms(GraphBuilder& b, const Vae& vae, const RoleResult& q, ValueRef x, int64_t samples) {
  ValueRef mean = repeat(b, q.values[0], samples);
  ValueRef logvar = repeat(b, q.values[1], samples);
  ValueRef eps = b.op(Op::Randn, {}, {{"shape", vae.latent.dims}});
  ValueRef z = b.op(Op::Reparam, {mean, logvar, eps});
  RoleResult p = b.inline_role(*vae.decoder, {z});
  ValueRef recon = reconstruction_nll(b, p, repeat(b, x, samples));
  if (samples > 1) recon = b.op(Op::ReduceSamples, {recon}, {{"times", samples}, {"how", std::string("mean")}});
  return {recon, b.op(Op::KlStdNormal, {q.values[0], q.values[1]})};
}

Step train_step(const Vae& vae, SourceRange loc, double beta, int64_t samples) {
  GraphBuilder b(loc);
  ValueRef x = b.input("x", vae.x);
  ElboTerms t = elbo_terms(b, vae, encode(b, vae, x), x, samples);
  b.output("loss", add(b, t.recon, scale(b, beta, t.kl)));
  b.output("recon", t.recon);
  b.output("kl", t.kl);
  Step step;
  static_cast<Routine&>(step) = b.finish("elbo");
  step.optimizer = "model";
  return step;
}

Routine eval_routine(const Vae& vae, SourceRange loc, int64_t iw) {
  GraphBuilder b(loc);
  ValueRef x = b.input("x", vae.x);
  RoleResult q = encode(b, vae, x);
  ElboTerms t = elbo_terms(b, vae, q, x, 1);
  ValueRef loss = add(b, t.recon, t.kl);
  b.output("loss", loss);
  b.output("elbo", b.op(Op::Neg, {loss}));
  b.output("recon", t.recon);
  b.output("kl", t.kl);
  b.output("bpd", scale(b, 1.0 / (static_cast<double>(vae.x.numel()) * std::log(2.0)), loss));
  if (iw > 0) {
    // log w_k = log p(x|z_k) + log p(z_k) - log q(z_k|x), z_k ~ q(z|x), k = 1..K.
    ValueRef mean = repeat(b, q.values[0], iw);
    ValueRef logvar = repeat(b, q.values[1], iw);
    ValueRef eps = b.op(Op::Randn, {}, {{"shape", vae.latent.dims}});
    ValueRef z = b.op(Op::Reparam, {mean, logvar, eps});
    RoleResult p = b.inline_role(*vae.decoder, {z});
    ValueRef log_px = b.op(Op::Neg, {reconstruction_nll(b, p, repeat(b, x, iw))});
    ValueRef log_pz = b.op(Op::StdNormalLogpdf, {z});
    ValueRef log_qz = b.op(Op::NormalLogpdf, {z, mean, logvar});
    ValueRef log_w = b.op(Op::Sub, {add(b, log_px, log_pz), log_qz});
    b.output("iw_elbo", b.op(Op::ReduceSamples, {log_w}, {{"times", iw}, {"how", std::string("logmeanexp")}}));
  }
  return b.finish("eval");
}

Routine sample_routine(const Vae& vae, SourceRange loc) {
  GraphBuilder b(loc);
  ValueRef z = b.op(Op::Randn, {}, {{"shape", vae.latent.dims}});
  RoleResult p = b.inline_role(*vae.decoder, {z});
  ValueRef mean;
  switch (p.kind) {
    case ir::ValueKind::Bernoulli:
      mean = b.op(Op::Sigmoid, {p.values[0]});
      break;
    case ir::ValueKind::Gaussian:
      mean = p.values[0];
      break;
    case ir::ValueKind::Categorical:
      mean = b.op(Op::CategoricalMean, {p.values[0]});
      break;
    case ir::ValueKind::Tensor:
      internal_error("elbo: the decoder does not return a distribution");
  }
  b.output("x", mean);
  return b.finish("sample");
}

}  // namespace

std::optional<TrainingProgram> lower_elbo(const ir::Model& model, DiagnosticEngine& diags) {
  const ir::Setting& objective = *model.objective;
  const ir::ElboOptions options = ir::read_options<ir::ElboOptions>(objective);
  const ir::Function* encoder = require_role(model, "encoder", diags);
  const ir::Function* decoder = require_role(model, "decoder", diags);
  bool ok = require_normal_prior(model, diags);
  if (!ok || !encoder || !decoder) return std::nullopt;
  for (const ir::Function* role : {encoder, decoder}) {
    if (role->params.size() == 1) continue;
    diags.report(DiagKind::RoleSignature, role->loc,
                 {"elbo needs an encoder and a decoder of one parameter each; '" + role->name + "' takes " +
                  std::to_string(role->params.size())});
    return std::nullopt;
  }

  Vae vae{encoder, decoder, encoder->params[0].type, decoder->params[0].type};
  TrainingProgram program;
  program.model = model.name;
  program.objective = objective.name;
  program.optimizers.push_back({"model", {encoder->name, decoder->name},
                                param_names(model, {encoder->name, decoder->name})});
  program.steps.push_back(train_step(vae, objective.loc, options.beta, options.samples));
  program.eval = eval_routine(vae, objective.loc, options.iw);
  program.sample = Loop::straight(sample_routine(vae, objective.loc));
  return program;
}

}  // namespace genc::lower
