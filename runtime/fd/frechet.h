// The Fréchet distance (FD) between two sets of feature vectors, each summarised by a
// Gaussian (mean and covariance), and the class coverage of a classifier's predictions.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace genc::runtime::fd {

/// The mean [F] and the unbiased covariance [F,F] of N feature vectors, in double.
struct Moments {
  at::Tensor mean;
  at::Tensor cov;
  int64_t count = 0;
};

/// Moments of `features` [N,F] (any float dtype or device; N >= 2).
Moments moments(const at::Tensor& features);

/// The square root of a symmetric positive semi-definite matrix: V diag(sqrt(l)) V^T from
/// its eigen-decomposition, eigenvalues below zero (rounding) taken as zero.
at::Tensor sqrt_psd(const at::Tensor& m);

/// |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)), the Fréchet distance of
/// the Gaussians N(mu_a, S_a) and N(mu_b, S_b). The trace of the square root is taken
/// through the symmetric matrix sqrt(S_a) S_b sqrt(S_a), which has the same eigenvalues as
/// S_a S_b, so one symmetric eigen-decomposition suffices (in double).
double frechet_distance(const Moments& a, const Moments& b);

/// How many classes the rows of `logits` [N,K] predict (argmax) for at least
/// `min_fraction` of the rows.
int64_t class_coverage(const at::Tensor& logits, double min_fraction = 0.01);

}  // namespace genc::runtime::fd
