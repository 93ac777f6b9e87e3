// Toy 2-D sets, drawn point by point from our own Rng so they do not depend on the
// LibTorch version or device. Each set uses its own stream of the seed.
#include "runtime/data/toy.h"

#include <ATen/ops/empty.h>

#include <cmath>
#include <string>

#include "runtime/data/rng.h"
#include "runtime/errors.h"

namespace genc::runtime {
namespace {

constexpr double kPi = 3.141592653589793;

// [n, 2] filled by point(rng, i) -> {x, y}.
template <typename F>
at::Tensor generate(const char* name, int64_t n, uint64_t seed, uint64_t stream, F point) {
  if (n <= 0) throw RuntimeUserError(std::string(name) + ": n must be positive, got " + std::to_string(n));
  Rng rng(mix_seed(seed, stream));
  at::Tensor x = at::empty({n, 2}, at::kFloat);
  float* out = x.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    auto [a, b] = point(rng, i);
    out[2 * i] = static_cast<float>(a);
    out[2 * i + 1] = static_cast<float>(b);
  }
  return x;
}

}  // namespace

at::Tensor moons(int64_t n, double noise, uint64_t seed) {
  return generate("moons", n, seed, 1, [noise](Rng& rng, int64_t i) {
    const double t = kPi * rng.uniform();
    double a = std::cos(t), b = std::sin(t);
    if (i % 2 == 1) a = 1.0 - a, b = 0.5 - b;
    return std::pair{a + noise * rng.normal(), b + noise * rng.normal()};
  });
}

at::Tensor circles(int64_t n, double noise, uint64_t seed) {
  return generate("circles", n, seed, 2, [noise](Rng& rng, int64_t i) {
    const double t = 2.0 * kPi * rng.uniform();
    const double r = i % 2 == 0 ? 1.0 : 0.5;
    return std::pair{r * std::cos(t) + noise * rng.normal(), r * std::sin(t) + noise * rng.normal()};
  });
}

at::Tensor eight_gaussians(int64_t n, double noise, uint64_t seed) {
  return generate("eight_gaussians", n, seed, 3, [noise](Rng& rng, int64_t) {
    const double t = kPi / 4.0 * static_cast<double>(rng.below(8));
    const double r = 4.0 / 1.414;
    return std::pair{r * std::cos(t) + noise * rng.normal(), r * std::sin(t) + noise * rng.normal()};
  });
}

at::Tensor checkerboard(int64_t n, double noise, uint64_t seed) {
  return generate("checkerboard", n, seed, 4, [noise](Rng& rng, int64_t) {
    const double a = 4.0 * rng.uniform() - 2.0;
    const double column = std::floor(a);  // -2 .. 1
    const double within = rng.uniform();
    const double row = static_cast<double>(rng.below(2));
    const double b = within - 2.0 * row + std::fmod(column + 2.0, 2.0);
    return std::pair{2.0 * a + noise * rng.normal(), 2.0 * b + noise * rng.normal()};
  });
}

at::Tensor swiss_roll(int64_t n, double noise, uint64_t seed) {
  return generate("swiss_roll", n, seed, 5, [noise](Rng& rng, int64_t) {
    const double t = 1.5 * kPi * (1.0 + 2.0 * rng.uniform());
    return std::pair{(t * std::cos(t) + noise * rng.normal()) / 5.0, (t * std::sin(t) + noise * rng.normal()) / 5.0};
  });
}

}  // namespace genc::runtime
