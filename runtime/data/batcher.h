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

/// Endless shuffled training batches. Each epoch is a fresh permutation that depends
/// only on (seed, epoch), so the state is two integers. Batches are gathered from the
/// whole tensors with one index_select each (no per-example copies), on the data's
/// device; each epoch's last partial batch is dropped.
class Batcher {
 public:
  /// Throws RuntimeUserError if `data` holds fewer examples than one batch.
  Batcher(Data data, int64_t batch_size, uint64_t seed);

  /// The next batch; after the last full batch of an epoch comes batch 0 of the next.
  Data next();

  int64_t batch_size() const { return batch_size_; }
  int64_t batches_per_epoch() const { return batches_per_epoch_; }
  BatcherState state() const { return state_; }
  /// Continues from `state` (as returned by state(), possibly of another Batcher
  /// over the same data, batch size and seed). Throws RuntimeUserError if the state
  /// does not fit this data and batch size (a checkpoint from another configuration).
  void restore(BatcherState state);

 private:
  void shuffle();

  Data data_;
  int64_t batch_size_;
  uint64_t seed_;
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
