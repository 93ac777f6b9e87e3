// PrefetchBatcher: a worker thread runs the Batcher `depth` batches ahead of the trainer.
#include "runtime/data/prefetch.h"

#include "compiler/support/diagnostics.h"

namespace genc::runtime {

PrefetchBatcher::PrefetchBatcher(Data host_data, int64_t batch_size, uint64_t seed, c10::Device device, size_t depth,
                                 BatchShard shard)
    : batcher_(std::move(host_data), batch_size, seed, /*pinned=*/device.is_cuda(), shard),
      device_(device),
      depth_(depth),
      delivered_(batcher_.state()) {
  GENC_ASSERT(depth_ > 0, "PrefetchBatcher: depth must be positive");
  start();
}

PrefetchBatcher::~PrefetchBatcher() { stop(); }

void PrefetchBatcher::start() {
  stopping_ = false;
  worker_ = std::thread([this] { work(); });
}

void PrefetchBatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
  ready_.clear();
  error_ = nullptr;
}

void PrefetchBatcher::work() {
  try {
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return stopping_ || ready_.size() < depth_; });
        if (stopping_) return;
      }
      Data batch = batcher_.next();
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace_back(std::move(batch), batcher_.state());
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
    changed_.notify_all();
  }
}

Data PrefetchBatcher::next() {
  std::pair<Data, BatcherState> entry;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || error_; });
    if (ready_.empty()) std::rethrow_exception(error_);
    entry = std::move(ready_.front());
    ready_.pop_front();
  }
  changed_.notify_all();
  delivered_ = entry.second;
  Data& b = entry.first;
  if (device_.is_cpu()) return b;
  // From pinned memory the copy is queued on the current stream and the host goes on.
  Data out;
  out.x = b.x.to(device_, /*non_blocking=*/true);
  if (b.y) out.y = b.y->to(device_, /*non_blocking=*/true);
  return out;
}

void PrefetchBatcher::restore(BatcherState state) {
  stop();
  try {
    batcher_.restore(state);
  } catch (...) {
    start();
    throw;
  }
  delivered_ = state;
  start();
}

}  // namespace genc::runtime
