#!/usr/bin/env bash
# The "runtime" benchmark: training steps/s of the VAE and the DCGAN of examples/ under
# genc run, hand-written LibTorch C++ (bench/peer_vae.cpp, peer_dcgan.cpp) and PyTorch eager
# (bench/peer_pytorch.py), all with the same thread count, printed as one table.
#
# Usage: bench/run_bench.sh [BUILD_DIR]        (default: build; needs peer_vae, peer_dcgan, genc)
# Environment: STEPS (timed steps, default 200), WARMUP (default 20), THREADS (default nproc).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
steps=${STEPS:-200}
warmup=${WARMUP:-20}
threads=${THREADS:-$(nproc)}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

rows=()
# row SYSTEM MODEL STEPS_PER_S
row() { rows+=("$1 $2 $3"); }

calc() { awk "BEGIN { print $1 }"; }
# The steps_per_s=X field of a peer's RESULT line.
result() { sed -n 's/^RESULT .*steps_per_s=\([0-9.]*\).*/\1/p' <<<"$1"; }

for model in vae dcgan; do
  out=$("$build/bench/peer_$model" --steps "$steps" --warmup "$warmup" --threads "$threads")
  [ "$model" = vae ] && grep -E '^(torch|blas|sgemm)' <<<"$out" >&2
  row libtorch-cpp "$model" "$(result "$out")"
  out=$(/usr/bin/python3 "$root/bench/peer_pytorch.py" --model "$model" --steps "$steps" --warmup "$warmup" --threads "$threads")
  row pytorch-eager "$model" "$(result "$out")"
done

# ---------------------------------------------------------------------------------------
# genc rows. `genc run FILE --steps N` includes compiling, loading data and warm-up, so the
# rate is measured by difference: steps / (time(--steps WARMUP+STEPS) - time(--steps WARMUP)).
# Until the genc binary has a `run` command these rows print n/a.
genc=$build/tools/genc/genc
genc_seconds() {  # FILE TOTAL_STEPS -> wall seconds of one run
  local out t0 t1
  out=$(mktemp -d)
  t0=$(date +%s.%N)
  "$genc" run "$1" --steps "$2" --out "$out" >/dev/null
  t1=$(date +%s.%N)
  rm -rf "$out"
  calc "$t1 - $t0"
}
for model in vae dcgan; do
  file=$root/examples/${model}_fashion.gen
  if [ -x "$genc" ] && "$genc" run --help >/dev/null 2>&1 && [ -f "$file" ]; then
    short=$(genc_seconds "$file" "$warmup")
    long=$(genc_seconds "$file" $((warmup + steps)))
    row genc "$model" "$(calc "$steps / ($long - $short)")"
  else
    row genc "$model" n/a
  fi
done
# ---------------------------------------------------------------------------------------

echo "steps=$steps warmup=$warmup threads=$threads"
printf '%-14s %-6s %10s %12s\n' system model steps/s "vs C++"
for model in vae dcgan; do
  base=$(for r in "${rows[@]}"; do set -- $r; [ "$1 $2" = "libtorch-cpp $model" ] && echo "$3"; done)
  for r in "${rows[@]}"; do
    set -- $r
    [ "$2" = "$model" ] || continue
    if [ "$3" = n/a ]; then
      printf '%-14s %-6s %10s %12s\n' "$1" "$2" n/a n/a
    else
      printf '%-14s %-6s %10.1f %12.2f\n' "$1" "$2" "$3" "$(calc "$3 / $base")"
    fi
  done
done
