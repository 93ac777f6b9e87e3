// Builders shared by the graph IR unit tests: nodes with explicit types, and a small
// well-formed VAE program (dataset, model with two roles, train).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/program.h"
#include "compiler/support/source.h"

namespace genc::ir::testing {

inline ValueType f32(std::vector<int64_t> dims) { return ValueType::tensor(std::move(dims)); }

inline ValueType i64(std::vector<int64_t> dims, int64_t classes = 0) {
  ValueType t = ValueType::tensor(std::move(dims), DType::I64);
  t.classes = classes;
  return t;
}

inline ValueType dist(ValueKind kind, std::vector<int64_t> dims, int64_t classes = 0) {
  ValueType t = ValueType::tensor(std::move(dims));
  t.kind = kind;
  t.classes = classes;
  return t;
}

inline Node make_node(Op op, std::vector<ValueRef> inputs, std::vector<ValueType> outputs,
                      Attrs attrs = {}, std::string name = "") {
  Node n;
  n.op = op;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  n.name = std::move(name);
  return n;
}

inline ValueRef v(NodeId id, int port = 0) { return ValueRef{id, port}; }

inline SourceRange range(const SourceFile* file, int l0, int c0, int l1, int c1) {
  return SourceRange{file, SourceLoc{l0, c0}, SourceLoc{l1, c1}};
}

/// encoder q(x: f32[1,28,28]) -> gaussian[20]:
///   %0 input, %1 flatten, %2 linear 400, %3 relu, %4 linear 40, %5 split 2, %6 gaussian(%5, %5#1),
///   %7 output
inline Function make_encoder(const SourceFile* file) {
  Function f;
  f.role = "encoder";
  f.name = "q";
  f.params = {Param{"x", f32({1, 28, 28})}};
  f.result = dist(ValueKind::Gaussian, {20});
  f.loc = range(file, 8, 3, 11, 4);
  Graph& g = f.graph;
  NodeId x = g.add(make_node(Op::Input, {}, {f32({1, 28, 28})},
                             {{"index", int64_t{0}}, {"name", std::string("x")}}));
  g.node(x).loc = range(file, 8, 13, 8, 14);
  NodeId flat = g.add(make_node(Op::Flatten, {v(x)}, {f32({784})}));
  NodeId h = g.add(make_node(Op::Linear, {v(flat)}, {f32({400})},
                             {{"bias", true}, {"out", int64_t{400}}}, "q.h.linear0"));
  g.node(h).loc = range(file, 9, 22, 9, 36);
  NodeId r = g.add(make_node(Op::Relu, {v(h)}, {f32({400})}));
  NodeId l = g.add(make_node(Op::Linear, {v(r)}, {f32({40})}, {{"out", int64_t{40}}}, "q.linear1"));
  NodeId s = g.add(make_node(Op::Split, {v(l)}, {f32({20}), f32({20})},
                             {{"dim", int64_t{0}}, {"parts", int64_t{2}}}));
  NodeId gs = g.add(make_node(Op::Gaussian, {v(s), v(s, 1)}, {f.result}));
  g.add(make_node(Op::Output, {v(gs)}, {}));
  return f;
}

/// decoder p(z: f32[20]) -> bernoulli[1,28,28]: input, linear 784, reshape, bernoulli, output.
inline Function make_decoder() {
  Function f;
  f.role = "decoder";
  f.name = "p";
  f.params = {Param{"z", f32({20})}};
  f.result = dist(ValueKind::Bernoulli, {1, 28, 28});
  Graph& g = f.graph;
  NodeId z = g.add(
      make_node(Op::Input, {}, {f32({20})}, {{"index", int64_t{0}}, {"name", std::string("z")}}));
  NodeId l =
      g.add(make_node(Op::Linear, {v(z)}, {f32({784})}, {{"out", int64_t{784}}}, "p.linear0"));
  NodeId r = g.add(make_node(Op::Reshape, {v(l)}, {f32({1, 28, 28})},
                             {{"shape", std::vector<int64_t>{1, 28, 28}}}));
  NodeId b = g.add(make_node(Op::Bernoulli, {v(r)}, {f.result}));
  g.add(make_node(Op::Output, {v(b)}, {}));
  return f;
}

/// A well-formed program: dataset `fashion`, model `vae` (encoder q, decoder p), a train.
inline Program make_vae_program(SourceManager& sources) {
  const SourceFile* file = sources.placeholder("examples/vae.gen");
  Program p;
  Dataset d;
  d.name = "fashion";
  d.source = Setting{"fashion_mnist", {{"split", std::string("train")}}, range(file, 3, 16, 3, 45)};
  d.transforms.push_back(Setting{"binarize", {}, {}});
  d.x = f32({1, 28, 28});
  d.y = i64({}, 10);
  d.loc = range(file, 3, 1, 3, 45);
  p.datasets.push_back(d);

  Model m;
  m.name = "vae";
  m.hyperparams = {{"hidden", int64_t{400}}, {"latent", int64_t{20}}};
  m.objective = Setting{"elbo", {{"beta", 1.0}}, range(file, 17, 3, 17, 27)};
  m.roles.push_back(make_encoder(file));
  m.roles.push_back(make_decoder());
  m.loc = range(file, 7, 1, 18, 2);
  p.models.push_back(std::move(m));

  Train t;
  t.model = "vae";
  t.data = "fashion";
  t.settings.push_back(Setting{"batch", {{"value", int64_t{128}}}, {}});
  t.settings.push_back(Setting{"optimizer", {{"kind", std::string("adam")}, {"lr", 0.001}}, {}});
  t.loc = range(file, 20, 1, 24, 2);
  p.trains.push_back(t);
  return p;
}

}  // namespace genc::ir::testing
