// Gradient averaging for data-parallel training, DDP's recipe: a parameter group's gradients
// packed into flat buckets of at most kBucketBytes, one all-reduce per bucket, divided by the
// world size.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/dist/process_group.h"

namespace genc::runtime::dist {

/// Averages the gradients of one parameter group over the ranks of a ProcessGroup.
class GradReducer {
 public:
  /// DDP's default bucket size.
  static constexpr int64_t kBucketBytes = 25 << 20;

  /// `group` must outlive the reducer; `name` names the group in errors.
  GradReducer(ProcessGroup& group, std::string name) : group_(&group), name_(std::move(name)) {}

  /// Replaces each defined gradient by its mean over the ranks (views of the reducer's
  /// buckets, valid until the next call). Every rank passes gradients of the same shapes,
  /// defined at the same places (the same step of the same plan). `when` says where in
  /// training this is, for errors ("iteration 17").
  void average(std::vector<at::Tensor>& grads, const std::string& when);

 private:
  struct Bucket {
    std::vector<size_t> members;  ///< indices into the gradient list
    at::Tensor flat;              ///< their values, one after another
  };
  /// Groups the defined gradients into buckets (consecutive ones of one dtype and device).
  void plan(const std::vector<at::Tensor>& grads);

  ProcessGroup* group_;
  std::string name_;
  std::vector<Bucket> buckets_;
  std::vector<bool> defined_;  ///< the pattern the buckets were planned for
};

}  // namespace genc::runtime::dist
