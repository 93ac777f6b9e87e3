// Unit tests of the graph IR text form: the exact printed syntax, print/parse round trips
// over every attribute kind, value type, multi-result node, location and program part,
// parser errors with their line:col, robustness on truncated and mutated text, and DOT.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "compiler/ir/dot.h"
#include "compiler/ir/parser.h"
#include "compiler/ir/printer.h"
#include "compiler/ir/verifier.h"
#include "tests/unit/ir/ir_test_util.h"

namespace genc::ir {
namespace {

using testing::dist;
using testing::f32;
using testing::i64;
using testing::make_node;
using testing::range;
using testing::v;

std::optional<Program> parse_text(SourceManager& sources, DiagnosticEngine& diags,
                                  std::string text) {
  const SourceFile* file = sources.add("test.gir", std::move(text));
  return parse_ir(*file, sources, diags);
}

/// print(parse(text)), failing the test if `text` does not parse.
std::string reprint(const std::string& text) {
  SourceManager sources;
  DiagnosticEngine diags;
  std::optional<Program> p = parse_text(sources, diags, text);
  EXPECT_TRUE(p.has_value()) << diags.render();
  return p ? print(*p) : "";
}

const char* const kVaeText = R"(// genc graph IR v0

data fashion @"examples/vae.gen":3:1-3:45 {
  source fashion_mnist {split = "train"} @"examples/vae.gen":3:16-3:45
  transform binarize
  x f32[1,28,28]
  y i64[] of 10
}

model vae @"examples/vae.gen":7:1-18:2 {
  hyperparams {hidden = 400, latent = 20}
  objective elbo {beta = 1.0} @"examples/vae.gen":17:3-17:27
  encoder q(x: f32[1,28,28]) -> gaussian[20] @"examples/vae.gen":8:3-11:4 {
    %0 = input {index = 0, name = "x"} : f32[1,28,28] @"examples/vae.gen":8:13-8:14
    %1 = flatten %0 : f32[784]
    %2 = linear %1 {bias = true, out = 400} : f32[400] "q.h.linear0" @"examples/vae.gen":9:22-9:36
    %3 = relu %2 : f32[400]
    %4 = linear %3 {out = 40} : f32[40] "q.linear1"
    %5 = split %4 {dim = 0, parts = 2} : f32[20], f32[20]
    %6 = gaussian %5, %5#1 : gaussian[20]
    %7 = output %6
  }
  decoder p(z: f32[20]) -> bernoulli[1,28,28] {
    %0 = input {index = 0, name = "z"} : f32[20]
    %1 = linear %0 {out = 784} : f32[784] "p.linear0"
    %2 = reshape %1 {shape = [1,28,28]} : f32[1,28,28]
    %3 = bernoulli %2 : bernoulli[1,28,28]
    %4 = output %3
  }
}

train vae on fashion @"examples/vae.gen":20:1-24:2 {
  batch {value = 128}
  optimizer {kind = "adam", lr = 0.001}
}
)";

TEST(IRPrinter, PrintsTheDocumentedSyntax) {
  SourceManager sources;
  EXPECT_EQ(print(testing::make_vae_program(sources)), kVaeText);
}

TEST(IRPrinter, PrintsNodesInTopologicalOrder) {
  SourceManager sources;
  Program p = testing::make_vae_program(sources);
  Graph& g = p.models[0].roles[1].graph;  // decoder: %0 input, %1 linear, %2 reshape, ...
  NodeId late = g.add(make_node(Op::Input, {}, {f32({20})}));
  g.set_input(1, 0, v(late));
  std::string text = print(p);
  EXPECT_LT(text.find("%5 = input : f32[20]"), text.find("%1 = linear %5"));
}

TEST(IRParser, RoundTripsTheVaeProgramAndReadsEveryField) {
  SourceManager sources;
  DiagnosticEngine diags;
  std::optional<Program> p = parse_text(sources, diags, kVaeText);
  ASSERT_TRUE(p) << diags.render();
  EXPECT_EQ(print(*p), kVaeText);

  ASSERT_EQ(p->datasets.size(), 1u);
  const Dataset& d = p->datasets[0];
  EXPECT_EQ(d.source.name, "fashion_mnist");
  EXPECT_EQ(d.source.args.at("split"), Attr(std::string("train")));
  ASSERT_EQ(d.transforms.size(), 1u);
  EXPECT_EQ(d.transforms[0].name, "binarize");
  EXPECT_EQ(d.x, f32({1, 28, 28}));
  ASSERT_TRUE(d.y);
  EXPECT_EQ(*d.y, i64({}, 10));

  const Model* m = p->model("vae");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->hyperparams.at("latent"), Attr(int64_t{20}));
  ASSERT_TRUE(m->objective);
  EXPECT_EQ(m->objective->args.at("beta"), Attr(1.0));
  EXPECT_EQ(m->objective->loc.begin.line, 17);
  const Function* q = m->role("encoder");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->name, "q");
  EXPECT_EQ(q->params[0].name, "x");
  EXPECT_EQ(q->result, dist(ValueKind::Gaussian, {20}));
  const Node& lin = q->graph.node(2);
  EXPECT_EQ(lin.op, Op::Linear);
  EXPECT_EQ(lin.name, "q.h.linear0");
  EXPECT_EQ(lin.attrs.at("bias"), Attr(true));
  ASSERT_TRUE(lin.loc.valid());
  EXPECT_EQ(lin.loc.file->path(), "examples/vae.gen");
  EXPECT_EQ(lin.loc.begin.line, 9);
  EXPECT_EQ(lin.loc.begin.col, 22);
  EXPECT_EQ(lin.loc.end.line, 9);
  EXPECT_EQ(lin.loc.end.col, 36);
  EXPECT_EQ(q->graph.node(6).inputs, (std::vector<ValueRef>{v(5), v(5, 1)}));
  EXPECT_EQ(q->graph.uses(v(5, 1)).size(), 1u);  // the parser builds edges too
  EXPECT_TRUE(q->graph.node(7).outputs.empty());
  EXPECT_FALSE(q->graph.node(1).loc.valid());

  const Train& t = p->trains[0];
  EXPECT_EQ(t.model, "vae");
  EXPECT_EQ(t.data, "fashion");
  ASSERT_TRUE(t.setting("optimizer"));
  EXPECT_EQ(t.setting("optimizer")->args.at("lr"), Attr(0.001));
}

/// A model whose hyperparams and one node's attrs hold `attrs`; returns the parsed copies.
std::pair<Attrs, Attrs> round_trip_attrs(const Attrs& attrs) {
  Program p;
  Model m;
  m.name = "m";
  m.hyperparams = attrs;
  Function f;
  f.role = "generator";
  f.name = "g";
  f.result = f32({1});
  f.graph.add(make_node(Op::Const, {}, {f32({1})}, attrs));
  m.roles.push_back(std::move(f));
  p.models.push_back(std::move(m));
  std::string text = print(p);
  SourceManager sources;
  DiagnosticEngine diags;
  std::optional<Program> back = parse_text(sources, diags, text);
  EXPECT_TRUE(back) << diags.render() << text;
  if (!back) return {};
  EXPECT_EQ(print(*back), text);
  return {back->models[0].hyperparams, back->models[0].roles[0].graph.node(0).attrs};
}

uint64_t bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

TEST(IRParser, RoundTripsEveryAttrKind) {
  Attrs attrs = {
      {"yes", true},
      {"no", false},
      {"zero", int64_t{0}},
      {"neg", int64_t{-7}},
      {"big", std::numeric_limits<int64_t>::max()},
      {"small", std::numeric_limits<int64_t>::min()},
      {"half", 0.5},
      {"minus", -2.25},
      {"text", std::string("say \"hi\"\\ and\nbye\t!")},
      {"empty_text", std::string("")},
      {"ints", std::vector<int64_t>{1, -2, 3}},
      {"empty", std::vector<int64_t>{}},
      {"floats", std::vector<double>{0.5, 1.0, -3.0}},
      {"words", std::vector<std::string>{"a", "b c", "\"q\""}},
      {"not an identifier", std::string("key is quoted")},
  };
  auto [hyper, node_attrs] = round_trip_attrs(attrs);
  EXPECT_EQ(hyper, attrs);
  EXPECT_EQ(node_attrs, attrs);
  // Kinds are told apart by their text: 1.0 stays a double, 1 an integer.
  EXPECT_TRUE(std::holds_alternative<double>(hyper.at("half")));
  EXPECT_TRUE(std::holds_alternative<std::vector<double>>(hyper.at("floats")));
}

TEST(IRParser, FloatsReadBackToTheSameDouble) {
  std::vector<double> values = {0.1,
                                1.0 / 3.0,
                                1e-300,
                                5e-324,
                                1.7976931348623157e308,
                                -0.0,
                                123456789.0,
                                1e16,
                                1e22,
                                2.5e-7,
                                100.0,
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity()};
  Attrs attrs;
  for (size_t i = 0; i < values.size(); ++i) attrs["f" + std::to_string(100 + i)] = values[i];
  attrs["list"] = values;
  attrs["nan"] = std::numeric_limits<double>::quiet_NaN();
  auto [hyper, node_attrs] = round_trip_attrs(attrs);
  for (size_t i = 0; i < values.size(); ++i) {
    const Attr& a = hyper.at("f" + std::to_string(100 + i));
    ASSERT_TRUE(std::holds_alternative<double>(a)) << i;
    EXPECT_EQ(bits(std::get<double>(a)), bits(values[i])) << values[i];
  }
  const auto& list = std::get<std::vector<double>>(hyper.at("list"));
  ASSERT_EQ(list.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(bits(list[i]), bits(values[i])) << values[i];
  EXPECT_TRUE(std::isnan(std::get<double>(hyper.at("nan"))));
}

TEST(IRParser, RoundTripsTypesMultiResultNodesLocationsAndFusedOrigins) {
  SourceManager sources;
  const SourceFile* a = sources.placeholder("a.gen");
  const SourceFile* b = sources.placeholder("dir/b \"quoted\".gen");
  Program p;
  Model m;
  m.name = "flowy";
  m.priors.push_back(Setting{"base", {{"kind", std::string("normal")}}, range(a, 2, 3, 2, 20)});
  m.schedules.push_back(
      Setting{"s", {{"kind", std::string("cosine")}, {"steps", int64_t{1000}}}, {}});
  m.sampler = Setting{"ddim", {{"eta", 0.0}, {"steps", int64_t{50}}}, {}};
  m.objective = Setting{"nll", {}, {}};

  Function f;
  f.role = "flow";
  f.name = "f";
  f.params = {Param{"x", f32({2})}, Param{"t", i64({})}, Param{"y", i64({}, 10)},
              Param{"tok", i64({784}, 2)}, Param{"not an ident", f32({})}};
  f.result = f32({2});
  f.loc = range(a, 4, 1, 9, 2);
  Graph& g = f.graph;
  NodeId x = g.add(make_node(Op::Input, {}, {f32({2})}, {{"index", int64_t{0}}}));
  NodeId an = g.add(make_node(Op::ActNorm, {v(x)}, {f32({2}), f32({})}, {}, "f.actnorm0"));
  g.node(an).loc = range(b, 5, 7, 5, 19);
  g.node(an).fused = {range(a, 6, 1, 6, 9), SourceRange{}, range(b, 7, 2, 8, 3)};
  g.add(make_node(Op::Neg, {v(an, 1)}, {f32({})}));
  g.add(make_node(Op::Output, {v(an)}, {}));
  m.roles.push_back(std::move(f));

  Function d;
  d.role = "autoregressive";
  d.name = "ar";
  d.result = dist(ValueKind::Categorical, {784}, 2);
  NodeId c = d.graph.add(make_node(Op::Const, {}, {f32({784, 2})}, {{"value", 0.0}}));
  NodeId cat = d.graph.add(make_node(Op::Categorical, {v(c)}, {d.result}));
  d.graph.add(make_node(Op::Output, {v(cat)}, {}));
  m.roles.push_back(std::move(d));
  p.models.push_back(std::move(m));

  std::string text = print(p);
  EXPECT_NE(
      text.find(
          "%1 = actnorm %0 : f32[2], f32[] \"f.actnorm0\" @\"dir/b \\\"quoted\\\".gen\":5:7-5:19 "
          "fused [@\"a.gen\":6:1-6:9, @?, @\"dir/b \\\"quoted\\\".gen\":7:2-8:3]"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("%2 = neg %1#1 : f32[]"), std::string::npos) << text;
  EXPECT_NE(text.find("flow f(x: f32[2], t: i64[], y: i64[] of 10, tok: i64[784] of 2, \"not an "
                      "ident\": f32[])"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("-> categorical[784] of 2 {"), std::string::npos) << text;
  EXPECT_NE(text.find("  prior base {kind = \"normal\"} @\"a.gen\":2:3-2:20\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  objective nll\n"), std::string::npos) << text;

  DiagnosticEngine diags;
  std::optional<Program> back = parse_text(sources, diags, text);
  ASSERT_TRUE(back) << diags.render();
  EXPECT_EQ(print(*back), text);
  const Function& bf = back->models[0].roles[0];
  EXPECT_EQ(bf.params[3].type, i64({784}, 2));
  EXPECT_EQ(bf.params[4].name, "not an ident");
  const Node& bn = bf.graph.node(1);
  EXPECT_EQ(bn.outputs, (std::vector<ValueType>{f32({2}), f32({})}));
  ASSERT_EQ(bn.fused.size(), 3u);
  EXPECT_EQ(bn.fused[0].file, a);  // placeholder() finds the already known file
  EXPECT_FALSE(bn.fused[1].valid());
  EXPECT_EQ(bn.fused[2].file->path(), "dir/b \"quoted\".gen");
  EXPECT_EQ(bn.fused[2].end.line, 8);
  EXPECT_EQ(back->models[0].roles[1].result, dist(ValueKind::Categorical, {784}, 2));
  EXPECT_EQ(back->models[0].sampler->args.at("steps"), Attr(int64_t{50}));
}

TEST(IRParser, RoundTripsSeveralDatasetsModelsAndTrainsAndEmptyParts) {
  Program p;
  for (const char* name : {"train_set", "test_set"}) {
    Dataset d;
    d.name = name;
    d.source = Setting{"moons", {{"n", int64_t{20000}}, {"noise", 0.05}}, {}};
    d.x = f32({2});
    p.datasets.push_back(d);
  }
  Model empty;
  empty.name = "empty";
  p.models.push_back(empty);
  SourceManager sources;
  p.models.push_back(testing::make_vae_program(sources).models[0]);
  Train t1;
  t1.model = "vae";
  t1.data = "train_set";
  Train t2 = t1;
  t2.settings.push_back(
      Setting{"eval", {{"data", std::string("test_set")}, {"every", int64_t{1}}}, {}});
  p.trains = {t1, t2};
  std::string text = print(p);
  EXPECT_NE(text.find("\nmodel empty {\n}\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ntrain vae on train_set {\n}\n"), std::string::npos) << text;
  EXPECT_EQ(reprint(text), text);

  DiagnosticEngine diags;
  std::optional<Program> back = parse_text(sources, diags, text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->datasets.size(), 2u);
  EXPECT_FALSE(back->datasets[1].y);
  EXPECT_EQ(back->models.size(), 2u);
  EXPECT_EQ(back->trains.size(), 2u);
  EXPECT_EQ(back->trains[1].setting("eval")->args.at("data"), Attr(std::string("test_set")));
}

TEST(IRParser, ReadsHandWrittenTextWithCommentsAndFreeLayout) {
  const char* text = R"(
// a hand-written file
model m {   // no hyperparams
  generator g(z: f32[ 3 ]) -> f32[3] { %0 = input {index = 0} : f32[3]
    %1 = relu %0 : f32[3]  // comment after a node
    %2 = output %1 }
}
train m on d { steps {value = 10} }
)";
  std::string expected = R"(// genc graph IR v0

model m {
  generator g(z: f32[3]) -> f32[3] {
    %0 = input {index = 0} : f32[3]
    %1 = relu %0 : f32[3]
    %2 = output %1
  }
}

train m on d {
  steps {value = 10}
}
)";
  EXPECT_EQ(reprint(text), expected);
  EXPECT_EQ(reprint(""), "// genc graph IR v0\n");  // an empty file is an empty program
}

struct ParseError {
  int line = 0;
  int col = 0;
  std::string message;
};

/// Parses text that must fail with exactly one IRParseError; returns where and what.
ParseError parse_error(const std::string& text) {
  SourceManager sources;
  DiagnosticEngine diags;
  std::optional<Program> p = parse_text(sources, diags, text);
  EXPECT_FALSE(p) << text;
  EXPECT_EQ(diags.diagnostics().size(), 1u) << diags.render();
  if (diags.diagnostics().empty()) return {};
  const Diagnostic& d = diags.diagnostics()[0];
  EXPECT_EQ(d.kind, DiagKind::IRParseError);
  EXPECT_TRUE(d.range.valid());
  return ParseError{d.range.begin.line, d.range.begin.col, d.message};
}

const char* const kHead =
    "model m {\n  generator g(z: f32[3]) -> f32[3] {\n    %0 = input {index = 0} : f32[3]\n";

TEST(IRParserErrors, TruncatedText) {
  ParseError e = parse_error(kHead);
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.col, 1);
  EXPECT_EQ(e.message, "IR: expected a node like '%3 = ...' or '}', found end of input");
  e = parse_error(std::string(kHead) + "    %1 = relu %0 : f32[");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.col, 24);
  EXPECT_EQ(e.message, "IR: expected a dimension, found end of input");
}

TEST(IRParserErrors, UnknownOp) {
  ParseError e = parse_error(std::string(kHead) + "    %1 = frobnicate %0 : f32[3]\n  }\n}\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.col, 10);
  EXPECT_EQ(e.message, "IR: unknown op 'frobnicate'");
}

TEST(IRParserErrors, BadType) {
  ParseError e = parse_error(std::string(kHead) + "    %1 = relu %0 : f33[3]\n  }\n}\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.col, 20);
  EXPECT_EQ(e.message, "IR: unknown type 'f33'");
  e = parse_error(std::string(kHead) + "    %1 = relu %0 : f32[3,x]\n  }\n}\n");
  EXPECT_EQ(e.col, 26);
  EXPECT_EQ(e.message, "IR: expected a dimension, found 'x'");
  e = parse_error("data d {\n  source s\n  x i64[] of -1\n}\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.col, 14);
}

TEST(IRParserErrors, DuplicateId) {
  ParseError e = parse_error(std::string(kHead) +
                             "    %1 = relu %0 : f32[3]\n    %1 = relu %0 : f32[3]\n  }\n}\n");
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.col, 5);
  EXPECT_EQ(e.message, "IR: node %1 is defined twice");
}

TEST(IRParserErrors, UndefinedOperandAndMissingResult) {
  ParseError e = parse_error(std::string(kHead) + "    %1 = add %0, %7 : f32[3]\n  }\n}\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.col, 18);
  EXPECT_EQ(e.message, "IR: undefined value %7");
  e = parse_error(std::string(kHead) + "    %1 = relu %0#1 : f32[3]\n  }\n}\n");
  EXPECT_EQ(e.col, 15);
  EXPECT_EQ(e.message, "IR: %0 (input) has no result #1");
}

TEST(IRParserErrors, LexicalAndAttributeErrors) {
  ParseError e = parse_error("model m {\n  hyperparams {a = \"open\n}\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.col, 20);
  EXPECT_EQ(e.message, "IR: unterminated string");
  e = parse_error("model m $");
  EXPECT_EQ(e.col, 9);
  EXPECT_EQ(e.message, "IR: invalid character '$'");
  e = parse_error("model m {\n  hyperparams {a = 1, a = 2}\n}\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.col, 23);
  EXPECT_EQ(e.message, "IR: attribute 'a' is given twice");
  e = parse_error("model m {\n  hyperparams {a = 99999999999999999999}\n}\n");
  EXPECT_EQ(e.col, 20);
  EXPECT_EQ(e.message, "IR: integer 99999999999999999999 is out of range");
  e = parse_error("model m {\n  hyperparams {a = [1, \"x\"]}\n}\n");
  EXPECT_EQ(e.col, 24);
  EXPECT_EQ(e.message, "IR: a list mixes strings and numbers");
  e = parse_error("model m {\n  hyperparams {a = \"\\q\"}\n}\n");
  EXPECT_EQ(e.message, "IR: invalid escape '\\q' in string");
}

TEST(IRParserErrors, StructureErrors) {
  ParseError e = parse_error("\n  modle m {}");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.col, 3);
  EXPECT_EQ(e.message, "IR: expected 'data', 'model' or 'train', found 'modle'");
  e = parse_error("model m {\n  objective a\n  objective b\n}\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.message, "IR: 'objective' is given twice");
  e = parse_error("data d {\n  x f32[2]\n}\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.message, "IR: dataset 'd' has no source");
  e = parse_error("train m d {}");
  EXPECT_EQ(e.col, 9);
  EXPECT_EQ(e.message, "IR: expected 'on', found 'd'");
  e = parse_error("model m @\"f.gen\":1:2-3 {}");
  EXPECT_EQ(e.col, 24);
  EXPECT_EQ(e.message, "IR: expected ':', found '{'");
}

/// Parsing must end in a program or exactly one located error; a program must re-print
/// stably and verify without an internal error.
void expect_parses_or_one_error(const std::string& text) {
  SourceManager sources;
  DiagnosticEngine diags;
  std::optional<Program> p = parse_text(sources, diags, text);
  if (p) {
    EXPECT_FALSE(diags.has_errors());
    std::string once = print(*p);
    EXPECT_EQ(reprint(once), once) << text;
    EXPECT_NO_THROW(verify(*p)) << text;  // a .gir file is user input: verifying it never aborts
  } else {
    ASSERT_EQ(diags.diagnostics().size(), 1u) << text;
    const Diagnostic& d = diags.diagnostics()[0];
    EXPECT_EQ(d.kind, DiagKind::IRParseError);
    EXPECT_TRUE(d.range.valid());
    EXPECT_GE(d.range.begin.line, 1);
  }
}

TEST(IRParserErrors, EveryPrefixParsesOrReportsOneError) {
  std::string text = kVaeText;
  for (size_t n = 0; n <= text.size(); ++n) expect_parses_or_one_error(text.substr(0, n));
}

TEST(IRParserErrors, MutatedTextParsesOrReportsOneError) {
  std::string text = kVaeText;
  const std::string replacements = std::string("}{%#\"-:@[],=x0") + '\0' + '\x80' + '\n';
  for (size_t i = 0; i < text.size(); i += 3) {
    for (char c : replacements) {
      std::string mutated = text;
      mutated[i] = c;
      expect_parses_or_one_error(mutated);
    }
    std::string dropped = text;
    dropped.erase(i, 1);
    expect_parses_or_one_error(dropped);
  }
}

TEST(IRDot, OneClusterPerRoleWithTypedLabelsAndOrderedEdges) {
  SourceManager sources;
  Program p = testing::make_vae_program(sources);
  std::string dot = to_dot(p);
  EXPECT_EQ(dot, to_dot(p));
  EXPECT_EQ(dot.rfind("digraph genc {\n", 0), 0u);
  EXPECT_NE(dot.find("subgraph cluster_m0_r0 {\n    label=\"vae: encoder q\";"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find("subgraph cluster_m0_r1 {\n    label=\"vae: decoder p\";"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find("m0_r0_n2 [label=\"linear : f32[400]\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("m0_r0_n5 [label=\"split : f32[20], f32[20]\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("m0_r0_n7 [label=\"output\"];"), std::string::npos) << dot;
  size_t first = dot.find("m0_r0_n5 -> m0_r0_n6 [label=\"0\"];");
  size_t second = dot.find("m0_r0_n5 -> m0_r0_n6 [label=\"1 #1\"];");
  ASSERT_NE(first, std::string::npos) << dot;
  ASSERT_NE(second, std::string::npos) << dot;
  EXPECT_LT(first, second);
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
}

}  // namespace
}  // namespace genc::ir
