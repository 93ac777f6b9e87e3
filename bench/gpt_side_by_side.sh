#!/usr/bin/env bash
# The byte-level GPT of examples/text_gpt.gen trained by genc and by its PyTorch peer
# (bench/peer_gpt.py) one after the other in one run, with the same settings; prints each
# one's test NLL (nats per byte) and steps/s, and the differences as genc - peer and
# genc / peer.
#   bench/gpt_side_by_side.sh [STEPS (2000)]   (genc from build/tools/genc/genc)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-2000}
genc=build/tools/genc/genc
text=/usr/share/games/fortunes/computers
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sed -e "s/steps 2000/steps $steps/" -e "s/every 500/every $steps/" -e "s/log every 100/log every $((steps / 4))/" examples/text_gpt.gen > "$out/gpt.gen"
"$genc" run "$out/gpt.gen" --device cpu --out "$out/run" > "$out/genc.log"
peer=$(/usr/bin/python3 bench/peer_gpt.py --text "$text" --steps "$steps")
/usr/bin/python3 - "$out/run/metrics.jsonl" "$peer" "$steps" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
steps = int(sys.argv[3])
test = [r for r in rows if r['split'] == 'test'][-1]['loss']
train = [r for r in rows if r['split'] == 'train']
# steps/s between the first and the last train log (excludes start-up and the evals' time
# only where no eval falls between them; with one eval at the end there is none)
sps = (train[-1]['step'] - train[0]['step']) / (train[-1]['time_s'] - train[0]['time_s'])
peer = json.loads(sys.argv[2])
print(f"steps {steps}: genc test NLL {test:.4f} nats/byte, {sps:.2f} steps/s")
print(f"          peer test NLL {peer['test_nll']:.4f} nats/byte, {peer['steps_per_s']:.2f} steps/s")
print(f"genc - peer: {test - peer['test_nll']:+.4f} nats/byte; genc / peer speed: {sps / peer['steps_per_s']:.2f}x")
PY
