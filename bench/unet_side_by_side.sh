#!/usr/bin/env bash
# The UNet of examples/ddpm_fashion.gen (ch 32, batch 128, Adam 2e-4, EMA 0.999) trained by
# genc and by its PyTorch peer (bench/peer_unet.py, the same 626,401 parameters) on the CPU,
# one after the other; prints each one's training steps/s and genc / peer.
#   bench/unet_side_by_side.sh [STEPS (30)]   (genc from build/tools/genc/genc, or $GENC)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-30}
genc=${GENC:-build/tools/genc/genc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# log every 5 steps: steps/s is measured between the first and the last log (no start-up)
sed -e "s/ema 0.999  epochs 10 }/ema 0.999  epochs 10  log every 5 }/" examples/ddpm_fashion.gen > "$out/ddpm.gen"
grep -q "log every 5" "$out/ddpm.gen"
"$genc" run "$out/ddpm.gen" --steps "$((steps + 5))" --device cpu --out "$out/run" > "$out/genc.log"
peer=$(/usr/bin/python3 bench/peer_unet.py --steps "$steps")
/usr/bin/python3 - "$out/run/metrics.jsonl" "$peer" <<'PY'
import json, sys
train = [json.loads(l) for l in open(sys.argv[1])]
train = [r for r in train if r['split'] == 'train']
sps = (train[-1]['step'] - train[0]['step']) / (train[-1]['time_s'] - train[0]['time_s'])
peer = json.loads(sys.argv[2])
print(f"genc: {sps:.3f} steps/s ({train[-1]['step'] - train[0]['step']} steps timed)")
print(f"peer: {peer['steps_per_s']:.3f} steps/s ({peer['steps']} steps timed)")
print(f"genc / peer speed: {sps / peer['steps_per_s']:.2f}x")
PY
