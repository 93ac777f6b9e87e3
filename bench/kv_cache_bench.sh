#!/usr/bin/env bash
# Sampling tokens/s with the KV cache against rerunning the whole prefix per position, at
# L = 128 (examples/text_gpt.gen) and L = 784 (examples/pixel_gpt.gen), in one run: each
# model trained for one step (the rates do not depend on the weights), then sampled by
# both samplers with the same parameters and seed (build/bench/kv_cache_bench).
#   bench/kv_cache_bench.sh [N_TEXT (8)] [N_PIXEL (1)]   (samples per sampler)
set -euo pipefail
cd "$(dirname "$0")/.."
genc=build/tools/genc/genc
bench=build/bench/kv_cache_bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for spec in "text_gpt ${1:-8}" "pixel_gpt ${2:-1}"; do
  read -r model n <<< "$spec"
  "$genc" run "examples/$model.gen" --steps 1 --device cpu --out "$out/$model" > /dev/null
  echo "$model: $("$bench" "$out/$model"/checkpoints/step_*.pt "$n")"
done
