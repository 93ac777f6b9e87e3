#!/usr/bin/env bash
# tests/fuzz/smoke.sh GENC: the CI hook (ctest fuzz_smoke, label fuzz): the compiler and .gir
# fuzzers for 5 seconds each over their seeds (tests/fuzz/run.sh 5 fuzz_compile fuzz_gir, GENC
# making the .gir seeds). Skips (exit 77, saying why) without clang-14's libFuzzer, and where
# the sanitizer build folder is not configured yet and GENC_FUZZ_CI is not 1: building its
# compiler libraries with clang, ASan and UBSan takes longer than CI's budget allows.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${GENC_ASAN_BUILD_DIR:-build-asan}
if ! command -v clang++-14 >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz_smoke: SKIPPED: clang-14 and libclang-rt-14-dev (libFuzzer) are not installed"
  exit 77
fi
if [ ! -f "$build/CMakeCache.txt" ] && [ "${GENC_FUZZ_CI:-0}" != 1 ]; then
  echo "fuzz_smoke: SKIPPED: no $build/ (scripts/sanitize.sh or tests/fuzz/run.sh makes it;" \
       "GENC_FUZZ_CI=1 builds it here, which takes longer than CI allows)"
  exit 77
fi
GENC=${1:?usage: tests/fuzz/smoke.sh GENC} GENC_BUILD_RUNTIME=OFF exec tests/fuzz/run.sh 5 fuzz_compile fuzz_gir
