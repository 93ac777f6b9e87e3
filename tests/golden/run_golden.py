#!/usr/bin/env python3
"""Golden file tests: runs genc on every input of tests/golden/<stage>/ and compares with .expected.

Stages and what is compared:
  check/   `genc check NAME`: stderr (the exact diagnostics).
  ast/, ir/, ir-opt/, plan/, summary/   `genc compile NAME --emit STAGE`: stdout, or for an input
           named fail_* stderr.
Inputs named fail_* must exit 1, the others 0 (warnings are allowed; in check/ they are
the expected output, and inputs named warn_* must print at least one).
Inputs are the *.gen and *.gir files directly in the stage folder (helpers live in
subfolders). genc runs inside the stage folder with a relative path, so locations in the
output are stable. A line `// ARGS: ...` in an input adds command-line arguments.

  run_golden.py --genc build/tools/genc/genc [--stage check]... [--update] [NAME...]
                [--coverage compiler/support/diagnostic_kinds.def]

--update rewrites the .expected files from the actual output (review the diff!), except
for inputs that fail for another reason (wrong exit status, missing warning).
--coverage also fails unless every DiagKind of the .def list was produced by some input
of the stages run (--print-diag-kinds lists them), except the kinds in COVERAGE_EXEMPT.
Exit status: 0 when everything matches, 1 otherwise.
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STAGES = ['check', 'ast', 'ir', 'ir-opt', 'plan', 'summary']
TIMEOUT_S = 120
# DiagKinds no input file can produce, with the reason. (Empty: .gir inputs cover the IR
# kinds, `// ARGS: --set ...` inputs the override kinds, warn_* inputs the warnings.)
COVERAGE_EXEMPT = {}


def inputs(stage_dir):
    return sorted(f for f in os.listdir(stage_dir)
                  if f.endswith(('.gen', '.gir')) and os.path.isfile(os.path.join(stage_dir, f)))


def extra_args(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = re.match(r'\s*//\s*ARGS:(.*)$', line)
            if m:
                return shlex.split(m.group(1))
    return []


def def_kinds(def_path):
    with open(def_path, encoding='utf-8') as f:
        return re.findall(r'^DIAG\((\w+),', f.read(), re.M)


def run_one(genc, stage, stage_dir, name, kinds_seen):
    """Returns (actual text, problem or None); adds the diagnostic kinds genc reports."""
    args = extra_args(os.path.join(stage_dir, name))
    if stage == 'check':
        cmd = [genc, 'check', '--print-diag-kinds', name] + args
    else:
        cmd = [genc, 'compile', '--print-diag-kinds', name, '--emit', stage] + args
    try:
        p = subprocess.run(cmd, cwd=stage_dir, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return '', f'timed out after {TIMEOUT_S}s: {shlex.join(cmd)}'
    out = p.stdout.decode('utf-8', errors='replace')
    err = p.stderr.decode('utf-8', errors='replace')
    failing = name.startswith('fail_')
    want_rc = 1 if failing else 0
    if stage == 'check' or failing:
        # stdout holds only the kinds listed by --print-diag-kinds
        actual = err
        for line in out.splitlines():
            kind, _, where = line.partition(' ')
            if not re.fullmatch(r'[A-Za-z]+', kind) or not where:
                return actual, f'unexpected output on stdout: {line!r}'
            kinds_seen.setdefault(kind, f'{stage}/{name}')
    else:
        actual = out
    if p.returncode != want_rc:
        return actual, (f'exit status {p.returncode}, expected {want_rc}: {shlex.join(cmd)}\n'
                        f'stderr:\n{err}')
    if name.startswith('warn_') and not re.search(r'^\S.*: warning: ', err, re.M):
        return actual, f'no warning printed: {shlex.join(cmd)}'
    return actual, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--genc', required=True, help='path to the genc binary')
    ap.add_argument('--stage', action='append', choices=STAGES, help='stage(s) to run (default: all)')
    ap.add_argument('--update', action='store_true', help='rewrite .expected files from actual output')
    ap.add_argument('--coverage', metavar='DEF', help='diagnostic_kinds.def: require every kind')
    ap.add_argument('names', nargs='*', help='only these inputs (file names, e.g. fail_unknown_name.gen)')
    opts = ap.parse_args()
    genc = os.path.abspath(opts.genc)

    failures, count, updated = [], 0, 0
    kinds_seen = {}
    for stage in opts.stage or STAGES:
        stage_dir = os.path.join(HERE, stage)
        if not os.path.isdir(stage_dir):
            continue
        for name in inputs(stage_dir):
            if opts.names and name not in opts.names:
                continue
            count += 1
            label = f'{stage}/{name}'
            expected_path = os.path.join(stage_dir, os.path.splitext(name)[0] + '.expected')
            actual, problem = run_one(genc, stage, stage_dir, name, kinds_seen)
            expected = None
            if os.path.exists(expected_path):
                with open(expected_path, encoding='utf-8') as f:
                    expected = f.read()
            if opts.update and actual != expected and not problem:
                with open(expected_path, 'w', encoding='utf-8') as f:
                    f.write(actual)
                updated += 1
                print(f'updated {label}')
                expected = actual
            if problem:
                failures.append(label)
                print(f'FAIL {label}: {problem}')
            elif expected is None:
                failures.append(label)
                print(f'FAIL {label}: no {os.path.relpath(expected_path, HERE)} (run with --update)')
            elif actual != expected:
                failures.append(label)
                diff = difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f'{label} expected', f'{label} actual')
                print(f'FAIL {label}: output differs\n' + ''.join(diff))
    print(f'{count - len(failures)}/{count} golden tests passed' + (f', {updated} updated' if updated else ''))
    if opts.coverage:
        missing = [k for k in def_kinds(opts.coverage) if k not in kinds_seen and k not in COVERAGE_EXEMPT]
        unknown = sorted(k for k in kinds_seen if k not in def_kinds(opts.coverage))
        if missing:
            failures.append('coverage')
            print('FAIL coverage: no input produces: ' + ', '.join(missing))
        if unknown:
            failures.append('coverage')
            print('FAIL coverage: kinds not in the .def list: ' + ', '.join(unknown))
    if count == 0:
        print('no golden inputs matched')
        return 1
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
