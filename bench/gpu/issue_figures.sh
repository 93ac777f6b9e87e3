#!/usr/bin/env bash
# Run ON THE GPU MACHINE: builds genc there and measures the figures the open issues ask for on
# the H200, in one call: the CUDA tests; ddpm_fashion's 10 epochs with its FD (DDIM 50) and
# the sampling time per sampler; the class-conditional DDPM with FD and label_match at guidance
# 0, 1 and 3; text_gpt's 2000 steps against its PyTorch peer (eager, torch.compile
# reduce-overhead and default); KV-cached sampling against full recomputation; the captured
# tiny MLP and VAE against the hand-captured graph. Logs go to $OUT (default: a temp folder).
# The text of examples/text_gpt.gen is read from .gpu/ (scripts/gpu/gather.sh with
# GENC_GPU_EXTRA_DEBS="fortunes fortunes-min").
#   bench/gpu/issue_figures.sh
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-$(mktemp -d)}
W=$(mktemp -d)  # the runs (checkpoints stay out of $OUT)
G=build-gpu/tools/genc/genc
bash scripts/gpu/build.sh > $OUT/build.log 2>&1 || { tail -40 $OUT/build.log; exit 1; }
source scripts/gpu/env.sh
echo "== ctest"; timeout 120 ctest --test-dir build-gpu -R "Cuda|Prefetch" --output-on-failure > $OUT/ctest.log 2>&1; grep -E "tests passed|\(Failed|SEGFAULT" $OUT/ctest.log
echo "== ddpm"; /usr/bin/time -f "ddpm wall %e s" timeout 120 $G run examples/ddpm_fashion.gen --device cuda --out $W/ddpm > $OUT/ddpm.log 2>&1; tail -2 $OUT/ddpm.log
CK=$(ls $W/ddpm/checkpoints/step_*.pt | tail -1); timeout 120 $G eval $CK --fd --json > $OUT/ddpm_fd.json 2>$OUT/ddpm_fd.err; cat $OUT/ddpm_fd.json; tail -2 $OUT/ddpm_fd.err
echo "== samplers"; GENC=$G timeout 90 bench/diffusion_samplers.sh --device cuda --checkpoint $CK --samples 256 > $OUT/samplers.log 2>&1; tail -5 $OUT/samplers.log
echo "== cddpm"; /usr/bin/time -f "cddpm wall %e s" timeout 120 $G run examples/cddpm_fashion.gen --device cuda --out $W/cddpm > $OUT/cddpm.log 2>&1; tail -2 $OUT/cddpm.log
CK=$(ls $W/cddpm/checkpoints/step_*.pt | tail -1)
for w in 0 1 3; do timeout 60 $G eval $CK --fd --samples 5000 --guidance $w --json > $OUT/cddpm_w$w.json 2>>$OUT/cddpm_fd.err; echo "w=$w $(cat $OUT/cddpm_w$w.json)"; done
TXT=$PWD/.gpu/prefix/usr/share/games/fortunes/computers; export GENC_TEXT=$TXT
sed "s|/usr/share/games/fortunes/computers|$TXT|" examples/text_gpt.gen > $W/text_gpt.gen; cp examples/pixel_gpt.gen $W/pixel_gpt.gen
echo "== gpt genc"; timeout 60 $G run $W/text_gpt.gen --device cuda --out $W/gpt > $OUT/gpt.log 2>&1; tail -1 $OUT/gpt.log
python3 - $W/gpt/metrics.jsonl <<'PY'
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]; tr=[r for r in rows if r['split']=='train']; te=[r for r in rows if r['split']=='test']
print("genc gpt cuda: %.1f steps/s, test %.4f" % ((tr[-1]['step']-tr[0]['step'])/(tr[-1]['time_s']-tr[0]['time_s']), te[-1]['loss']))
PY
for m in none reduce-overhead default; do echo "peer $m: $(timeout 100 python3 bench/peer_gpt.py --text $GENC_TEXT --device cuda --compile $m --warmup 100 2>&1 | tail -1)"; done
echo "== kv"; sed -e 's/--device cpu/--device cuda/' -e "s|\"examples/\$model.gen\"|\"$W/\$model.gen\"|" -e 's|^cd .*|cd '"$PWD"'|' -e 's|=build/|=build-gpu/|' bench/kv_cache_bench.sh > $W/kv.sh; timeout 60 bash $W/kv.sh 64 8 2>&1 | tail -3
echo "== bench"; STEPS=2000 ROUNDS=2 MODELS="tiny vae" MODES=graph timeout 150 bench/gpu/run_gpu_bench.sh > $OUT/bench.log 2>&1; grep -A20 "^rounds" $OUT/bench.log | grep -E "graph|system"
