// Batcher and EvalBatches. The permutation is built on the CPU with our own Rng (so it is
// identical across LibTorch versions and devices) and moved to the data's device once per epoch.
#include "runtime/data/batcher.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/index_select.h>
#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "compiler/support/diagnostics.h"
#include "runtime/data/rng.h"
#include "runtime/errors.h"

namespace genc::runtime {

at::Tensor epoch_permutation(int64_t n, uint64_t seed, int64_t epoch) {
  at::Tensor perm = at::empty({n}, at::kLong);
  int64_t* p = perm.data_ptr<int64_t>();
  std::iota(p, p + n, int64_t{0});
  Rng rng(mix_seed(seed, static_cast<uint64_t>(epoch)));
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[i], p[rng.below(static_cast<uint64_t>(i) + 1)]);
  return perm;
}

Batcher::Batcher(Data data, int64_t batch_size, uint64_t seed, bool pinned, BatchShard shard)
    : data_(std::move(data)), batch_size_(batch_size), seed_(seed), pinned_(pinned) {
  GENC_ASSERT(batch_size_ > 0, "Batcher: batch size must be positive");
  GENC_ASSERT(shard.world > 0 && shard.rank >= 0 && shard.rank < shard.world && batch_size_ % shard.world == 0,
              "Batcher: the shard must split the batch evenly");
  shard_rows_ = batch_size_ / shard.world;
  shard_begin_ = shard.rank * shard_rows_;
  batches_per_epoch_ = data_.size() / batch_size_;
  if (batches_per_epoch_ == 0)
    throw RuntimeUserError(fmt::format("the dataset has {} examples, fewer than one batch of {}", data_.size(), batch_size_));
  shuffle();
}

void Batcher::shuffle() { order_ = epoch_permutation(data_.size(), seed_, state_.epoch).to(data_.x.device()); }

void Batcher::restore(BatcherState state) {
  if (state.epoch < 0 || state.batch < 0 || state.batch >= batches_per_epoch_)
    throw RuntimeUserError(fmt::format("cannot resume at batch {} of epoch {}: an epoch has {} batches of {}",
                                       state.batch, state.epoch, batches_per_epoch_, batch_size_));
  const bool new_epoch = state.epoch != state_.epoch;
  state_ = state;
  if (new_epoch) shuffle();
}

namespace {

/// Rows `index` of `t`, in page-locked memory when `pinned`.
at::Tensor gather(const at::Tensor& t, const at::Tensor& index, bool pinned) {
  if (!pinned) return t.index_select(0, index);
  std::vector<int64_t> shape = t.sizes().vec();
  shape[0] = index.size(0);
  at::Tensor out = at::empty(shape, t.options().pinned_memory(true));
  return at::index_select_out(out, t, 0, index);
}

}  // namespace

void BatchSource::next_into(Data& into) {
  Data b = next();
  into.x.copy_(b.x);
  if (b.y) into.y->copy_(*b.y);
}

at::Tensor Batcher::take_index() {
  at::Tensor index = order_.narrow(0, state_.batch * batch_size_ + shard_begin_, shard_rows_);
  if (++state_.batch == batches_per_epoch_) {
    ++state_.epoch;
    state_.batch = 0;
    shuffle();  // a fresh order_: `index` still views the last one
  }
  return index;
}

Data Batcher::next() {
  const at::Tensor index = take_index();
  Data b;
  b.x = gather(data_.x, index, pinned_);
  if (data_.y) b.y = gather(*data_.y, index, pinned_);
  return b;
}

void Batcher::next_into(Data& into) {
  if (into.x.device() != data_.x.device()) return BatchSource::next_into(into);
  const at::Tensor index = take_index();
  at::index_select_out(into.x, data_.x, 0, index);
  if (data_.y) at::index_select_out(*into.y, *data_.y, 0, index);
}

EvalBatches::EvalBatches(Data data, int64_t batch_size)
    : data_(std::move(data)), batch_size_(batch_size), count_((data_.size() + batch_size - 1) / batch_size) {
  GENC_ASSERT(batch_size_ > 0, "EvalBatches: batch size must be positive");
}

Data EvalBatches::operator[](int64_t i) const {
  GENC_ASSERT(i >= 0 && i < count_, "EvalBatches: batch index out of range");
  const int64_t start = i * batch_size_;
  const int64_t len = std::min(batch_size_, data_.size() - start);
  Data b;
  b.x = data_.x.narrow(0, start, len);
  if (data_.y) b.y = data_.y->narrow(0, start, len);
  return b;
}

}  // namespace genc::runtime
