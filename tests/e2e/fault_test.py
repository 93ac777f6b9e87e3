#!/usr/bin/env python3
"""Fault tests: genc runs that are killed, or whose disk fills up, and their --resume.

  fault_test.py --genc build/tools/genc/genc --root . CASE

The model is tests/fuzz/tiny_checkpoint.gen: a tiny flow on two moons, 200 steps with a log line
and a checkpoint at every step, on the CPU with a fixed seed; an uninterrupted run gives the
reference losses. Cases (each one ctest test, label e2e):
  kill       SIGKILL at random moments of runs' training (a seeded draw over the reference run's)
             and while a checkpoint is being written (its temporary file exists), each followed
             by `--resume`: the train records of metrics.jsonl equal the reference's bit for bit,
             and no temporary file is left in checkpoints/.
  early      a run killed before its first checkpoint: `--resume` is one `genc: error:` line
             saying there is no checkpoint to resume from (exit 1, OUT left as it was); a new
             run into the same OUT starts afresh and gives the reference losses (README's rule).
  full_disk  OUT on a small tmpfs (mounted in a private mount namespace by unshare(1), in a user
             namespace where not root): the run stops with one `genc: error:` line naming the
             file and "No space left on device", exit 1; no temporary file is left; every
             checkpoint written before loads (`genc sample`), and moved to a disk with room, `--resume` from them ends with the reference losses.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from checks import check, exit_status, GencRunner  # noqa: E402

GENC = None
genc = genc_ok = None  # GencRunner(GENC) and its .ok, set in main
MODEL = None
STEPS = 200
COMMON = ['--device', 'cpu', '--seed', '7']


def train_losses(out):
    """The train records of OUT/metrics.jsonl without their wall-clock field (time_s)."""
    with open(os.path.join(out, 'metrics.jsonl')) as f:
        records = [json.loads(line) for line in f]
    return [{k: v for k, v in r.items() if k != 'time_s'} for r in records if r['split'] == 'train']


def checkpoints(out):
    d = os.path.join(out, 'checkpoints')
    return sorted(n for n in os.listdir(d) if n.startswith('step_') and n.endswith('.pt')) if os.path.isdir(d) else []


def temp_files(out):
    return [os.path.join(d, n) for d, _, names in os.walk(out) for n in names if '.tmp-' in n]


def reference(tmp):
    """The uninterrupted run: its folder, its losses, and how long its training took (from
    its first checkpoint to its end, in seconds)."""
    out = os.path.join(tmp, 'reference')
    p = start(out)
    first = os.path.join(out, 'checkpoints', 'step_00000001.pt')
    while p.poll() is None and not os.path.exists(first):
        time.sleep(0.001)
    t0 = time.time()
    check('reference run: exit 0', p.wait() == 0)
    losses = train_losses(out)
    assert len(losses) == STEPS, f'the reference run logged {len(losses)} train records, not {STEPS}'
    return out, losses, time.time() - t0


def start(out):
    return subprocess.Popen([GENC, 'run', MODEL, '--out', out, *COMMON], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def kill(p):
    p.kill()
    p.wait()


def killed_during_write(out, after_step, limit=120):
    """Starts a run and SIGKILLs it as soon as a checkpoint's temporary file appears once
    step `after_step`'s checkpoint exists; True if it was caught writing."""
    p = start(out)
    d = os.path.join(out, 'checkpoints')
    t0 = time.time()
    try:
        while p.poll() is None and time.time() - t0 < limit:
            names = os.listdir(d) if os.path.isdir(d) else []
            if f'step_{after_step:08d}.pt' in names and any('.tmp-' in n for n in names):
                kill(p)
                return True
        return False
    finally:
        if p.poll() is None:
            kill(p)


def resume_matches(what, out, ref_losses):
    genc_ok('run', '--resume', out)
    losses = train_losses(out)
    check(f'{what}: --resume ends with the uninterrupted losses, bit for bit', losses == ref_losses,
          '\n'.join(f'{a}\n{b}' for a, b in zip(losses, ref_losses) if a != b)[:2000] or f'{len(losses)} records')
    check(f'{what}: no temporary file left', not temp_files(out), str(temp_files(out)))


# -------------------------------------------------------------------------------------- kill

def case_kill(tmp):
    _, ref_losses, seconds = reference(tmp)
    rng = random.Random(20261203)
    for trial in range(3):
        out = os.path.join(tmp, f'random_{trial}')
        p = start(out)
        while p.poll() is None and not os.path.exists(os.path.join(out, 'checkpoints')):
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.9) * seconds)
        kill(p)
        left = checkpoints(out)
        print(f'  killed at a random moment of training: {len(left)} checkpoints written', flush=True)
        resume_matches(f'kill {trial} (after {left[-1] if left else "no checkpoint"})', out, ref_losses)
    for after in sorted(rng.sample(range(1, STEPS - 1), 3)):
        out = os.path.join(tmp, f'writing_{after}')
        caught = killed_during_write(out, after)
        check(f'kill while writing the checkpoint after step {after}: caught with its temporary file', caught,
              str(os.listdir(os.path.join(out, 'checkpoints'))))
        if caught:
            resume_matches(f'kill while writing the checkpoint after step {after}', out, ref_losses)


# ------------------------------------------------------------------------------------- early

def case_early(tmp):
    _, ref_losses, _ = reference(tmp)
    out = os.path.join(tmp, 'early')
    p = start(out)
    while p.poll() is None and not os.path.exists(out):
        time.sleep(0.001)
    kill(p)
    if checkpoints(out):
        check('early: the run was killed before its first checkpoint', False, str(checkpoints(out)))
        return
    before = sorted((d, n) for d, _, names in os.walk(out) for n in names)
    rc, _, err = genc('run', '--resume', out)
    lines = [l for l in err.splitlines() if l.strip()]
    check('early: --resume exits 1 with one "genc: error:" line saying there is no checkpoint',
          rc == 1 and len(lines) == 1 and lines[0].startswith('genc: error: ') and 'no checkpoint' in lines[0],
          f'rc={rc}\n{err[-2000:]}')
    check('early: the failed --resume leaves OUT as it was',
          sorted((d, n) for d, _, names in os.walk(out) for n in names) == before)
    genc_ok('run', MODEL, '--out', out, *COMMON)
    check('early: a new run into the same OUT starts afresh and gives the reference losses',
          train_losses(out) == ref_losses)


# --------------------------------------------------------------------------------- full disk

def case_full_disk(tmp):
    """Re-runs this script inside a private mount namespace (see full_disk_inside)."""
    ns = ['unshare', '--mount'] if os.geteuid() == 0 else ['unshare', '--user', '--map-root-user', '--mount']
    if subprocess.run([*ns, 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', tmp], capture_output=True).returncode:
        print('SKIP full_disk: cannot mount a tmpfs (unshare(1) needs root or unprivileged user namespaces)')
        return 77
    p = subprocess.run([*ns, sys.executable, os.path.abspath(__file__), '--genc', GENC, '--model', MODEL,
                        'full_disk_inside', '--tmp', tmp])
    return p.returncode


def full_disk_inside(tmp):
    ref_out, ref_losses, _ = reference(tmp)
    names = checkpoints(ref_out)
    size = os.path.getsize(os.path.join(ref_out, 'checkpoints', names[0]))
    # Room for the run's other files and about four checkpoints, rounded to pages.
    kib = (64 * 1024 + 4 * size + 4095) // 4096 * 4
    mnt = os.path.join(tmp, 'mnt')
    os.mkdir(mnt)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', f'size={kib}k', 'tmpfs', mnt], check=True)
    print(f'  tmpfs of {kib} KiB at {mnt}; a checkpoint takes {size} bytes', flush=True)
    try:
        rc, _, err = genc('run', MODEL, '--out', 'out', *COMMON, cwd=mnt)
        out = os.path.join(mnt, 'out')
        lines = [l for l in err.splitlines() if l.strip()]
        check('full disk: exit 1 with one "genc: error:" line naming the file and "No space left on device"',
              rc == 1 and len(lines) == 1 and lines[0].startswith('genc: error: cannot write ')
              and 'No space left on device' in lines[0], f'rc={rc}\n{err[-2000:]}')
        check('full disk: no temporary file left', not temp_files(out), str(temp_files(out)))
        written = checkpoints(out)
        check('full disk: the run wrote checkpoints before the disk filled up', 0 < len(written) < STEPS, str(written))
        for n in written:
            rc, _, err = genc('sample', os.path.join(out, 'checkpoints', n), '-o', os.path.join(tmp, 'samples.npy'))
            check(f'full disk: {n} is intact (genc sample loads it)', rc == 0, err[-2000:])
        if not written:
            return
        saved = os.path.join(tmp, 'saved')
        shutil.copytree(out, saved)
    finally:
        subprocess.run(['umount', mnt])
    # The same path on a disk with room (run.json names the checkpoint folder by absolute path).
    shutil.copytree(saved, out)
    genc_ok('run', '--resume', 'out', cwd=mnt)
    check('full disk: --resume from the checkpoints moved off the full disk gives the reference losses',
          train_losses(out) == ref_losses)


CASES = {'kill': case_kill, 'early': case_early, 'full_disk': case_full_disk}


def main():
    global GENC, MODEL, genc, genc_ok
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--genc', required=True)
    parser.add_argument('--root', help='the repository (for tests/fuzz/tiny_checkpoint.gen)')
    parser.add_argument('--model', help=argparse.SUPPRESS)  # set when re-run in a namespace
    parser.add_argument('--tmp', help=argparse.SUPPRESS)
    parser.add_argument('case', choices=[*CASES, 'full_disk_inside'])
    args = parser.parse_args()
    GENC = os.path.abspath(args.genc)
    genc = GencRunner(GENC, timeout=300)
    genc_ok = genc.ok
    MODEL = args.model or os.path.abspath(os.path.join(args.root, 'tests', 'fuzz', 'tiny_checkpoint.gen'))
    if args.case == 'full_disk_inside':
        full_disk_inside(args.tmp)
        return exit_status()
    with tempfile.TemporaryDirectory(prefix=f'genc_fault_{args.case}_') as tmp:
        code = CASES[args.case](tmp)
    return code if code is not None else exit_status()


if __name__ == '__main__':
    sys.exit(main())
