#!/usr/bin/env python3
"""Loss traces: the first 200 training losses of the seed VAE and the DCGAN, bit for bit.

  loss_trace_test.py --genc build/tools/genc/genc --root . MODEL [--update]

MODEL is `vae` or `dcgan` (examples/MODEL_fashion.gen). The example is run on the CPU for
200 iterations with seed 7 and `log every 1`, so each train record of metrics.jsonl holds
one iteration's metrics exactly (a double printed to round-trip). Every metric but the
wall-clock `time_s` is compared for equality with tests/e2e/loss_traces/MODEL.json, the
trace recorded before the plan-v2 rewrite of lowering and the executor: a refactor of the
plan or the executor must not change a single bit of training. `--update` rewrites the
trace (only for a deliberate change of the numerics; say why in the commit).

The thread count is pinned (OMP_NUM_THREADS=2, as on every machine of this project), since
a different BLAS partitioning may round differently, and so are the CPU kernels: OpenBLAS and
oneDNN pick their kernels by the processor, and the DCGAN's trace differed in the 6th digit
between an AMD EPYC and the machine of another session. OPENBLAS_CORETYPE=Haswell and
ONEDNN_MAX_CPU_ISA=AVX2 (also as DNNL_MAX_CPU_ISA) select kernels every x86-64 machine with
AVX2 runs the same way.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

STEPS = 200
SEED = 7


def trace(genc, root, model):
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(root, 'examples', f'{model}_fashion.gen')) as f:
            text = f.read()
        # `log every 1` as the train block's first setting.
        text, n = re.subn(r'^(train [^{]*\{)', r'\1 log every 1 ', text, count=1, flags=re.M)
        assert n == 1, 'no train block in the example'
        src = os.path.join(tmp, 'trace.gen')
        with open(src, 'w') as f:
            f.write(text)
        env = dict(os.environ, OMP_NUM_THREADS='2', OPENBLAS_CORETYPE='Haswell', ONEDNN_MAX_CPU_ISA='AVX2',
                   DNNL_MAX_CPU_ISA='AVX2')
        out = os.path.join(tmp, 'out')
        p = subprocess.run([genc, 'run', src, '--steps', str(STEPS), '--seed', str(SEED), '--device', 'cpu',
                            '--out', out], capture_output=True, env=env, timeout=1500)
        if p.returncode != 0:
            sys.exit(f'genc run exited {p.returncode}:\n{p.stderr.decode()[-3000:]}')
        records = []
        with open(os.path.join(out, 'metrics.jsonl')) as f:
            for line in f:
                r = json.loads(line)
                if r.get('split') != 'train':
                    continue
                r.pop('time_s', None)
                records.append(r)
        return records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--genc', required=True)
    ap.add_argument('--root', required=True)
    ap.add_argument('--update', action='store_true')
    ap.add_argument('model', choices=['vae', 'dcgan'])
    a = ap.parse_args()
    path = os.path.join(a.root, 'tests', 'e2e', 'loss_traces', f'{a.model}.json')
    got = trace(a.genc, a.root, a.model)
    if len(got) != STEPS:
        sys.exit(f'expected {STEPS} train records, got {len(got)}')
    if a.update:
        with open(path, 'w') as f:
            json.dump(got, f, indent=0)
            f.write('\n')
        print(f'wrote {path}')
        return
    with open(path) as f:
        want = json.load(f)
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            keys = sorted(set(g) | set(w))
            diff = ', '.join(f'{k}: {g.get(k)!r} vs recorded {w.get(k)!r}' for k in keys if g.get(k) != w.get(k))
            sys.exit(f'FAIL {a.model}: iteration {i + 1} differs from the recorded trace: {diff}')
    if len(got) != len(want):
        sys.exit(f'FAIL {a.model}: {len(got)} records, the trace has {len(want)}')
    print(f'ok   {a.model}: {len(got)} iterations bit-identical to {path}')
    print('1 passed, 0 failed')


if __name__ == '__main__':
    main()
