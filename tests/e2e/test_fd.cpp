// The Fréchet distance pieces of runtime/fd: moments, the PSD square root, FD against closed
// forms and an independent (non-symmetric) computation, class coverage, and the feature
// extractor of the reference classifier (its logits are the last linear layer of its features).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "compiler/frontend/frontend.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"
#include "compiler/sema/sema.h"
#include "runtime/fd/feature_net.h"
#include "runtime/fd/frechet.h"
#include "runtime/fd/reference_classifier.h"
#include "runtime/param_store.h"

namespace genc::runtime::fd {
namespace {

at::Tensor random_spd(int64_t n, uint64_t seed) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor a = at::randn({n, n}, g, at::kDouble);
  return at::mm(a, a.t()) + 0.1 * at::eye(n, at::kDouble);
}

TEST(Frechet, MomentsAreTheMeanAndTheUnbiasedCovariance) {
  at::Tensor f = at::tensor({1.0, 2.0, 3.0, 5.0, 5.0, 10.0}, at::kDouble).reshape({3, 2});
  Moments m = moments(f.to(at::kFloat));
  EXPECT_EQ(m.count, 3);
  EXPECT_TRUE(at::allclose(m.mean, at::tensor({3.0, 5.666666666666667}, at::kDouble)));
  // var(1,3,5) = 4; var(2,5,10) = 16.333..; cov = (-2*-3.667 + 0 + 2*4.333) / 2 = 8.
  EXPECT_TRUE(at::allclose(m.cov, at::tensor({4.0, 8.0, 8.0, 16.333333333333332}, at::kDouble).reshape({2, 2})));
}

TEST(Frechet, SqrtPsdSquaresBack) {
  at::Tensor s = random_spd(6, 1);
  at::Tensor r = sqrt_psd(s);
  EXPECT_TRUE(at::allclose(at::mm(r, r), s, 1e-9, 1e-9));
  EXPECT_TRUE(at::allclose(r, r.t()));
}

TEST(Frechet, IsZeroForEqualMomentsAndSymmetric) {
  at::Tensor f = at::randn({500, 8}, at::make_generator<at::CPUGeneratorImpl>(2), at::kDouble);
  at::Tensor g = at::randn({500, 8}, at::make_generator<at::CPUGeneratorImpl>(3), at::kDouble) * 2 + 1;
  Moments a = moments(f), b = moments(g);
  EXPECT_NEAR(frechet_distance(a, a), 0.0, 1e-8);
  EXPECT_NEAR(frechet_distance(a, b), frechet_distance(b, a), 1e-8);
  EXPECT_GT(frechet_distance(a, b), 8.0);  // the means alone differ by 1 in each of 8 dimensions
}

TEST(Frechet, MatchesTheClosedFormForDiagonalCovariances) {
  Moments a{at::tensor({0.0, 1.0, 2.0}, at::kDouble), at::diag(at::tensor({1.0, 4.0, 9.0}, at::kDouble)), 10};
  Moments b{at::tensor({1.0, 1.0, 0.0}, at::kDouble), at::diag(at::tensor({4.0, 1.0, 9.0}, at::kDouble)), 10};
  // |dm|^2 = 1 + 0 + 4; sum (sqrt s_a - sqrt s_b)^2 = 1 + 1 + 0.
  EXPECT_NEAR(frechet_distance(a, b), 7.0, 1e-9);
}

TEST(Frechet, MatchesTheEigenvaluesOfTheCovarianceProduct) {
  // tr (S_a S_b)^(1/2) = sum of the square roots of the (real, positive) eigenvalues of S_a S_b.
  at::Tensor sa = random_spd(5, 4), sb = random_spd(5, 5);
  at::Tensor eig = at::real(at::linalg_eigvals(at::mm(sa, sb)));
  double trace_root = eig.sqrt().sum().item<double>();
  Moments a{at::zeros({5}, at::kDouble), sa, 10}, b{at::ones({5}, at::kDouble), sb, 10};
  double expected = 5.0 + sa.trace().item<double>() + sb.trace().item<double>() - 2 * trace_root;
  EXPECT_NEAR(frechet_distance(a, b), expected, 1e-8 * std::abs(expected));
}

TEST(Frechet, ClassCoverageCountsClassesAboveTheFraction) {
  // Predicted classes: 0 x50, 1 x30, 2 x15, 3 x5 (of 100).
  std::vector<int64_t> labels;
  for (auto [c, n] : std::vector<std::pair<int64_t, int>>{{0, 50}, {1, 30}, {2, 15}, {3, 5}})
    labels.insert(labels.end(), n, c);
  at::Tensor logits = at::one_hot(at::tensor(labels, at::kLong), 10).to(at::kFloat);
  EXPECT_EQ(class_coverage(logits, 0.10), 3);
  EXPECT_EQ(class_coverage(logits, 0.05), 4);
  EXPECT_EQ(class_coverage(logits, 0.01), 4);
}

TEST(FeatureNet, FeaturesAreWhatTheLastLinearLayerReads) {
  SourceManager sources;
  DiagnosticEngine diags;
  const SourceFile* file = sources.add("fd_classifier.gen", std::string(classifier_source()));
  auto unit = frontend::parse_program(*file, sources, diags);
  ASSERT_TRUE(unit.has_value()) << diags.render();
  auto program = sema::analyze(*unit, {}, diags);
  ASSERT_TRUE(program.has_value()) << diags.render();
  passes::optimize(*program, {});
  auto plan = lower::lower(program->models.at(0), diags);
  ASSERT_TRUE(plan.has_value()) << diags.render();
  ASSERT_EQ(plan->objective, "classify");

  lower::Routine r = feature_routine(*plan);
  EXPECT_EQ(r.outputs, (std::vector<std::string>{"logits", "features"}));
  EXPECT_TRUE(r.reads("x"));
  EXPECT_FALSE(r.reads("y"));
  EXPECT_TRUE(r.graph.find(ir::Op::CategoricalNll).empty());

  ParamStore params(program->models.at(0), at::kCPU, 9);
  FeatureNet net(*plan, params);
  at::Tensor x = at::rand({7, 1, 28, 28}, at::make_generator<at::CPUGeneratorImpl>(6));
  FeatureNet::Result out = net.run(x, /*batch=*/3);
  ASSERT_EQ(out.logits.sizes(), (std::vector<int64_t>{7, 10}));
  ASSERT_EQ(out.features.sizes(), (std::vector<int64_t>{7, 128}));
  EXPECT_GE(out.features.min().item<float>(), 0.0f);  // after the relu of mlp([width, features])
  ParamModule& last = params.node("C.return.linear0");
  at::Tensor expected = at::addmm(last.get("bias"), out.features, last.get("weight").t());
  EXPECT_TRUE(at::allclose(out.logits, expected, 1e-4, 1e-5));
}

TEST(ReferenceClassifier, CachePathIsKeyedBySourceAndSeed) {
  setenv("XDG_CACHE_HOME", "/tmp/genc-test-cache", 1);
  std::string a = cache_path("source", 0);
  EXPECT_EQ(a.rfind("/tmp/genc-test-cache/genc/fd_classifier-", 0), 0u) << a;
  EXPECT_EQ(a, cache_path("source", 0));
  EXPECT_NE(a, cache_path("source", 1));
  EXPECT_NE(a, cache_path("sourcf", 0));
}

}  // namespace
}  // namespace genc::runtime::fd
