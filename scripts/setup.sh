#!/usr/bin/env bash
# Installs the Debian packages genc needs (DESIGN.md) that are missing; quiet and idempotent.
set -euo pipefail

packages=(
  cmake g++ ccache default-jre-headless
  antlr4 libantlr4-runtime-dev
  libfmt-dev libboost-graph-dev libcli11-dev nlohmann-json3-dev libstb-dev zlib1g-dev
  libgtest-dev libbenchmark-dev
  libtorch-dev libopenblas0-pthread python3-torch
  dataset-fashion-mnist
  fortunes  # text for the byte-level GPT (examples/text_gpt.gen)
  graphviz chromium  # genc report: the model graph's SVG; the browser its e2e test renders the page in
  clang-14 libclang-rt-14-dev  # scripts/sanitize.sh and the libFuzzer targets (tests/fuzz)
  libgloo-dev  # the Gloo headers of LibTorch's ProcessGroupGloo: genc run --devices N on CPUs
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "setup: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
