#!/usr/bin/env bash
# Sampling time per image of a diffusion checkpoint with each sampler: ancestral (every step
# of the schedule: 1000 for examples/ddpm_fashion.gen), DDIM 50 and DPM-Solver 20, through
# `genc sample --sampler` (timed around the whole command, so it includes restoring the
# checkpoint; use enough samples to make that small). Without a checkpoint it first trains
# examples/ddpm_fashion.gen for --train-steps steps (default 200) on --device; sampling runs
# where the checkpoint's train block says (device auto: CUDA when there is one).
#   bench/diffusion_samplers.sh [--device cpu|cuda] [--samples N (16)] [--checkpoint CK] [--train-steps S]
#   (genc from build/tools/genc/genc, or $GENC)
set -euo pipefail
cd "$(dirname "$0")/.."
genc=${GENC:-build/tools/genc/genc}
device=cpu samples=16 ck="" train_steps=200
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --checkpoint) ck=$2; shift 2 ;;
    --train-steps) train_steps=$2; shift 2 ;;
    *) echo "bench/diffusion_samplers.sh: unknown argument $1" >&2; exit 1 ;;
  esac
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ -z "$ck" ]; then
  "$genc" run examples/ddpm_fashion.gen --steps "$train_steps" --device "$device" --out "$out/run" > "$out/train.log"
  ck=$(ls "$out"/run/checkpoints/step_*.pt | tail -1)
  echo "trained examples/ddpm_fashion.gen for $train_steps steps on $device: $ck"
fi
for sampler in "ancestral" "ddim(steps: 50)" "dpm_solver(steps: 20)"; do
  start=$(date +%s.%N)
  "$genc" sample "$ck" -n "$samples" --sampler "$sampler" -o "$out/grid.png" > /dev/null
  end=$(date +%s.%N)
  /usr/bin/python3 -c "import sys; t = float(sys.argv[2]) - float(sys.argv[1]); n = int(sys.argv[3])
print(f'{sys.argv[4]:<24} {n} samples in {t:8.2f} s: {1000 * t / n:9.1f} ms per image')" "$start" "$end" "$samples" "$sampler"
done
