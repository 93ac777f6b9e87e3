#!/usr/bin/env python3
"""Robustness: bad input never crashes or hangs genc.

Mutates every examples/*.gen and stdlib/*.gen deterministically (fixed seed): truncation at
many offsets, deleted, duplicated, swapped and replaced tokens, dropped lines, and random
bytes. Runs `genc check` on each variant with a timeout and requires:
  - no signal, no exit 2 (internal error), no hang;
  - exit 0 or 1, and exit 1 comes with at least one located `file:line:col: error:` line.
Failing variants are kept in a temporary folder that is printed.

  mutate_examples.py --genc build/tools/genc/genc --root . [--variants 80] [--seed 1]
"""
import argparse
import concurrent.futures
import glob
import os
import random
import re
import subprocess
import sys
import tempfile

TIMEOUT_S = 20
TOKEN = re.compile(r'\s+|//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|[A-Za-z_]\w*|\d+(?:\.\d*)?(?:e-?\d+)?'
                   r'|\|>|->|\.\.|==|!=|<=|>=|.', re.S)
LOCATED_ERROR = re.compile(r'^\S.*:\d+:\d+: error: ', re.M)
ODD_BYTES = [b'\x00', b'\xff', b'\xc3\x28', b'\xe2\x82', b'{', b'}', b'(', b')', b'[', b']', b'"',
             b'/*', b'|>', b'->', b'..', b'@', b'?', b':', b',', b'=', b'\t', b'\r', b'\\', b'$', b'9' * 30]


def tokens(text):
    return TOKEN.findall(text)


def mutants(text, rng, count):
    """Yields (description, bytes) variants of `text`."""
    data = text.encode('utf-8')
    toks = tokens(text)
    code = [i for i, t in enumerate(toks) if not t.isspace() and not t.startswith(('//', '/*'))]
    lines = text.split('\n')
    # Truncation at evenly spaced offsets, and at every token boundary of a sample.
    n_trunc = count // 4
    for k in range(1, n_trunc + 1):
        off = len(data) * k // (n_trunc + 1)
        yield f'truncate at byte {off}', data[:off]
    for _ in range(count - n_trunc):
        kind = rng.choice(['delete', 'duplicate', 'swap', 'replace', 'drop_line', 'bytes', 'bytes'])
        t = list(toks)
        i = rng.choice(code)
        if kind == 'delete':
            del t[i]
            desc = f'delete token {i} {toks[i]!r}'
        elif kind == 'duplicate':
            t.insert(i, t[i] + ' ')
            desc = f'duplicate token {i} {toks[i]!r}'
        elif kind == 'swap':
            j = code[min(code.index(i) + 1, len(code) - 1)]
            t[i], t[j] = t[j], t[i]
            desc = f'swap tokens {i} and {j}'
        elif kind == 'replace':
            t[i] = toks[rng.choice(code)]
            desc = f'replace token {i} {toks[i]!r} by {t[i]!r}'
        elif kind == 'drop_line':
            ln = rng.randrange(len(lines))
            yield f'drop line {ln + 1}', '\n'.join(lines[:ln] + lines[ln + 1:]).encode('utf-8')
            continue
        else:
            off = rng.randrange(len(data) + 1)
            junk = rng.choice(ODD_BYTES)
            yield f'insert {junk!r} at byte {off}', data[:off] + junk + data[off:]
            continue
        yield desc, ''.join(t).encode('utf-8')


def run_variant(genc, path):
    try:
        p = subprocess.run([genc, 'check', path], capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f'hang (over {TIMEOUT_S}s)'
    err = p.stderr.decode('utf-8', 'replace')
    if p.returncode < 0:
        return f'killed by signal {-p.returncode}\n{err}'
    if p.returncode not in (0, 1):
        return f'exit {p.returncode}\n{err}'
    if p.returncode == 1 and not LOCATED_ERROR.search(err):
        return f'exit 1 without a located error line\n{err}'
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--genc', required=True)
    ap.add_argument('--root', required=True, help='repository root (examples/ and stdlib/ under it)')
    ap.add_argument('--variants', type=int, default=80, help='variants per source file')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    opts = ap.parse_args()
    genc = os.path.abspath(opts.genc)
    sources = sorted(glob.glob(os.path.join(opts.root, 'examples', '*.gen')) +
                     glob.glob(os.path.join(opts.root, 'stdlib', '*.gen')))
    if not sources:
        print('no sources found')
        return 1
    tmp = tempfile.mkdtemp(prefix='genc-robust-')
    jobs = []
    for src in sources:
        rng = random.Random(f'{opts.seed}:{os.path.basename(src)}')
        with open(src, encoding='utf-8') as f:
            text = f.read()
        stem = os.path.splitext(os.path.basename(src))[0]
        for n, (desc, data) in enumerate(mutants(text, rng, opts.variants)):
            path = os.path.join(tmp, f'{stem}_{n:03d}.gen')
            with open(path, 'wb') as f:
                f.write(data)
            jobs.append((path, f'{os.path.basename(src)}: {desc}'))
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        results = pool.map(lambda job: run_variant(genc, job[0]), jobs)
        for (path, desc), problem in zip(jobs, results):
            if problem:
                failures += 1
                print(f'FAIL {path} ({desc}): {problem}')
            else:
                os.remove(path)
    print(f'{len(jobs) - failures}/{len(jobs)} variants handled cleanly')
    if failures:
        print(f'failing variants kept in {tmp}')
        return 1
    os.rmdir(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
