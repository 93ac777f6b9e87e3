// Training batches of a dataset kept in host memory (one too large to stay on the GPU): a
// thread gathers the next batches into page-locked memory while the device trains on the
// current one, and each batch is copied to the device without blocking the host.
#pragma once

#include <c10/core/Device.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "runtime/data/batcher.h"

namespace genc::runtime {

/// The batches of a Batcher over host data (the same sequence, the same states), gathered
/// `depth` batches ahead by a worker thread and delivered on `device`.
class PrefetchBatcher : public BatchSource {
 public:
  /// How many batches the worker gathers ahead by default.
  static constexpr size_t kDepth = 2;
  /// `host_data` must be in CPU memory; batches are pinned when `device` is a GPU; `shard`
  /// as for Batcher.
  PrefetchBatcher(Data host_data, int64_t batch_size, uint64_t seed, c10::Device device, size_t depth = kDepth,
                  BatchShard shard = {});
  ~PrefetchBatcher() override;
  PrefetchBatcher(const PrefetchBatcher&) = delete;
  PrefetchBatcher& operator=(const PrefetchBatcher&) = delete;

  /// Waits for the worker's next batch (rethrowing what the worker threw).
  Data next() override;
  int64_t batch_size() const override { return batcher_.batch_size(); }
  int64_t batches_per_epoch() const override { return batcher_.batches_per_epoch(); }
  BatcherState state() const override { return delivered_; }
  void restore(BatcherState state) override;

 private:
  void start();
  void stop();
  void work();

  Batcher batcher_;  ///< touched only by the worker while it runs
  c10::Device device_;
  size_t depth_;
  BatcherState delivered_;  ///< the state of the batch next() returns next

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<Data, BatcherState>> ready_;  ///< each batch with the state after it
  std::exception_ptr error_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace genc::runtime
