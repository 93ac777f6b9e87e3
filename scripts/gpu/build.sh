#!/usr/bin/env bash
# Run ON THE GPU MACHINE (Ubuntu 24.04, PyTorch 2.x with CUDA, no Java, no package registry),
# in a checkout that carries the .gpu/ folder made by scripts/gpu/gather.sh: unpacks its
# Debian packages into .gpu/prefix (dpkg -x, never into /) and builds genc with ninja into
# build-gpu/ (or $GENC_BUILD_DIR) against the LibTorch inside python3's torch, with the
# pre-generated parser sources. Targets as arguments (default: all). Then
# `source scripts/gpu/env.sh` points genc at the unpacked Fashion-MNIST files.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
if [ ! -d .gpu/debs ] || [ ! -f .gpu/antlr/GenParser.cpp ]; then
  echo "scripts/gpu/build.sh: .gpu/ is missing or incomplete: run scripts/gpu/gather.sh on a Debian" \
       "machine and carry .gpu to this one" >&2
  exit 1
fi
prefix=$root/.gpu/prefix
debs=$(ls .gpu/debs)
if [ "$(cat "$prefix/.unpacked" 2>/dev/null)" != "$debs" ]; then
  rm -rf "$prefix"
  for deb in .gpu/debs/*.deb; do dpkg -x "$deb" "$prefix"; done
  echo "$debs" >"$prefix/.unpacked"
fi
# The ANTLR runtime links -luuid: the machine has libuuid.so.1 but not the -dev symlink.
libdir=$prefix/usr/lib/x86_64-linux-gnu
[ -e "$libdir/libuuid.so" ] || ln -s /usr/lib/x86_64-linux-gnu/libuuid.so.1 "$libdir/libuuid.so"
export LIBRARY_PATH=$libdir${LIBRARY_PATH:+:$LIBRARY_PATH}
# The tests' discovery runs the test programs during the build: they need the libraries.
# shellcheck source=env.sh
source scripts/gpu/env.sh
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
build_dir=${GENC_BUILD_DIR:-build-gpu}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix/usr;$torch_prefix" \
  -DGENC_ANTLR_GENERATED_DIR="$root/.gpu/antlr" \
  -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}" -- -k 0
