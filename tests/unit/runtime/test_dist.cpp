// Tests of the data-parallel pieces that one process can check: sharded random draws equal
// the global batch's rows, sharded batches partition the global ones, the launcher
// environment's errors, and a world of one over Gloo (collectives, gradient buckets). Two
// processes are tested end to end (tests/e2e/ddp_test.py).
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "runtime/data/batcher.h"
#include "runtime/dist/dist_env.h"
#include "runtime/dist/grad_reducer.h"
#include "runtime/dist/process_group.h"
#include "runtime/errors.h"
#include "runtime/kernels/kernel.h"

namespace genc::runtime {
namespace {

/// randn of `rows` rows [rows, 3] drawn through a frame of `batch` rows in `shard`.
at::Tensor draw(int64_t rows, int64_t batch, Shard shard, uint64_t seed = 11) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  Frame f;
  f.batch = batch;
  f.generator = &gen;
  f.shard = shard;
  return f.random({rows, 3}, at::TensorOptions().dtype(at::kFloat),
                  [&](at::IntArrayRef s, const at::TensorOptions& o) { return at::randn(s, gen, o); });
}

TEST(ShardedDraws, EqualTheRowsOfTheGlobalBatchsDraw) {
  at::Tensor whole = draw(8, 8, {});
  EXPECT_TRUE(at::equal(at::cat({draw(4, 4, {0, 8}), draw(4, 4, {4, 8})}), whole));
  // Uneven shards (an evaluation's last batch) and rows per example (repeat_batch: K rows each).
  EXPECT_TRUE(at::equal(at::cat({draw(3, 3, {0, 8}), draw(5, 5, {3, 8})}), whole));
  at::Tensor repeated = draw(24, 8, {});
  EXPECT_TRUE(at::equal(at::cat({draw(12, 4, {0, 8}), draw(12, 4, {4, 8})}), repeated));
  // A value shared by the batch (one row) is not split: every rank draws one process's row.
  EXPECT_TRUE(at::equal(draw(1, 4, {4, 8}), draw(1, 8, {})));
}

TEST(ShardedBatches, PartitionEveryGlobalBatchInOrder) {
  const int64_t n = 103;
  Data d;
  d.y = at::arange(n, at::kLong);
  d.x = d.y->to(at::kFloat).reshape({n, 1});
  Batcher whole(d, 10, 5), rank0(d, 10, 5, false, {0, 2}), rank1(d, 10, 5, false, {1, 2});
  for (int i = 0; i < 25; ++i) {  // across epoch ends
    Data a = rank0.next(), b = rank1.next();
    ASSERT_EQ(a.size(), 5);
    EXPECT_TRUE(at::equal(at::cat({*a.y, *b.y}), *whole.next().y)) << "batch " << i;
    EXPECT_EQ(rank0.state(), whole.state());
    EXPECT_EQ(rank1.state(), whole.state());
  }
}

/// Sets environment variables for one test and puts the old values back.
class ScopedEnv {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second)
        setenv(it->first.c_str(), it->second->c_str(), 1);
      else
        unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(DistEnv, ReadsTheLauncherVariablesAndNamesTheBadOne) {
  ScopedEnv env;
  env.set(dist::kWorldSizeVar, nullptr);
  EXPECT_FALSE(dist::from_environment().has_value());
  env.set(dist::kWorldSizeVar, "4");
  env.set(dist::kRankVar, "2");
  env.set(dist::kLocalRankVar, "0");
  env.set(dist::kMasterAddrVar, "10.0.0.7");
  env.set(dist::kMasterPortVar, "29500");
  std::optional<dist::DistEnv> e = dist::from_environment();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->rank, 2);
  EXPECT_EQ(e->world_size, 4);
  EXPECT_EQ(e->local_rank, 0);
  EXPECT_EQ(e->master_addr, "10.0.0.7");
  EXPECT_EQ(e->master_port, 29500);
  env.set(dist::kRankVar, "4");
  try {
    dist::from_environment();
    FAIL() << "RANK=4 of 4 accepted";
  } catch (const RuntimeUserError& err) {
    EXPECT_NE(std::string(err.what()).find("RANK=4 is not a whole number from 0 to 3"), std::string::npos) << err.what();
  }
  env.set(dist::kRankVar, "1");
  env.set(dist::kMasterPortVar, nullptr);
  EXPECT_THROW(dist::from_environment(), RuntimeUserError);
}

TEST(ProcessGroup, AWorldOfOneOverGlooReducesAndBroadcasts) {
  dist::DistEnv env;
  env.master_port = dist::free_local_port();
  std::unique_ptr<dist::ProcessGroup> group = dist::ProcessGroup::join(env, at::kCPU);
  EXPECT_EQ(group->backend_name(), "gloo");
  at::Tensor t = at::arange(5, at::kFloat);
  group->all_reduce_sum(t, "a test");
  EXPECT_TRUE(at::equal(t, at::arange(5, at::kFloat)));
  EXPECT_EQ(group->all_reduce_sum(std::vector<double>{1.5, -2}, "a test"), (std::vector<double>{1.5, -2}));
  EXPECT_TRUE(group->any(true, "a test"));
  EXPECT_FALSE(group->any(false, "a test"));
  at::Tensor p = at::ones({2, 3}).set_requires_grad(true);
  group->broadcast({p, at::zeros({4}).t()}, "a test");
  EXPECT_TRUE(at::equal(p, at::ones({2, 3})));

  // Gradients: undefined ones stay undefined, the others come back as their mean (views of
  // the buckets), across several buckets.
  dist::GradReducer reducer(*group, "G");
  const int64_t big = dist::GradReducer::kBucketBytes / 4 / 2 + 1;  // two of these do not share a bucket
  std::vector<at::Tensor> grads = {at::full({big}, 2.0), at::Tensor(), at::full({big}, 3.0), at::full({2, 2}, 4.0)};
  reducer.average(grads, "iteration 1");
  EXPECT_FALSE(grads[1].defined());
  EXPECT_TRUE(at::equal(grads[0], at::full({big}, 2.0)));
  EXPECT_TRUE(at::equal(grads[2], at::full({big}, 3.0)));
  EXPECT_TRUE(at::equal(grads[3], at::full({2, 2}, 4.0)));
}

}  // namespace
}  // namespace genc::runtime
