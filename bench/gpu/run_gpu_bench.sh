#!/usr/bin/env bash
# The GPU benchmark. Run ON THE GPU MACHINE after scripts/gpu/build.sh: training steps/s and
# peak GPU memory of the tiny 2-D VAE (bench/gpu/tiny_vae_moons.gen), the seed VAE, the
# DCGAN and the DDPM's conv denoiser step (its UNet, with EMA; examples/) under genc (the plan eagerly, and captured as one CUDA graph) and PyTorch
# (bench/gpu/peers_gpu.py: eager, torch.compile default and reduce-overhead, and a hand-captured
# CUDA graph of the whole step), in one run. The systems take turns for ROUNDS rounds; the
# table shows medians and each one's ratio to the hand-captured graph and to reduce-overhead.
#
# Usage: bench/gpu/run_gpu_bench.sh [BUILD_DIR]   (default: build-gpu)
# Environment: STEPS (timed steps, default 2000), WARMUP (default 100; both multiples of 50),
# ROUNDS (default 3), MODELS (default "tiny vae dcgan ddpm"), MODES (PyTorch's, default
# "eager,compile,compile-ro,graph").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-gpu}
genc=$build/tools/genc/genc
steps=${STEPS:-2000}
warmup=${WARMUP:-100}
rounds=${ROUNDS:-3}
read -ra models <<<"${MODELS:-tiny vae dcgan ddpm}"
modes=${MODES:-eager,compile,compile-ro,graph}  # PyTorch's
# shellcheck source=../../scripts/gpu/env.sh
source "$root/scripts/gpu/env.sh"
declare -A source_of=([tiny]=bench/gpu/tiny_vae_moons.gen [vae]=examples/vae_fashion.gen
                      [dcgan]=examples/dcgan_fashion.gen [ddpm]=examples/ddpm_fashion.gen)
declare -A rates peaks
systems=(genc-eager genc-graph pytorch-eager pytorch-compile pytorch-compile-ro pytorch-graph)

# genc_run MODEL MODE: a `genc run` of WARMUP+STEPS steps on CUDA that logs every 50 steps,
# without eval, samples or checkpoints in the window; prints "STEPS_PER_S PEAK_MB", the rate
# between the train records of steps WARMUP and WARMUP+STEPS (each log reads the metrics
# back, so its time_s follows the GPU's work).
genc_run() {
  local dir setting=""
  dir=$(mktemp -d)
  [ "$2" = eager ] && setting="cuda_graph off "
  grep -vE '^\s*(eval on|sample [0-9])' "$root/${source_of[$1]}" |
    sed -E -e "s/^(train [^{]*\{)/\1 $setting log every 50 checkpoint every 1000000 steps /" \
      -e '/^model ddpm/,$ s/batch [0-9]+/batch 128/' >"$dir/bench.gen"  # the denoiser step at its peers' batch 128
  "$genc" run "$dir/bench.gen" --device cuda --steps $((warmup + steps)) --out "$dir/out" >"$dir/log" 2>&1 ||
    { cat "$dir/log" >&2; echo "n/a n/a"; return; }
  grep -h "training iterations on" "$dir/log" | tail -1 >&2 || true
  awk -v a="$warmup" -v b=$((warmup + steps)) -v n="$steps" '
    /"split":"train"/ {
      match($0, /"step":[0-9]+/); step = substr($0, RSTART + 7, RLENGTH - 7)
      match($0, /"time_s":[0-9.e+-]+/); t = substr($0, RSTART + 9, RLENGTH - 9)
      if (match($0, /"gpu_peak_mb":[0-9.e+-]+/)) peak = substr($0, RSTART + 14, RLENGTH - 14)
      if (step == a) ta = t
      if (step == b) tb = t
    }
    END { if (ta == "" || tb == "") print "n/a n/a"; else printf "%.1f %.0f\n", n / (tb - ta), peak }' \
    "$dir/out/metrics.jsonl"
  rm -rf "$dir"
}

record() {  # SYSTEM MODEL RATE PEAK
  rates[$1/$2]+="$3 "
  peaks[$1/$2]=$4
  echo "$1 $2: $3 steps/s, peak $4 MiB" >&2
}
median() { tr ' ' '\n' <<<"$1" | { grep -E '^[0-9.]+$' || true; } | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >&2
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' >&2
for round in $(seq "$rounds"); do
  for model in "${models[@]}"; do
    for mode in eager graph; do
      read -r rate peak < <(genc_run "$model" "$mode")
      record "genc-$mode" "$model" "$rate" "$peak"
    done
    while read -r line; do
      system=$(sed -n 's/.*system=\([^ ]*\).*/\1/p' <<<"$line")
      rate=$(sed -n 's/.*steps_per_s=\([^ ]*\).*/\1/p' <<<"$line")
      peak=$(sed -n 's/.*peak_mb=\([^ ]*\).*/\1/p' <<<"$line")
      record "$system" "$model" "$rate" "${peak:-n/a}"
      grep -q error= <<<"$line" && echo "$line" >&2
    done < <(python3 "$root/bench/gpu/peers_gpu.py" --model "$model" --steps "$steps" --warmup "$warmup" \
               --modes "$modes" | grep '^RESULT')
  done
done

echo "rounds=$rounds steps=$steps warmup=$warmup"
printf '%-20s %-6s %10s %9s %12s %9s   %s\n' system model steps/s "vs graph" "vs compile-ro" "peak MiB" "(each round)"
for model in "${models[@]}"; do
  graph=$(median "${rates[pytorch-graph/$model]:-}")
  ro=$(median "${rates[pytorch-compile-ro/$model]:-}")
  for system in "${systems[@]}"; do
    r=$(median "${rates[$system/$model]:-}")
    printf '%-20s %-6s %10s %9s %12s %9s   (%s)\n' "$system" "$model" "$r" "$(ratio "$r" "$graph")" \
           "$(ratio "$r" "$ro")" "${peaks[$system/$model]:-n/a}" "$(xargs <<<"${rates[$system/$model]:-}")"
  done
done
