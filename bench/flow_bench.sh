#!/usr/bin/env bash
# The flow benchmark: examples/realnvp_moons.gen under genc run beside its PyTorch eager peer
# (bench/peer_realnvp.py: the same RealNVP, data sizes, batch, optimizer and 3000 steps), with
# the same thread count, one after the other in one run. Prints each one's test NLL (nats),
# steps/s (timed from step 100 to the last: genc's from its metrics.jsonl time_s, with no eval
# in between) and genc / peer as ratios, and the share of 2000 genc samples within 0.15 of the
# moons (tests/e2e/toy_curves.py).
#
# Usage: bench/flow_bench.sh [BUILD_DIR]        (default: build)
# Environment: STEPS (default 3000), THREADS (default nproc), GENC (default BUILD_DIR/tools/genc/genc).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
steps=${STEPS:-3000}
threads=${THREADS:-$(nproc)}
genc=${GENC:-$build/tools/genc/genc}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
[ -x "$genc" ] || { echo "no genc at $genc (build it first, or set GENC)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One eval, at the end, so that the timed window holds training steps only.
sed -e "s/steps 3000/steps $steps/" -e "s/eval on moons_test every 1000 steps/eval on moons_test every $steps steps/" \
  "$root/examples/realnvp_moons.gen" >"$work/realnvp.gen"

"$genc" run "$work/realnvp.gen" --device cpu --out "$work/out" >/dev/null
read -r genc_nll genc_rate < <(/usr/bin/python3 - "$work/out/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
train = {r["step"]: r["time_s"] for r in rows if r["split"] == "train"}
last = max(train)
test = [r for r in rows if r["split"] == "test"][-1]
print(f'{test["nll"]:.4f} {(last - 100) / (train[last] - train[100]):.1f}')
PY
)
"$genc" sample "$work/out/checkpoints/step_$(printf %08d "$steps").pt" -n 2000 -o "$work/points.npy" >/dev/null
share=$(cd "$root/tests/e2e" && /usr/bin/python3 -c "import toy_curves as t; print(f'{t.share_near_moons(t.read_npy_points(\"$work/points.npy\")):.3f}')")

peer=$(/usr/bin/python3 "$root/bench/peer_realnvp.py" --steps "$steps" --threads "$threads")
peer_nll=$(sed -n 's/^RESULT test_nll=\([-0-9.]*\).*/\1/p' <<<"$peer")
peer_rate=$(sed -n 's/^RESULT .*steps_per_s=\([0-9.]*\).*/\1/p' <<<"$peer")

printf '%-14s %12s %10s\n' system "test NLL" "steps/s"
printf '%-14s %12s %10s\n' genc "$genc_nll" "$genc_rate" pytorch-eager "$peer_nll" "$peer_rate"
awk -v a="$genc_nll" -v b="$peer_nll" -v r="$genc_rate" -v p="$peer_rate" -v s="$share" -v t="$threads" -v n="$steps" \
  'BEGIN { printf "genc - peer test NLL: %+.4f nats; genc / peer speed: %.2fx (%d threads, %d steps)\n", a - b, r / p, t, n
           printf "genc samples within 0.15 of the moons: %s of 2000\n", s }'
