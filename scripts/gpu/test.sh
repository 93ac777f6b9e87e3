#!/usr/bin/env bash
# Run ON THE GPU MACHINE: builds genc (scripts/gpu/build.sh) and runs the unit and golden
# tests there, the CUDA tests included (tests/unit/runtime/test_cuda.cpp, which skip on CPU
# machines). Extra arguments go to ctest (e.g. -R Cuda).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/gpu/build.sh
# shellcheck source=env.sh
source scripts/gpu/env.sh
ctest --test-dir "${GENC_BUILD_DIR:-build-gpu}" -j"$(nproc)" -L "unit|golden" --output-on-failure "$@"
