#!/usr/bin/env python3
"""Every example must check cleanly, and its graph IR must round-trip through the IR parser.

For each examples/*.gen:
  1. `genc check X` exits 0 (warnings allowed);
  2. `genc compile X --emit ir -o a.gir`, then `genc compile a.gir --emit ir -o b.gir`:
     a.gir and b.gir are byte-identical;
  3. `genc compile a.gir --emit ir-opt` prints the same as `genc compile X --emit ir-opt`
     (optimizing parsed IR is optimizing the original).

  examples_test.py --genc build/tools/genc/genc --examples examples
"""
import argparse
import glob
import os
import shlex
import subprocess
import sys
import tempfile

TIMEOUT_S = 300


def genc(binary, *args):
    cmd = [binary, *args]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, '', f'timed out after {TIMEOUT_S}s'
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def check_example(binary, path, tmp):
    """Returns a list of problems for one example."""
    problems = []
    name = os.path.basename(path)

    def run(*args):
        rc, out, err = genc(binary, *args)
        if rc != 0:
            problems.append(f'{name}: `genc {shlex.join(args)}` exited {rc}\n{err}')
        return rc == 0, out

    ok, _ = run('check', path)
    if not ok:
        return problems
    a = os.path.join(tmp, name + '.a.gir')
    b = os.path.join(tmp, name + '.b.gir')
    if not run('compile', path, '--emit', 'ir', '-o', a)[0] or not run('compile', a, '--emit', 'ir', '-o', b)[0]:
        return problems
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        if fa.read() != fb.read():
            problems.append(f'{name}: IR does not round-trip: {a} and {b} differ '
                            f'(diff them; kept in {tmp})')
    ok_src, opt_src = run('compile', path, '--emit', 'ir-opt')
    ok_ir, opt_ir = run('compile', a, '--emit', 'ir-opt')
    if ok_src and ok_ir and opt_src != opt_ir:
        problems.append(f'{name}: --emit ir-opt of the .gen and of its printed IR differ')
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--genc', required=True)
    ap.add_argument('--examples', required=True, help='folder of .gen examples')
    opts = ap.parse_args()
    binary = os.path.abspath(opts.genc)
    paths = sorted(glob.glob(os.path.join(opts.examples, '*.gen')))
    if not paths:
        print(f'no examples in {opts.examples}')
        return 1
    tmp = tempfile.mkdtemp(prefix='genc-examples-')
    problems = []
    for path in paths:
        found = check_example(binary, path, tmp)
        print(('FAIL ' if found else 'ok   ') + os.path.basename(path))
        problems += found
    for p in problems:
        print(p)
    if not problems:
        for f in os.listdir(tmp):
            os.remove(os.path.join(tmp, f))
        os.rmdir(tmp)
    print(f'{len(paths) - len({p.split(":")[0] for p in problems})}/{len(paths)} examples passed')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
