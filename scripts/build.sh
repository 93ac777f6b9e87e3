#!/usr/bin/env bash
# Configures and builds genc into build/ (or $GENC_BUILD_DIR): every target, or the targets
# named as arguments. GENC_BUILD_RUNTIME=OFF builds the compiler without LibTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${GENC_BUILD_DIR:-build}
# ccache hits across clones of the repo: hash paths relative to the checkout.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake -S . -B "$build_dir" -DGENC_BUILD_RUNTIME="${GENC_BUILD_RUNTIME:-ON}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
