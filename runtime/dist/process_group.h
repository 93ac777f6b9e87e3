// genc's handle on a torch.distributed (c10d) process group: the TCPStore rendezvous at
// MASTER_ADDR:MASTER_PORT and ProcessGroupGloo (CPU tensors) or ProcessGroupNCCL (CUDA
// tensors), with a timeout on every collective and its failures as one-line user errors.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/dist/dist_env.h"

namespace genc::runtime::dist {

/// The collectives of one c10d backend, each waited for (c10d_backend.h implements it).
class Backend {
 public:
  virtual ~Backend() = default;
  /// Sums `tensor` over the ranks, in place. Throws what c10d throws.
  virtual void all_reduce_sum(const at::Tensor& tensor) = 0;
  /// Rank 0's values of `tensor` into every rank's. Throws what c10d throws.
  virtual void broadcast(const at::Tensor& tensor) = 0;
};

/// One process's membership in a data-parallel run. Every rank must call the same
/// collectives in the same order with tensors of the same shapes. A collective that fails
/// (another process ended, or did not answer within the timeout) throws RuntimeUserError
/// saying which collective, on which rank, and the backend's reason.
class ProcessGroup {
 public:
  /// Joins the run `env` describes for tensors on `device` (a CUDA device: NCCL; the CPU:
  /// Gloo): rank 0 serves the TCPStore, every rank meets there within the timeout. Throws
  /// RuntimeUserError when this genc was built without that backend or the rendezvous fails.
  static std::unique_ptr<ProcessGroup> join(const DistEnv& env, const c10::Device& device);

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  /// "gloo" or "nccl".
  const std::string& backend_name() const { return name_; }
  /// Where the tensors of its collectives live.
  const c10::Device& device() const { return device_; }

  /// Sums `tensor` (contiguous, on device()) over the ranks, in place; `what` names the
  /// collective in errors ("the gradient all-reduce of group 'D' in iteration 17").
  void all_reduce_sum(const at::Tensor& tensor, const std::string& what);
  /// The sums of `values` over the ranks (float64, through a tensor on device()).
  std::vector<double> all_reduce_sum(const std::vector<double>& values, const std::string& what);
  /// Rank 0's values of each of `tensors` (on device()) into every rank's (one broadcast
  /// each, written in place without autograd).
  void broadcast(const std::vector<at::Tensor>& tensors, const std::string& what);
  /// Whether `flag` is true on any rank.
  bool any(bool flag, const std::string& what);

 private:
  ProcessGroup(DistEnv env, c10::Device device) : env_(std::move(env)), device_(device) {}
  /// Runs `collective`; turns what it throws into the located RuntimeUserError.
  template <class F>
  void guarded(const std::string& what, F collective);

  DistEnv env_;
  c10::Device device_;
  std::string name_;
  std::unique_ptr<Backend> backend_;  ///< it keeps the TCPStore alive
};

}  // namespace genc::runtime::dist
