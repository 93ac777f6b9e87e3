#!/usr/bin/env bash
# The multi-scale flow benchmark: examples/glow_fashion.gen under genc run beside its PyTorch
# eager peer (bench/peer_glow.py: the same flow, initialisations, data, batch 64, Adam 1e-3 and
# step budget), with the same thread count, one after the other in one run. Prints each one's
# test bits/dim (the 10000 Fashion-MNIST test images, one eval at the end), steps/s (timed from
# step 100 to the last: genc's from its metrics.jsonl time_s) and genc - peer, genc / peer.
#
# Usage: bench/glow_bench.sh [BUILD_DIR]        (default: build)
# Environment: STEPS (default 1000, the example's), THREADS (default nproc), SEED (default 0),
#              DEVICE (cpu or cuda, default cpu; both systems), GENC (default BUILD_DIR/tools/genc/genc),
#              PYTHON (a python3 with torch, default /usr/bin/python3: Debian's; on the GPU machine python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
steps=${STEPS:-1000}
threads=${THREADS:-$(nproc)}
seed=${SEED:-0}
device=${DEVICE:-cpu}
python=${PYTHON:-/usr/bin/python3}
genc=${GENC:-$build/tools/genc/genc}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
[ -x "$genc" ] || { echo "no genc at $genc (build it first, or set GENC)" >&2; exit 1; }
[ "$steps" -gt 100 ] || { echo "STEPS must be above 100 (the timed window starts at step 100)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One eval, at the end, so that the timed window holds training steps only; no sample grid.
sed -e "s/steps 1000/steps $steps/" -e "s/eval on fashion_test every 1000 steps/eval on fashion_test every $steps steps/" \
  -e "/sample 64 every/d" "$root/examples/glow_fashion.gen" >"$work/glow.gen"

"$genc" run "$work/glow.gen" --device "$device" --seed "$seed" --out "$work/out" >/dev/null
read -r genc_bpd genc_rate < <("$python" - "$work/out/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
train = {r["step"]: r["time_s"] for r in rows if r["split"] == "train"}
last = max(train)
test = [r for r in rows if r["split"] == "test"][-1]
print(f'{test["bpd"]:.4f} {(last - 100) / (train[last] - train[100]):.2f}')
PY
)

peer=$("$python" "$root/bench/peer_glow.py" --steps "$steps" --threads "$threads" --seed "$seed" --device "$device")
peer_bpd=$(sed -n 's/^RESULT test_bpd=\([-0-9.]*\).*/\1/p' <<<"$peer")
peer_rate=$(sed -n 's/^RESULT .*steps_per_s=\([0-9.]*\).*/\1/p' <<<"$peer")

printf '%-14s %12s %10s\n' system "test bpd" "steps/s"
printf '%-14s %12s %10s\n' genc "$genc_bpd" "$genc_rate" pytorch-eager "$peer_bpd" "$peer_rate"
awk -v a="$genc_bpd" -v b="$peer_bpd" -v r="$genc_rate" -v p="$peer_rate" -v t="$threads" -v n="$steps" \
  -v d="$device" 'BEGIN { printf "genc - peer test bits/dim: %+.4f; genc / peer speed: %.2fx (%s, %d threads, %d steps)\n", a - b, r / p, d, t, n }'
