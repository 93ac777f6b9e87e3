#!/usr/bin/env bash
# Set up, build, and run the default example (or the .gen file given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh genc
genc=${GENC_BUILD_DIR:-build}/tools/genc/genc
example=${1:-examples/vae_fashion.gen}

# Train it: metrics, checkpoints and sample grids go to runs/MODEL (genc run --help).
# A compiler-only build (GENC_BUILD_RUNTIME=OFF) has no `run`: it checks and prints the IR.
if [ "${GENC_BUILD_RUNTIME:-ON}" = OFF ]; then
  "$genc" check "$example"
  "$genc" compile "$example" --emit ir-opt
else
  "$genc" run "$example"
fi
