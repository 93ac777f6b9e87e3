#!/usr/bin/env bash
# Run HERE (Debian 12): gathers into .gpu/ (git-ignored) what the GPU machine lacks to build
# and run genc: the Debian packages of the ANTLR runtime, stb and fmt and the Fashion-MNIST data
# (as .deb files, unpacked there with dpkg -x into a prefix, never into /), and the
# ANTLR-generated parser sources (the GPU machine has no Java). Then scripts/gpu/build.sh
# builds genc there. Boost, CLI11, nlohmann-json, GoogleTest, Google Benchmark and
# LibTorch are already on the GPU machine; GENC_GPU_EXTRA_DEBS="pkg ..." adds packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh
out=.gpu
rm -rf "$out/debs" "$out/antlr"
mkdir -p "$out/debs" "$out/antlr"
# fmt: LibTorch 2.x ships fmt 12 headers among its own; genc compiles against these fmt 9
# headers, found first (CMakeLists.txt), and the fmt 9 library they match.
packages=(libantlr4-runtime4.9 libantlr4-runtime-dev libstb0 libstb-dev libfmt9 libfmt-dev dataset-fashion-mnist)
read -ra extra <<<"${GENC_GPU_EXTRA_DEBS:-}"
(cd "$out/debs" && apt-get download -qq -o APT::Sandbox::User=root "${packages[@]}" "${extra[@]}")
# The arguments dsl/CMakeLists.txt uses, so the sources are the ones a build here makes.
read -ra antlr_args <dsl/antlr4.args
(cd dsl && antlr4 "${antlr_args[@]}" -o "$OLDPWD/$out/antlr" Gen.g4)
echo "gathered into $out/: $(ls "$out/debs" | wc -l) packages, $(ls "$out/antlr" | wc -l) generated files, $(du -sh "$out" | cut -f1)"
