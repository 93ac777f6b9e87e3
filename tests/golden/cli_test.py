#!/usr/bin/env python3
"""The genc command line: help, --version, exit codes (0 ok, 1 user error), and -o that never leaves a
partial or stale-replaced file. `genc help options` must print cli/help_options.expected
(--update rewrites it; review the diff).

  cli_test.py --genc build/tools/genc/genc --examples examples [--update]
"""
import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

failures = []
HELP_OPTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cli', 'help_options.expected')


def genc(binary, *args, cwd=None):
    p = subprocess.run([binary, *args], capture_output=True, timeout=120, cwd=cwd)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def expect(what, cond, detail=''):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        failures.append(what)
        if detail:
            print(detail)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--genc', required=True)
    ap.add_argument('--examples', required=True)
    ap.add_argument('--update', action='store_true', help='rewrite cli/help_options.expected')
    opts = ap.parse_args()
    g = os.path.abspath(opts.genc)
    example = os.path.abspath(os.path.join(opts.examples, 'vae_fashion.gen'))
    tmp = tempfile.mkdtemp(prefix='genc-cli-')
    bad = os.path.join(tmp, 'bad.gen')
    with open(bad, 'w') as f:
        f.write('// an unknown op\nblock f(x) {\n  return frobnicate(x)\n}\n'
                'model m(d: 2) {\n  generator G(z: [d]) -> [2] { return f(z) }\n'
                '  discriminator D(x: [2]) -> [1] { return linear(x, 1) }\n  objective gan\n}\n')

    for args in (['--help'], ['check', '--help'], ['compile', '--help']):
        rc, out, _ = genc(g, *args)
        expect(f'genc {" ".join(args)} exits 0 and prints usage', rc == 0 and 'Usage' in out, out)
    rc, out, err = genc(g, '--version')
    expect('genc --version: exit 0, "genc X.Y.Z (LibTorch A.B.C)" or "(built without the LibTorch runtime)"',
           rc == 0 and re.fullmatch(r'genc \d+\.\d+\.\d+ \((LibTorch \d+\.\d+\.\d+|built without the LibTorch runtime)\)\n', out),
           out + err)
    rc, out, err = genc(g, 'compile', '--help')
    expect('compile --help lists --emit, -o and --set', all(s in out for s in ('--emit', '-o', '--set')), out)

    # genc itself never links LibTorch; with the runtime built, run/sample/eval go to genc-runtime.
    ldd = subprocess.run(['ldd', g], capture_output=True, text=True).stdout
    expect('genc does not link LibTorch (check and compile start without loading it)',
           'libtorch' not in ldd and 'libc10' not in ldd, ldd)
    rc, out, _ = genc(g, '--help')
    if os.path.exists(os.path.join(os.path.dirname(g), 'genc-runtime')):
        expect('genc --help lists run, sample and eval', all(f'  {c} ' in out for c in ('run', 'sample', 'eval')), out)
        rc, out, err = genc(g, 'run', '--help')
        expect('genc run --help exits 0 with the options of genc-runtime', rc == 0 and '--resume' in out, out + err)
        rc, _, err = genc(g, 'sample', os.path.join(tmp, 'none.pt'), '-n', '4')
        expect('genc sample of a missing checkpoint: exit 1 naming it', rc == 1 and 'none.pt' in err, err)
    else:
        expect('genc --help lists no runtime command without genc-runtime', '  run ' not in out, out)

    rc, out, err = genc(g, 'help', 'options')
    if opts.update:
        with open(HELP_OPTIONS, 'w', encoding='utf-8') as f:
            f.write(out)
    with open(HELP_OPTIONS, encoding='utf-8') as f:
        want = f.read()
    diff = ''.join(difflib.unified_diff(want.splitlines(True), out.splitlines(True), 'expected', 'actual'))
    expect('genc help options: exit 0, the option table of cli/help_options.expected',
           rc == 0 and out == want, diff + err)
    rc, _, err = genc(g, 'help', 'topics')
    expect('genc help of an unknown topic: exit 1', rc == 1, err)

    rc, _, err = genc(g)
    expect('no command: exit 1', rc == 1, err)
    rc, _, err = genc(g, 'frobnicate')
    expect('unknown command: exit 1', rc == 1, err)
    rc, _, err = genc(g, 'compile', example, '--emit', 'llvm')
    expect('unknown --emit stage: exit 1', rc == 1, err)
    rc, _, err = genc(g, 'check', os.path.join(tmp, 'missing.gen'))
    expect('missing file: exit 1 naming it', rc == 1 and 'missing.gen' in err and 'error:' in err, err)
    rc, _, err = genc(g, 'check', example, '--set', 'latent')
    expect('malformed --set: exit 1', rc == 1 and "invalid --set 'latent'" in err, err)

    rc, out, err = genc(g, 'check', example)
    expect('check of an example: exit 0, nothing on stdout', rc == 0 and out == '', err)
    rc, out, err = genc(g, 'check', bad)
    expect('check of a bad file: exit 1 with a located error',
           rc == 1 and out == '' and f'{bad}:3:10: error:' in err, err)

    out_path = os.path.join(tmp, 'out.gir')
    rc, stdout, err = genc(g, 'compile', example, '--emit', 'ir', '-o', out_path)
    expect('compile -o: exit 0, writes the file, nothing on stdout',
           rc == 0 and stdout == '' and os.path.getsize(out_path) > 0, err)
    with open(out_path, 'rb') as f:
        before = f.read()
    rc, _, err = genc(g, 'compile', bad, '--emit', 'ir', '-o', out_path)
    with open(out_path, 'rb') as f:
        after = f.read()
    expect('compile -o of a bad file: exit 1, existing output untouched', rc == 1 and before == after, err)
    fresh = os.path.join(tmp, 'fresh.gir')
    rc, _, _ = genc(g, 'compile', bad, '-o', fresh)
    expect('compile -o of a bad file creates no file', rc == 1 and not os.path.exists(fresh))
    rc, _, err = genc(g, 'compile', example, '-o', os.path.join(tmp, 'no', 'such', 'dir.gir'))
    expect('compile -o into a missing folder: exit 1 with a message', rc == 1 and 'cannot write' in err, err)
    leftovers = sorted(f for f in os.listdir(tmp) if '.tmp.' in f)
    expect('no temporary files left behind', not leftovers, str(leftovers))
    rc, stdout, err = genc(g, 'compile', example, '--emit', 'dot')
    expect('--emit dot prints a digraph', rc == 0 and 'digraph' in stdout, err)
    rc, stdout, err = genc(g, 'compile', example, '--emit', 'ast')
    expect('--emit ast prints the syntax tree', rc == 0 and 'vae' in stdout, err)

    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)
    print(f'{len(failures)} failed' if failures else 'all passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
