// The KV-cached sampler of an autoregressive role against the sampler that reruns the
// whole prefix per position: the decode step's structure, and the same tokens drawn by
// both for the same seed and parameters, with and without a prompt.
#include <gtest/gtest.h>

#include "runtime/compat.h"
#include "runtime/loop_runner.h"
#include "tests/unit/runtime/exec_test_util.h"

namespace genc::runtime::testing {
namespace {

using ir::Op;

/// A small causal transformer over 20 tokens of 16 (position table, two pre-norm blocks
/// with a GELU MLP, a head), sampled hot so that the draws spread over the vocabulary.
std::string gpt_source(bool kv_cache) {
  return std::string(R"(use std.transformer
model gpt(d: 16, heads: 2, layers: 2) {
  autoregressive p(x: tokens[20] of 16) -> categorical {
    h = embed(x, d) + position(20, d)
    repeat layers { h = transformer_block(h, heads: heads, causal: true) }
    return categorical(logits: h |> layernorm |> linear(16))
  }
  objective nll
  sampler sample(temperature: 1.5, top_p: 0.95, kv_cache: )") +
         (kv_cache ? "true" : "false") + ")\n}\n";
}

size_t count(const lower::Routine& r, Op op) { return r.graph.find(op).size(); }

TEST(KvCache, TheStepRunsOneRowOverOneCachePerAttention) {
  auto cached = compile(gpt_source(true));
  lower::TrainingProgram p = lower_first(*cached);
  const lower::Loop& loop = *p.sample;
  EXPECT_EQ(loop.init.outputs, (std::vector<std::string>{"x", "kv.p.h.transformer_block0.attention0",
                                                  "kv.p.h.transformer_block1.attention0"}))
      << "(cache names follow the attention nodes' names)";
  EXPECT_EQ(count(loop.init, Op::KvCache), 2u);
  EXPECT_EQ(count(*loop.step, Op::AttentionStep), 2u);
  EXPECT_EQ(count(*loop.step, Op::Attention), 0u);
  for (ir::NodeId id : loop.step->graph.ids()) {  // every row value of the step is one position
    const ir::Node& n = loop.step->graph.node(id);
    if (n.op == Op::Linear || n.op == Op::LayerNorm || n.op == Op::AttentionStep)
      EXPECT_EQ(n.outputs[0].dims.at(0), 1) << ir::op_name(n.op);
  }
  lower::TrainingProgram full = lower_first(*compile(gpt_source(false)));
  EXPECT_EQ(full.sample->init.outputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(count(*full.sample->step, Op::Attention), 2u);
  EXPECT_EQ(count(*full.sample->step, Op::AttentionStep), 0u);
}

/// Samples of `loop` with parameters `params` and seed 7.
at::Tensor draw(const lower::Loop& loop, ParamStore& params, const LoopRunner::Start* start) {
  LoopRunner runner(loop, params);
  at::Generator gen = compat::make_generator(torch::kCPU, 7);
  at::NoGradGuard no_grad;
  return runner.run(6, /*training=*/false, gen, start).at(0);
}

TEST(KvCache, CachedAndFullSamplersDrawTheSameTokens) {
  auto cached = compile(gpt_source(true));
  auto full = compile(gpt_source(false));
  lower::TrainingProgram pc = lower_first(*cached), pf = lower_first(*full);
  ParamStore params(cached->model(), torch::kCPU, 3);
  at::Tensor a = draw(*pc.sample, params, nullptr), b = draw(*pf.sample, params, nullptr);
  ASSERT_EQ(a.sizes(), (std::vector<int64_t>{6, 20}));
  EXPECT_TRUE(at::equal(a, b)) << a << "\n" << b;
  EXPECT_GT(std::get<0>(at::_unique(a)).numel(), 4) << "draws too uniform to tell the samplers apart: " << a;

  at::Tensor prompt = at::tensor(std::vector<int64_t>{5, 9, 1, 14, 3}, at::kLong);
  LoopRunner::Start start{"x", prompt, 5};
  at::Tensor pa = draw(*pc.sample, params, &start), pb = draw(*pf.sample, params, &start);
  EXPECT_TRUE(at::equal(pa, pb)) << pa << "\n" << pb;
  EXPECT_TRUE(at::equal(pa.narrow(1, 0, 5), prompt.unsqueeze(0).expand({6, 5})));
  EXPECT_FALSE(at::equal(pa.narrow(1, 5, 15), a.narrow(1, 5, 15))) << "the prompt changed nothing";
}

}  // namespace
}  // namespace genc::runtime::testing
