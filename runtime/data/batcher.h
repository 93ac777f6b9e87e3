// Training batches (shuffled each epoch, resumable) and evaluation batches (in order).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "runtime/data/data.h"

namespace genc::runtime {

/// Where a Batcher stands: the batch next() returns is batch `batch` (0-based) of epoch
/// `epoch`; right after an epoch's last batch it is {epoch + 1, 0}. Saving it in a
/// checkpoint and restoring it continues the exact same batch sequence.
struct BatcherState {
  int64_t epoch = 0;
  int64_t batch = 0;
  bool operator==(const BatcherState& o) const { return epoch == o.epoch && batch == o.batch; }
};

/// This process's part of every training batch in data-parallel training: of each batch of
/// B examples, rows [rank * B / world, (rank + 1) * B / world) (world divides B), so that the
/// processes together see one process's batches, in its order.
struct BatchShard {
  int rank = 0;
  int world = 1;
};

/// Where a run's training batches come from: endless, shuffled, resumable from a BatcherState.
/// Batcher gathers them where the data lie; PrefetchBatcher (prefetch.h) gathers them on the
/// host in a thread and copies them to the device.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  /// The next batch; after the last full batch of an epoch comes batch 0 of the next.
  virtual Data next() = 0;
  /// next() written into `into`, whose tensors have a batch's shapes (on any device).
  virtual void next_into(Data& into);
  virtual int64_t batch_size() const = 0;
  virtual int64_t batches_per_epoch() const = 0;
  /// The state of the batch next() returns next.
  virtual BatcherState state() const = 0;
  /// Continues from `state`. Throws RuntimeUserError if it does not fit this data and batch size.
  virtual void restore(BatcherState state) = 0;
};

/// Endless shuffled training batches. Each epoch is a fresh permutation that depends
/// only on (seed, epoch), so the state is two integers. Batches are gathered from the
/// whole tensors with one index_select each (no per-example copies), on the data's
/// device; each epoch's last partial batch is dropped.
class Batcher : public BatchSource {
 public:
  /// Throws RuntimeUserError if `data` holds fewer examples than one batch. With
  /// `pinned`, batches of host data are gathered into page-locked memory (so that a copy
  /// to a GPU can run without blocking the host). With `shard`, each batch is this
  /// process's rows of it (states and epochs stay those of the whole batches).
  Batcher(Data data, int64_t batch_size, uint64_t seed, bool pinned = false, BatchShard shard = {});

  Data next() override;
  /// One gather straight into `into` when it is on the data's device.
  void next_into(Data& into) override;

  /// The whole batch's size (a shard's batches hold batch_size() / world of its rows).
  int64_t batch_size() const override { return batch_size_; }
  int64_t batches_per_epoch() const override { return batches_per_epoch_; }
  BatcherState state() const override { return state_; }
  /// Continues from `state` (as returned by state(), possibly of another Batcher
  /// over the same data, batch size and seed). Throws RuntimeUserError if the state
  /// does not fit this data and batch size (a checkpoint from another configuration).
  void restore(BatcherState state) override;

 private:
  void shuffle();
  /// The rows of the current batch, then advances the state.
  at::Tensor take_index();

  Data data_;
  int64_t batch_size_;
  uint64_t seed_;
  bool pinned_;
  int64_t shard_begin_, shard_rows_;  ///< this process's rows of each batch
  int64_t batches_per_epoch_;
  BatcherState state_;
  at::Tensor order_;  ///< the permutation of state_.epoch, int64 on the data's device
};

/// The permutation of 0..n-1 that a Batcher uses in `epoch` (Fisher-Yates on our Rng).
at::Tensor epoch_permutation(int64_t n, uint64_t seed, int64_t epoch);

/// In-order batches over the whole data for evaluation, the last one partial. Each batch
/// is a view (narrow) of the data: nothing is copied.
class EvalBatches {
 public:
  EvalBatches(Data data, int64_t batch_size);
  int64_t size() const { return count_; }
  Data operator[](int64_t i) const;

 private:
  Data data_;
  int64_t batch_size_;
  int64_t count_;
};

}  // namespace genc::runtime
