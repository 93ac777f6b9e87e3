#!/usr/bin/env bash
# scripts/sanitize.sh [CTEST-ARG...]: builds genc and its tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (clang-14; a UBSan report aborts) into build-asan/ (or
# $GENC_ASAN_BUILD_DIR) and runs the unit and golden suites there.
# scripts/sanitize.sh --build TARGET...: only configures and builds those targets.
# The folder is configured with GENC_FUZZ=ON, which adds libFuzzer's coverage instrumentation
# (inert outside a fuzzer), so that tests/fuzz/run.sh builds its targets in the same folder.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${GENC_ASAN_BUILD_DIR:-build-asan}
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -DGENC_FUZZ=ON -DGENC_BUILD_BENCH=OFF \
    -DGENC_BUILD_RUNTIME="${GENC_BUILD_RUNTIME:-ON}" >/dev/null
fi
if [ "${1:-}" = --build ]; then
  shift
  targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  exec cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
fi
cmake --build "$build_dir" -j"$(nproc)"
# LibTorch's and ANTLR's process-lifetime caches are not leaks of genc's.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" -L 'unit|golden' "$@"
