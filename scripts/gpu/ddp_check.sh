#!/usr/bin/env bash
# Run ON THE GPU MACHINE after scripts/gpu/build.sh: data-parallel training through NCCL.
# `genc run --devices 1` (one process, ProcessGroupNCCL on one GPU) trains the VAE of
# tests/e2e/ddp/vae_eval.gen to a plain run's losses (that one captured as a CUDA graph, the
# data-parallel one eager: equal to float rounding); with two GPUs or more, --devices 2 too.
# Prints which backends the build found and the largest relative loss difference of each run;
# exit 1 above 1e-4. Runs and logs go to $OUT (default /tmp/genc_ddp_check).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=env.sh
source scripts/gpu/env.sh
build=${GENC_BUILD_DIR:-build-gpu}
out=${OUT:-/tmp/genc_ddp_check}
genc=$build/tools/genc/genc
model=tests/e2e/ddp/vae_eval.gen
mkdir -p "$out"
grep -E '^GENC_(NCCL|GLOO)_[A-Z_]*:' "$build/CMakeCache.txt" || true
run() {  # NAME ARGS...: one run into $out/NAME, its output in $out/NAME.log
  local name=$1
  shift
  "$genc" run "$model" --device cuda --seed 3 --out "$out/$name" "$@" >"$out/$name.log" 2>&1 ||
    { echo "genc run $* failed:"; tail -5 "$out/$name.log"; exit 1; }
  tail -1 "$out/$name.log"
}
run plain
run nccl1 --devices 1
runs=(nccl1)
if [ "$(nvidia-smi -L | wc -l)" -ge 2 ]; then
  run nccl2 --devices 2
  runs+=(nccl2)
fi
python3 - "$out" "${runs[@]}" <<'PY'
import json, sys
out, runs = sys.argv[1], sys.argv[2:]
def records(name):
    return [json.loads(l) for l in open(f'{out}/{name}/metrics.jsonl')]
ref, worst = records('plain'), 0.0
for name in runs:
    got = records(name)
    assert [(r['step'], r['split']) for r in got] == [(r['step'], r['split']) for r in ref], name
    diff = max(abs(a[k] - b[k]) / max(abs(b[k]), 1e-30) for a, b in zip(got, ref) for k in b if k.endswith('loss'))
    print(f'{name}: {len(got)} records, largest relative loss difference to the plain run {diff:.2e}')
    worst = max(worst, diff)
sys.exit(0 if worst <= 1e-4 else 1)
PY
