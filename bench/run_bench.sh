#!/usr/bin/env bash
# The "runtime" benchmark: training steps/s of the VAE and the DCGAN of examples/ under
# genc run, hand-written LibTorch C++ (bench/peer_vae.cpp, peer_dcgan.cpp) and PyTorch eager
# (bench/peer_pytorch.py), all with the same thread count, printed as one table; with
# MODELS="ddpm" also the DDPM's UNet step (genc and PyTorch eager only: ratios to PyTorch). The three
# systems take turns for ROUNDS rounds and the table shows each one's median, so that a
# slow spell of a shared machine does not land on one system only.
#
# Usage: bench/run_bench.sh [BUILD_DIR]        (default: build; needs peer_vae, peer_dcgan, genc)
# Environment: VAE_STEPS (timed steps, default 400: the window stays inside the first epoch of
# 468 steps, before genc's end-of-epoch eval), DCGAN_STEPS (default 100), DDPM_STEPS (default
# 30), WARMUP (default 20; all multiples of 10), ROUNDS (default 3), MODELS (default "vae dcgan"), THREADS
# (default nproc), GENC (the genc binary, default BUILD_DIR/tools/genc/genc),
# OMP_WAIT_POLICY (default PASSIVE).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
declare -A steps=([vae]=${VAE_STEPS:-400} [dcgan]=${DCGAN_STEPS:-100} [ddpm]=${DDPM_STEPS:-30})
warmup=${WARMUP:-20}
rounds=${ROUNDS:-3}
read -ra models <<<"${MODELS:-vae dcgan}"
threads=${THREADS:-$(nproc)}
genc=${GENC:-$build/tools/genc/genc}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
# Idle OpenMP workers sleep instead of spinning. On a shared machine spinning workers that
# compete with other processes for the cores made the C++ VAE 10-40x slower (1.5 vs 46
# steps/s at 2 threads, measured); set OMP_WAIT_POLICY=ACTIVE on a dedicated machine.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

declare -A rates  # rates[SYSTEM/MODEL] = the steps/s of each round, space-separated
systems=(libtorch-cpp pytorch-eager genc)
calc() { awk "BEGIN { print $1 }"; }
# record SYSTEM MODEL STEPS_PER_S: keeps the rate and shows it at once on stderr.
record() {
  rates[$1/$2]+="$3 "
  echo "$1 $2: $3 steps/s" >&2
}
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# The steps_per_s=X field of a peer's RESULT line.
result() { sed -n 's/^RESULT .*steps_per_s=\([0-9.]*\).*/\1/p' <<<"$1"; }

# genc: one `genc run` of WARMUP+STEPS steps that logs every 10 steps; each train record of
# metrics.jsonl carries time_s (seconds since training began), so the rate is taken between
# the records of steps WARMUP and WARMUP+STEPS: compiling, loading data and the final
# checkpoint stay out of it, as the peers' setup stays out of theirs.
genc_rate() {  # MODEL -> steps/s between steps WARMUP and WARMUP+STEPS
  local dir n=${steps[$1]}
  dir=$(mktemp -d)
  # Every model at its peer's batch size: the DDPM's denoiser step at 128 (its example trains at 64).
  sed -E -e 's/^(train [^{]*\{)/\1 log every 10 /' -e '/^model ddpm/,$ s/batch [0-9]+/batch 128/' \
    "$root/examples/$1_fashion.gen" >"$dir/bench.gen"
  "$genc" run "$dir/bench.gen" --steps $((warmup + n)) --out "$dir/out" >/dev/null
  awk -v a="$warmup" -v b=$((warmup + n)) -v n="$n" '
    /"split":"train"/ {
      match($0, /"step":[0-9]+/); step = substr($0, RSTART + 7, RLENGTH - 7)
      match($0, /"time_s":[0-9.e+-]+/); t = substr($0, RSTART + 9, RLENGTH - 9)
      if (step == a) ta = t
      if (step == b) tb = t
    }
    END { if (ta == "" || tb == "") print "n/a"; else print n / (tb - ta) }' "$dir/out/metrics.jsonl"
  rm -rf "$dir"
}

for round in $(seq "$rounds"); do
  for model in "${models[@]}"; do
    n=${steps[$model]}
    if [ -x "$build/bench/peer_$model" ]; then  # no hand-written C++ DDPM
      out=$("$build/bench/peer_$model" --steps "$n" --warmup "$warmup" --threads "$threads")
      [ "$round" = 1 ] && grep -E '^(torch|blas|sgemm)' <<<"$out" >&2
      record libtorch-cpp "$model" "$(result "$out")"
    fi
    out=$(/usr/bin/python3 "$root/bench/peer_pytorch.py" --model "$model" --steps "$n" --warmup "$warmup" \
          --threads "$threads")
    record pytorch-eager "$model" "$(result "$out")"
    record genc "$model" "$(genc_rate "$model")"
  done
done

echo "rounds=$rounds vae_steps=${steps[vae]} dcgan_steps=${steps[dcgan]} warmup=$warmup threads=$threads" \
     "OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
printf '%-14s %-6s %10s %8s   %s\n' system model steps/s "vs base" "(each round; base: C++, else PyTorch)"
for model in "${models[@]}"; do
  base_system=libtorch-cpp
  [ -n "${rates[libtorch-cpp/$model]:-}" ] || base_system=pytorch-eager
  base=$(median "${rates[$base_system/$model]}")
  for system in "${systems[@]}"; do
    [ -n "${rates[$system/$model]:-}" ] || continue
    r=$(median "${rates[$system/$model]}")
    printf '%-14s %-6s %10.2f %8.2f   (%s)\n' "$system" "$model" "$r" "$(calc "$r / $base")" \
           "$(xargs <<<"${rates[$system/$model]}")"
  done
done
