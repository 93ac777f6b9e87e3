// Benchmark: sampling tokens/s of an autoregressive checkpoint with the KV-cached decode
// step (`sampler sample(kv_cache: true)`, the default) against rerunning the whole prefix
// per position (kv_cache: false), in one process with the same parameters and seed;
// prints one JSON line with both rates, their ratio and whether the tokens agree.
//   kv_cache_bench CHECKPOINT [N (1)]   (N samples drawn by each sampler)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/errors.h"
#include "runtime/run/restore.h"

namespace {

using genc::runtime::Data;

struct Timed {
  Data samples;
  double seconds = 0.0;
};

/// The checkpoint's samples with the sampler's kv_cache set to `kv_cache`, and their time.
Timed sample(const std::string& checkpoint, bool kv_cache, int64_t n) {
  genc::pipeline::Compilation c;
  auto restored = genc::runtime::restore(c, checkpoint, [kv_cache](genc::ir::Program& p, const std::string&) {
    for (genc::ir::Model& m : p.models)
      if (m.sampler) m.sampler->args["kv_cache"] = kv_cache;
  });
  if (!restored) {
    std::fprintf(stderr, "%s", c.diags.render().c_str());
    std::exit(1);
  }
  restored->executor->sample(1, 0);  // warm-up (allocations, one-time kernel set-up)
  auto t0 = std::chrono::steady_clock::now();
  Data s = restored->executor->sample(n, 1);
  double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {s, dt};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kv_cache_bench CHECKPOINT [N]\n");
    return 2;
  }
  const std::string checkpoint = argv[1];
  const int64_t n = argc > 2 ? std::atoll(argv[2]) : 1;
  try {
    Timed cached = sample(checkpoint, true, n);
    Timed full = sample(checkpoint, false, n);
    const double tokens = static_cast<double>(cached.samples.x.numel());
    std::printf("{\"len\": %lld, \"n\": %lld, \"cached_tokens_per_s\": %.1f, \"full_tokens_per_s\": %.2f, "
                "\"ratio\": %.2f, \"same_tokens\": %s}\n",
                static_cast<long long>(cached.samples.x.size(1)), static_cast<long long>(n), tokens / cached.seconds,
                tokens / full.seconds, full.seconds / cached.seconds,
                cached.samples.x.equal(full.samples.x) ? "true" : "false");
  } catch (const genc::runtime::RuntimeUserError& e) {
    std::fprintf(stderr, "kv_cache_bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
