#!/usr/bin/env bash
# Set up, build, and run every test (unit, golden, and with the runtime e2e) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir "${GENC_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
