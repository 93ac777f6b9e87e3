#!/usr/bin/env bash
# The "runtime" benchmark: training steps/s of the VAE and the DCGAN of examples/ under
# genc run, hand-written LibTorch C++ (bench/peer_vae.cpp, peer_dcgan.cpp) and PyTorch eager
# (bench/peer_pytorch.py), all with the same thread count, printed as one table.
#
# Usage: bench/run_bench.sh [BUILD_DIR]        (default: build; needs peer_vae, peer_dcgan, genc)
# Environment: STEPS (timed steps, default 200), WARMUP (default 20; both multiples of 10),
# THREADS (default nproc), GENC (the genc binary, default BUILD_DIR/tools/genc/genc),
# OMP_WAIT_POLICY (default PASSIVE).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
steps=${STEPS:-200}
warmup=${WARMUP:-20}
threads=${THREADS:-$(nproc)}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
# Idle OpenMP workers sleep instead of spinning. On a shared machine spinning workers that
# compete with other processes for the cores made the C++ VAE 10-40x slower (1.5 vs 46
# steps/s at 2 threads, measured); set OMP_WAIT_POLICY=ACTIVE on a dedicated machine.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

declare -A rate  # rate[SYSTEM/MODEL] = steps/s or n/a
systems=(libtorch-cpp pytorch-eager genc)
calc() { awk "BEGIN { print $1 }"; }
# record SYSTEM MODEL STEPS_PER_S: keeps the rate and shows it at once on stderr.
record() {
  rate[$1/$2]=$3
  echo "$1 $2: $3 steps/s" >&2
}
# The steps_per_s=X field of a peer's RESULT line.
result() { sed -n 's/^RESULT .*steps_per_s=\([0-9.]*\).*/\1/p' <<<"$1"; }

for model in vae dcgan; do
  out=$("$build/bench/peer_$model" --steps "$steps" --warmup "$warmup" --threads "$threads")
  [ "$model" = vae ] && grep -E '^(torch|blas|sgemm)' <<<"$out" >&2
  record libtorch-cpp "$model" "$(result "$out")"
  out=$(/usr/bin/python3 "$root/bench/peer_pytorch.py" --model "$model" --steps "$steps" --warmup "$warmup" --threads "$threads")
  record pytorch-eager "$model" "$(result "$out")"
done

# ---------------------------------------------------------------------------------------
# genc rows. One `genc run` of WARMUP+STEPS steps that logs every 10 steps; each train record
# of metrics.jsonl carries time_s (seconds since training began), so the rate is taken between
# the records of steps WARMUP and WARMUP+STEPS: compiling, loading data and the final
# checkpoint stay out of it, as the peers' setup stays out of theirs.
genc=${GENC:-$build/tools/genc/genc}
genc_rate() {  # FILE -> steps/s between steps WARMUP and WARMUP+STEPS
  local dir
  dir=$(mktemp -d)
  sed -E 's/^(train [^{]*\{)/\1 log every 10 /' "$1" >"$dir/bench.gen"
  "$genc" run "$dir/bench.gen" --steps $((warmup + steps)) --out "$dir/out" >/dev/null
  awk -v a="$warmup" -v b=$((warmup + steps)) -v n="$steps" '
    /"split":"train"/ {
      match($0, /"step":[0-9]+/); step = substr($0, RSTART + 7, RLENGTH - 7)
      match($0, /"time_s":[0-9.e+-]+/); t = substr($0, RSTART + 9, RLENGTH - 9)
      if (step == a) ta = t
      if (step == b) tb = t
    }
    END { if (ta == "" || tb == "") print "n/a"; else print n / (tb - ta) }' "$dir/out/metrics.jsonl"
  rm -rf "$dir"
}
for model in vae dcgan; do
  record genc "$model" "$(genc_rate "$root/examples/${model}_fashion.gen")"
done
# ---------------------------------------------------------------------------------------

echo "steps=$steps warmup=$warmup threads=$threads OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
printf '%-14s %-6s %10s %8s\n' system model steps/s "vs C++"
for model in vae dcgan; do
  base=${rate[libtorch-cpp/$model]}
  for system in "${systems[@]}"; do
    r=${rate[$system/$model]}
    if [ "$r" = n/a ]; then
      printf '%-14s %-6s %10s %8s\n' "$system" "$model" n/a n/a
    else
      printf '%-14s %-6s %10.1f %8.2f\n' "$system" "$model" "$r" "$(calc "$r / $base")"
    fi
  done
done
