// Helpers of the executor tests: compiling LANGUAGE.md's examples (frontend, sema, the
// pass pipeline, lowering) with shrinking --set overrides, and small graph builders.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/frontend/frontend.h"
#include "compiler/ir/shape_fns.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"
#include "compiler/sema/sema.h"
#include "tests/unit/frontend/language_examples.h"

namespace genc::runtime::testing {

/// The text of LANGUAGE.md's example `name` ("vae_fashion.gen", ...).
inline std::string example_text(const std::string& name) {
  for (const auto& [n, text] : genc::test::language_examples())
    if (n == name) return text;
  ADD_FAILURE() << "no LANGUAGE.md example " << name;
  return "";
}

/// A program compiled from source, with the sources it refers to kept alive.
struct Compiled {
  SourceManager sources;
  DiagnosticEngine diags;
  std::optional<ir::Program> program;

  const ir::Model& model() const { return program->models.at(0); }
  const ir::Train& train() const { return program->trains.at(0); }
};

/// Parses, analyses and optimizes `text` (verifying after every pass).
inline std::unique_ptr<Compiled> compile(const std::string& text,
                                         std::vector<std::pair<std::string, std::string>> overrides = {}) {
  auto c = std::make_unique<Compiled>();
  const SourceFile* file = c->sources.add("test.gen", text);
  std::optional<frontend::ParsedUnit> unit = frontend::parse_program(*file, c->sources, c->diags);
  if (unit) {
    sema::Options options;
    options.overrides = std::move(overrides);
    c->program = sema::analyze(*unit, options, c->diags);
  }
  EXPECT_TRUE(c->program.has_value()) << c->diags.render();
  if (c->program) passes::optimize(*c->program, {/*verify_each=*/true});
  return c;
}

/// Lowers the first model of a compiled program; the test fails on diagnostics.
inline lower::TrainingProgram lower_first(const Compiled& c) {
  DiagnosticEngine diags;
  std::optional<lower::TrainingProgram> p = lower::lower(c.model(), diags);
  EXPECT_TRUE(p.has_value()) << diags.render();
  return p ? std::move(*p) : lower::TrainingProgram{};
}

/// A small class-conditional GAN on Fashion-MNIST (both roles embed the label) with the
/// given gan loss.
inline std::string conditional_gan(const std::string& loss) {
  return R"gen(
data fashion = fashion_mnist(split: "train") |> scale(-1, 1)
model cgan(nz: 8) {
  generator G(z: [nz], y: label of 10) -> [1,28,28] {
    h = concat(z, embed(y, 4), dim: 0) |> linear(784) |> tanh
    return reshape(h, [1,28,28])
  }
  discriminator D(x: [1,28,28], y: label of 10) -> [1] {
    h = concat(flatten(x), embed(y, 4), dim: 0) |> linear(16) |> leaky_relu(0.2)
    return linear(h, 1)
  }
  objective gan(loss: ")gen" + loss + R"gen(")
}
train cgan on fashion { batch 16  optimizer adam(lr: 2e-4) }
)gen";
}

/// Builds a graph node by node with inferred types (test graphs are well typed).
class GraphMaker {
 public:
  ir::Graph graph;

  ir::ValueRef input(ir::ValueType type, int64_t index) {
    return add(ir::Op::Input, {}, {{"index", index}, {"name", std::string(index == 0 ? "x" : "y")}}, &type);
  }
  ir::ValueRef op(ir::Op op, std::vector<ir::ValueRef> in, ir::Attrs attrs = {}, std::string name = "") {
    return add(op, std::move(in), std::move(attrs), nullptr, std::move(name));
  }
  /// The names of the graph's Input nodes, by index.
  std::vector<std::string> input_names() const {
    std::vector<std::string> names(graph.find(ir::Op::Input).size());
    for (ir::NodeId id : graph.find(ir::Op::Input))
      names.at(static_cast<size_t>(ir::attr_int(graph.node(id).attrs, "index"))) = ir::attr_string(graph.node(id).attrs, "name");
    return names;
  }
  void output(ir::ValueRef v, int64_t index = 0) {
    add(ir::Op::Output, {v}, {{"index", index}, {"name", std::string("out") + std::to_string(index)}}, nullptr);
  }

 private:
  ir::ValueRef add(ir::Op op, std::vector<ir::ValueRef> in, ir::Attrs attrs, const ir::ValueType* given,
                   std::string name = "") {
    std::vector<ir::ValueType> types;
    for (const ir::ValueRef& v : in) types.push_back(graph.type(v));
    ir::ShapeResult r = ir::infer_shape(op, types, attrs, given);
    EXPECT_TRUE(r.ok) << "ill-typed test node " << ir::op_name(op);
    ir::Node n;
    n.op = op;
    n.inputs = std::move(in);
    n.outputs = r.outputs;
    n.attrs = std::move(attrs);
    n.name = std::move(name);
    return {graph.add(std::move(n)), 0};
  }
};

inline ir::ValueType f32(std::vector<int64_t> dims) { return ir::ValueType::tensor(std::move(dims)); }

}  // namespace genc::runtime::testing
