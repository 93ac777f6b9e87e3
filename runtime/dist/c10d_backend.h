// The Backend of one c10d process-group class (ProcessGroupGloo, ProcessGroupNCCL): its
// collectives with genc's timeout, waited for; and the factories of the backends this genc
// was built with (gloo_backend.cpp, nccl_backend.cpp). Included only by runtime/dist.
#pragma once

#include <torch/csrc/distributed/c10d/Store.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>

#include <chrono>
#include <memory>
#include <utility>

#include "runtime/dist/process_group.h"

namespace genc::runtime::dist {

/// `Group`'s allreduce (sum) and broadcast (from rank 0), each waited for within `timeout`.
template <class Group>
class C10dBackend : public Backend {
 public:
  C10dBackend(c10::intrusive_ptr<c10d::Store> store, c10::intrusive_ptr<Group> group, std::chrono::milliseconds timeout)
      : store_(std::move(store)), group_(std::move(group)), timeout_(timeout) {}

  // (c10d's vectors hold one tensor per device of a process: genc has one device each.)
  void all_reduce_sum(const at::Tensor& tensor) override {
    std::vector<at::Tensor> one = {tensor};
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    o.timeout = timeout_;
    group_->allreduce(one, o)->wait(timeout_);
  }
  void broadcast(const at::Tensor& tensor) override {
    std::vector<at::Tensor> one = {tensor};
    c10d::BroadcastOptions o;
    o.rootRank = 0;
    o.timeout = timeout_;
    group_->broadcast(one, o)->wait(timeout_);
  }

 private:
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<Group> group_;
  std::chrono::milliseconds timeout_;
};

/// ProcessGroupGloo over `env`'s network (loopback when MASTER_ADDR is this machine);
/// defined only where GENC_HAVE_GLOO.
std::unique_ptr<Backend> make_gloo_backend(c10::intrusive_ptr<c10d::Store> store, const DistEnv& env);
/// ProcessGroupNCCL on the GPU of `env.local_rank`; defined only where GENC_HAVE_NCCL.
std::unique_ptr<Backend> make_nccl_backend(c10::intrusive_ptr<c10d::Store> store, const DistEnv& env);

}  // namespace genc::runtime::dist
