// Tests of batching: shuffled training batches (coverage, determinism, exact resume)
// and in-order evaluation batches.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "runtime/data/batcher.h"
#include "runtime/data/prefetch.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

// 103 examples whose x rows and labels both hold their own index.
Data indexed(int64_t n = 103) {
  Data d;
  d.y = at::arange(n, at::kLong);
  d.x = d.y->to(at::kFloat).reshape({n, 1, 1}).expand({n, 2, 3}).contiguous();
  return d;
}

std::vector<int64_t> ids(const Data& batch) {
  at::Tensor y = batch.y->contiguous();
  return std::vector<int64_t>(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
}

TEST(Batcher, EpochCoversDistinctExamplesAndDropsTheRest) {
  Batcher b(indexed(), 10, 1);
  EXPECT_EQ(b.batches_per_epoch(), 10);
  std::set<int64_t> seen;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(b.state(), (BatcherState{0, i}));
    Data batch = b.next();
    ASSERT_EQ(batch.x.sizes(), (std::vector<int64_t>{10, 2, 3}));
    // x and y stay aligned
    EXPECT_TRUE(at::equal(batch.x.select(1, 1).select(1, 2).to(at::kLong), *batch.y));
    for (int64_t id : ids(batch)) EXPECT_TRUE(seen.insert(id).second) << "example " << id << " twice in one epoch";
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(b.state(), (BatcherState{1, 0}));
}

TEST(Batcher, DeterministicPerSeedAndEpoch) {
  Batcher a(indexed(), 10, 5), same(indexed(), 10, 5), other(indexed(), 10, 6);
  std::vector<int64_t> epoch0, epoch1;
  for (int i = 0; i < 10; ++i) {
    std::vector<int64_t> x = ids(a.next());
    EXPECT_EQ(x, ids(same.next()));
    epoch0.insert(epoch0.end(), x.begin(), x.end());
  }
  for (int i = 0; i < 10; ++i) {
    std::vector<int64_t> x = ids(a.next());
    epoch1.insert(epoch1.end(), x.begin(), x.end());
  }
  EXPECT_NE(epoch0, epoch1);
  EXPECT_NE(ids(other.next()), std::vector<int64_t>(epoch0.begin(), epoch0.begin() + 10));
  at::Tensor p = epoch_permutation(1000, 3, 2);
  EXPECT_TRUE(at::equal(std::get<0>(p.sort()), at::arange(1000, at::kLong)));
  EXPECT_TRUE(at::equal(p, epoch_permutation(1000, 3, 2)));
}

TEST(Batcher, RestoreContinuesTheSameSequence) {
  for (int64_t stop : {3, 10, 17}) {  // mid-epoch, at an epoch boundary, mid second epoch
    SCOPED_TRACE(stop);
    Batcher a(indexed(), 10, 9);
    for (int64_t i = 0; i < stop; ++i) a.next();
    const BatcherState saved = a.state();
    Batcher b(indexed(), 10, 9);
    b.restore(saved);
    EXPECT_EQ(b.state(), saved);
    for (int i = 0; i < 15; ++i) EXPECT_EQ(ids(a.next()), ids(b.next())) << "batch " << i << " after resume";
  }
}

TEST(Batcher, NextIntoGathersTheSameBatchesInPlace) {
  Batcher a(indexed(), 10, 6), b(indexed(), 10, 6);
  Data into{at::zeros({10, 2, 3}), at::zeros({10}, at::kLong)};
  const void* storage = into.x.data_ptr();
  for (int i = 0; i < 25; ++i) {
    Data expected = a.next();
    b.next_into(into);
    EXPECT_EQ(b.state(), a.state());
    EXPECT_TRUE(at::equal(into.x, expected.x) && at::equal(*into.y, *expected.y)) << "batch " << i;
  }
  EXPECT_EQ(into.x.data_ptr(), storage) << "written into the given tensors";
}

TEST(PrefetchBatcher, DeliversTheBatcherSequenceAndStates) {
  Batcher plain(indexed(), 10, 4);
  PrefetchBatcher prefetched(indexed(), 10, 4, at::kCPU, /*depth=*/3);
  EXPECT_EQ(prefetched.batches_per_epoch(), plain.batches_per_epoch());
  for (int i = 0; i < 25; ++i) {  // across two epoch boundaries
    EXPECT_EQ(prefetched.state(), plain.state()) << "batch " << i;
    Data a = plain.next(), b = prefetched.next();
    EXPECT_EQ(ids(a), ids(b)) << "batch " << i;
    EXPECT_TRUE(at::equal(a.x, b.x)) << "batch " << i;
  }
}

TEST(PrefetchBatcher, RestoreDropsTheBatchesAheadAndContinues) {
  for (int64_t stop : {3, 10, 17}) {
    SCOPED_TRACE(stop);
    Batcher a(indexed(), 10, 9);
    for (int64_t i = 0; i < stop; ++i) a.next();
    PrefetchBatcher b(indexed(), 10, 9, at::kCPU);
    b.next();  // the worker has run ahead of this batch
    b.restore(a.state());
    EXPECT_EQ(b.state(), a.state());
    for (int i = 0; i < 15; ++i) EXPECT_EQ(ids(a.next()), ids(b.next())) << "batch " << i << " after resume";
  }
  PrefetchBatcher c(indexed(), 10, 9, at::kCPU);
  EXPECT_THROW(c.restore({0, 10}), RuntimeUserError);
  EXPECT_EQ(ids(c.next()), ids(Batcher(indexed(), 10, 9).next())) << "a refused restore keeps the batches coming";
}

TEST(Batcher, UserErrors) {
  EXPECT_THROW(Batcher(indexed(5), 10, 0), RuntimeUserError);
  Batcher b(indexed(), 10, 0);
  EXPECT_THROW(b.restore({0, 10}), RuntimeUserError);
  EXPECT_THROW(b.restore({-1, 0}), RuntimeUserError);
}

TEST(EvalBatches, InOrderViewsWithPartialLast) {
  Data d = indexed();
  EvalBatches batches(d, 25);
  ASSERT_EQ(batches.size(), 5);
  std::vector<int64_t> all;
  for (int64_t i = 0; i < batches.size(); ++i) {
    Data b = batches[i];
    EXPECT_EQ(b.size(), i < 4 ? 25 : 3);
    EXPECT_EQ(b.x.data_ptr<float>(), d.x.data_ptr<float>() + i * 25 * 6);  // a view, not a copy
    std::vector<int64_t> x = ids(b);
    all.insert(all.end(), x.begin(), x.end());
  }
  std::vector<int64_t> expected(103);
  for (int64_t i = 0; i < 103; ++i) expected[i] = i;
  EXPECT_EQ(all, expected);
}

}  // namespace
}  // namespace genc::runtime
