// Shared pieces of the hand-written LibTorch benchmark peers: command-line options, thread
// and seed setup, the BLAS check, and the timed loop that prints steps/s.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

namespace genc::bench {

struct PeerOptions {
  int64_t steps = 200;   ///< timed steps
  int64_t warmup = 20;   ///< untimed steps first (allocator, caches, OpenBLAS threads)
  int threads = 0;       ///< intra-op threads; 0 = number of CPUs
  uint64_t seed = 0;
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
};

/// --steps N --warmup N --threads N --seed N --data DIR
inline PeerOptions parse_options(int argc, char** argv) {
  PeerOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
    const char* value = argv[++i];
    if (flag == "--steps") o.steps = std::stoll(value);
    else if (flag == "--warmup") o.warmup = std::stoll(value);
    else if (flag == "--threads") o.threads = std::stoi(value);
    else if (flag == "--seed") o.seed = std::stoull(value);
    else if (flag == "--data") o.data_dir = value;
    else throw std::invalid_argument("unknown option " + flag);
  }
  if (o.threads <= 0) o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return o;
}

/// The BLAS libraries mapped into this process (Debian's LibTorch reaches BLAS through
/// libblas.so.3, which the alternatives system points at OpenBLAS or reference BLAS).
inline std::string blas_libraries() {
  std::ifstream maps("/proc/self/maps");
  std::set<std::string> found;
  for (std::string line; std::getline(maps, line);) {
    const size_t slash = line.find('/');
    const std::string path = slash == std::string::npos ? "" : line.substr(slash);
    if (path.find("blas") != std::string::npos && path.find("cublas") == std::string::npos) found.insert(path);
  }
  std::string out;
  for (const std::string& f : found) out += (out.empty() ? "" : " ") + f;
  return out.empty() ? "none found" : out;
}

/// GFLOP/s of a 512x512 float matmul: tens with OpenBLAS, a few with reference BLAS.
inline double sgemm_gflops() {
  torch::NoGradGuard no_grad;
  torch::Tensor a = torch::randn({512, 512}), b = torch::randn({512, 512});
  torch::mm(a, b);
  const int reps = 20;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) torch::mm(a, b);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return 2.0 * 512 * 512 * 512 * reps / s / 1e9;
}

inline void setup(const PeerOptions& o) {
  at::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  std::printf("torch %s, %d threads\nblas: %s\nsgemm 512: %.1f GFLOP/s\n", TORCH_VERSION, at::get_num_threads(),
              blas_libraries().c_str(), sgemm_gflops());
}

/// Runs `step` (which returns the step's loss) o.warmup times, then o.steps times under the
/// clock, and prints "RESULT system=libtorch-cpp model=NAME steps_per_s=X final_loss=Y".
template <typename Step>
void run_timed(const char* model, const PeerOptions& o, Step step) {
  for (int64_t i = 0; i < o.warmup; ++i) step();
  const auto t0 = std::chrono::steady_clock::now();
  torch::Tensor loss;
  for (int64_t i = 0; i < o.steps; ++i) loss = step();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("RESULT system=libtorch-cpp model=%s steps_per_s=%.2f final_loss=%.4f\n", model, o.steps / s,
              loss.defined() ? loss.item<double>() : 0.0);
}

}  // namespace genc::bench
