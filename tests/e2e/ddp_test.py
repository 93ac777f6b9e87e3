#!/usr/bin/env python3
"""Data-parallel training (`genc run --devices N`, Gloo over loopback on the CPU).

  ddp_test.py --genc build/tools/genc/genc --root . CASE

The models are tests/e2e/ddp/vae_eval.gen (the MLP VAE of examples/vae_fashion.gen with SGD,
see its header, evaluated on the test split every 25 steps) and tests/e2e/ddp/gan_dropout.gen
(an MLP GAN without batchnorm, with dropout in D), 50 steps each, a log line every 5. Cases (each one ctest test):
  vae      2 processes give the train and eval records of 1 process at the same global batch
           within 1e-5 relative, and one set of outputs (the same files as 1 process writes,
           one progress summary); --resume with another process count (1 -> 2, 2 -> 1) ends
           with the same records too.
  gan      the same for the GAN (its D and G steps each average their own group's
           gradients); and 2 processes started as torchrun starts them (RANK, WORLD_SIZE,
           LOCAL_RANK, MASTER_ADDR, MASTER_PORT set, no --devices) join one run and agree too.
  faults   a rank SIGKILLed in the middle of training (rank 1, then rank 0) ends the other with
           exactly one `genc: error:` line naming the lost contact and a non-zero exit, well
           before the collective timeout (set to 600 s here, so the end cannot come from it);
           Ctrl-C stops both ranks after one iteration with a checkpoint (exit 130), resumable;
           a loss that becomes NaN is one error line, the one a single process prints;
           --devices that does not divide the batch, and a launcher environment without
           MASTER_ADDR, are one-line errors that create nothing.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from checks import check, exit_status, GencRunner  # noqa: E402

GENC = ROOT = None
genc = None
COMMON = ['--device', 'cpu', '--seed', '1']
TOLERANCE = 1e-5  # relative, on every loss
ENV = dict(os.environ, GENC_DIST_TIMEOUT='600')


def model(name):
    return os.path.join(ROOT, 'tests', 'e2e', 'ddp', name)


def run(*args, env=None, timeout=600):
    t0 = time.time()
    p = subprocess.run([GENC, 'run', *args], capture_output=True, env=env or ENV, timeout=timeout)
    out, err = p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')
    print(f'  $ genc run {" ".join(args)}  -> {p.returncode} in {time.time() - t0:.1f}s', flush=True)
    return p.returncode, out, err


def records(out):
    """metrics.jsonl without its wall-clock field (time_s)."""
    with open(os.path.join(out, 'metrics.jsonl')) as f:
        return [{k: v for k, v in json.loads(line).items() if k != 'time_s'} for line in f]


def files(out):
    """Every file under OUT (relative), events files by their prefix."""
    names = []
    for d, _, fs in os.walk(out):
        for n in fs:
            rel = os.path.relpath(os.path.join(d, n), out)
            names.append('events.out.tfevents.*' if n.startswith('events.out.tfevents.') else rel)
    return sorted(names)


def compare(what, got, want):
    """Checks that two runs' records agree: the same steps, splits and keys, each value within
    TOLERANCE relative (values below 1 in size: absolute). Returns the largest relative
    difference of a loss."""
    shape = [(r['step'], r['split'], sorted(r)) for r in got] == [(r['step'], r['split'], sorted(r)) for r in want]
    check(f'{what}: the same records ({len(want)}: steps, splits, metrics)', shape,
          f'{[(r["step"], r["split"]) for r in got]}\nvs\n{[(r["step"], r["split"]) for r in want]}')
    worst_loss, bad = 0.0, []
    for a, b in zip(got, want):
        for k, v in b.items():
            if not isinstance(v, float) or k not in a:
                continue
            diff = abs(a[k] - v) / max(abs(v), 1.0)
            if k.endswith('loss'):
                worst_loss = max(worst_loss, abs(a[k] - v) / max(abs(v), 1e-30))
            if diff > TOLERANCE:
                bad.append(f'step {b["step"]} {b["split"]} {k}: {a[k]!r} vs {v!r}')
    check(f'{what}: every value within {TOLERANCE:g} of one process (largest loss difference '
          f'{worst_loss:.2e} relative)', not bad and worst_loss <= TOLERANCE, '\n'.join(bad[:20]))
    return worst_loss


def reference(tmp, gen):
    out = os.path.join(tmp, 'one')
    rc, stdout, err = run(model(gen), '--out', out, *COMMON)
    assert rc == 0, f'the one-process run failed:\n{stdout}\n{err}'
    return out, records(out)


def data_parallel(tmp, gen, ref_out, ref):
    out = os.path.join(tmp, 'two')
    rc, stdout, err = run(model(gen), '--out', out, '--devices', '2', *COMMON)
    check('--devices 2: exit 0', rc == 0, stdout[-2000:] + err[-2000:])
    if rc != 0:
        return
    compare('--devices 2', records(out), ref)
    check('--devices 2: the files one process writes, once', files(out) == files(ref_out),
          f'{files(out)}\nvs\n{files(ref_out)}')
    summary = [line for line in stdout.splitlines() if line.startswith('genc: trained')]
    check('--devices 2: one summary line, naming the 2 processes', len(summary) == 1 and '2 processes, gloo' in
          summary[0], stdout[-2000:])
    rc, _, err = genc('sample', os.path.join(out, 'checkpoints', 'step_00000050.pt'), '-n', '4', '-o',
                      os.path.join(tmp, 'grid.png'))
    check('--devices 2: genc sample reads its final checkpoint', rc == 0, err[-2000:])


def resumed(tmp, gen, ref, first, then):
    out = os.path.join(tmp, f'resume_{first}_{then}')
    devices = ['--devices', str(first)] if first > 1 else []  # one process: without a process group
    rc, stdout, err = run(model(gen), '--out', out, '--steps', '25', *devices, *COMMON)
    check(f'{first} process(es) to step 25: exit 0', rc == 0, stdout[-2000:] + err[-2000:])
    rc, stdout, err = run('--resume', out, '--steps', '50', '--devices', str(then))
    check(f'--resume with {then} process(es): exit 0', rc == 0, stdout[-2000:] + err[-2000:])
    if rc == 0:
        compare(f'{first} then {then} process(es)', records(out), ref)


# --------------------------------------------------------------------------------------- vae

def case_vae(tmp):
    ref_out, ref = reference(tmp, 'vae_eval.gen')
    check('the VAE reference evaluates twice', sum(r['split'] == 'test' for r in ref) == 2, str(ref))
    data_parallel(tmp, 'vae_eval.gen', ref_out, ref)
    resumed(tmp, 'vae_eval.gen', ref, 1, 2)
    resumed(tmp, 'vae_eval.gen', ref, 2, 1)


# --------------------------------------------------------------------------------------- gan

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def torchrun_style(tmp, ref):
    """Two processes with torchrun's variables, as a launcher starts them (no --devices)."""
    out = os.path.join(tmp, 'launched')
    port = str(free_port())
    procs = []
    for rank in range(2):
        env = dict(ENV, RANK=str(rank), WORLD_SIZE='2', LOCAL_RANK=str(rank), MASTER_ADDR='127.0.0.1',
                   MASTER_PORT=port, OMP_NUM_THREADS='1')
        procs.append(subprocess.Popen([GENC, 'run', model('gan_dropout.gen'), '--out', out, *COMMON], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    check('torchrun-style launch: both ranks exit 0', codes == [0, 0],
          '\n'.join(o.decode()[-1500:] + e.decode()[-1500:] for o, e in results))
    check('torchrun-style launch: only rank 0 prints', results[1][0].decode().strip() == '' and
          'genc: trained' in results[0][0].decode(), results[1][0].decode()[-1000:])
    if codes == [0, 0]:
        compare('torchrun-style launch', records(out), ref)


def case_gan(tmp):
    ref_out, ref = reference(tmp, 'gan_dropout.gen')
    check('the GAN reference logs D and G losses', all('D_loss' in r for r in ref), str(ref[:1]))
    data_parallel(tmp, 'gan_dropout.gen', ref_out, ref)
    torchrun_style(tmp, ref)


# ------------------------------------------------------------------------------------ faults

def children(pid):
    """The processes whose parent is `pid`, by their RANK."""
    out = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            if ppid != pid:
                continue
            with open(f'/proc/{entry}/environ', 'rb') as f:
                env = dict(kv.split(b'=', 1) for kv in f.read().split(b'\0') if b'=' in kv)
            out[int(env[b'RANK'])] = int(entry)
        except (OSError, KeyError, ValueError, IndexError):
            continue
    return out


def kill_rank(tmp, victim):
    out = os.path.join(tmp, f'killed_{victim}')
    p = subprocess.Popen([GENC, 'run', model('vae_eval.gen'), '--out', out, '--steps', '1000000', '--devices', '2',
                          *COMMON], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    metrics = os.path.join(out, 'metrics.jsonl')
    t0 = time.time()
    while p.poll() is None and time.time() - t0 < 300 and not (os.path.exists(metrics) and os.path.getsize(metrics)):
        time.sleep(0.05)
    ranks = children(p.pid)
    check(f'kill rank {victim}: the run trains on 2 processes', sorted(ranks) == [0, 1], str(ranks))
    if victim not in ranks:
        p.kill()
        p.communicate()
        return
    os.kill(ranks[victim], signal.SIGKILL)
    try:  # a guard against a hang, far below the collective timeout (600 s)
        stdout, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        stdout, err = p.communicate()
        check(f'kill rank {victim}: the other rank ends (it hung)', False)
        return
    err = err.decode('utf-8', 'replace')
    errors = [line for line in err.splitlines() if line.startswith('genc: error:')]
    survivor = 1 - victim
    check(f'kill rank {victim}: non-zero exit', p.returncode != 0, str(p.returncode))
    check(f'kill rank {victim}: exactly one genc: error: line, from rank {survivor}, naming the lost contact',
          len(errors) == 1 and f'rank {survivor} of 2 lost contact' in errors[0], err[-3000:])
    check(f'kill rank {victim}: no stack trace', 'Exception raised from' not in err and 'frame #' not in err,
          err[-3000:])
    left = [pid for pid in ranks.values() if os.path.exists(f'/proc/{pid}')]
    check(f'kill rank {victim}: no process left (genc waited for both)', not left, str(left))


def interrupted(tmp):
    """Ctrl-C (SIGINT to genc, which forwards it): every rank stops after the same iteration,
    rank 0 writes its checkpoint, exit 130; --resume then continues on 2 processes."""
    out = os.path.join(tmp, 'interrupted')
    p = subprocess.Popen([GENC, 'run', model('vae_eval.gen'), '--out', out, '--steps', '1000000', '--devices', '2',
                          *COMMON], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    metrics = os.path.join(out, 'metrics.jsonl')
    t0 = time.time()
    while p.poll() is None and time.time() - t0 < 300 and not (os.path.exists(metrics) and os.path.getsize(metrics)):
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    stdout, err = p.communicate(timeout=300)
    stdout = stdout.decode('utf-8', 'replace')
    lines = [line for line in stdout.splitlines() if line.startswith('genc: interrupted at step ')]
    check('Ctrl-C: exit 130, one "interrupted at step N" line', p.returncode == 130 and len(lines) == 1,
          f'{p.returncode}\n{stdout[-2000:]}\n{err.decode()[-2000:]}')
    if not lines:
        return
    step = int(lines[0].split()[4].rstrip(';'))
    check(f'Ctrl-C: the checkpoint of step {step} is written',
          os.path.exists(os.path.join(out, 'checkpoints', f'step_{step:08d}.pt')))
    rc, stdout, err = run('--resume', out, '--steps', str(step + 10), '--devices', '2')
    check(f'Ctrl-C: --resume on 2 processes continues to step {step + 10}',
          rc == 0 and f'to step {step + 10}' in stdout, stdout[-2000:] + err[-2000:])


def diverging(tmp):
    """A loss that becomes NaN: every rank sees it in the averaged metrics, rank 0 alone
    replays and reports it (the message one process gives), the other ends silently."""
    with open(model('vae_eval.gen')) as f:
        source = f.read().replace('sgd(lr: 1e-3)', 'sgd(lr: 1e3)')
    gen = os.path.join(tmp, 'diverging.gen')
    with open(gen, 'w') as f:
        f.write(source)
    _, _, alone = run(gen, '--out', os.path.join(tmp, 'nan1'), *COMMON)
    rc, _, err = run(gen, '--out', os.path.join(tmp, 'nan2'), '--devices', '2', *COMMON)
    lines = [line for line in err.splitlines() if line.startswith('genc: error:')]
    check('a NaN loss on 2 processes: exit 1, one error line, the one process gives',
          rc == 1 and len(lines) == 1 and 'became nan' in lines[0] and lines[0] in alone, err[-2000:] + alone[-1000:])


def case_faults(tmp):
    kill_rank(tmp, 1)
    kill_rank(tmp, 0)
    interrupted(tmp)
    diverging(tmp)
    out = os.path.join(tmp, 'three')
    rc, _, err = run(model('vae_eval.gen'), '--out', out, '--devices', '3', *COMMON)
    check('--devices 3 with batch 128: exit 1, one error line naming --devices 3 and the batch',
          rc == 1 and err.count('genc: error:') == 1 and '--devices 3' in err and 'batch of 128' in err, err)
    check('--devices 3 with batch 128: nothing created', not os.path.exists(out))
    env = dict(ENV, WORLD_SIZE='2', RANK='0')
    env.pop('MASTER_ADDR', None)
    rc, _, err = run(model('vae_eval.gen'), '--out', out, *COMMON, env=env)
    check('WORLD_SIZE without MASTER_ADDR: exit 1, one error line naming MASTER_ADDR',
          rc == 1 and err.count('genc: error:') == 1 and 'MASTER_ADDR' in err, err)


CASES = {'vae': case_vae, 'gan': case_gan, 'faults': case_faults}


def main():
    global GENC, ROOT, genc
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--genc', required=True)
    parser.add_argument('--root', required=True)
    parser.add_argument('case', choices=CASES)
    args = parser.parse_args()
    GENC, ROOT = os.path.abspath(args.genc), os.path.abspath(args.root)
    genc = GencRunner(GENC, timeout=600)
    with tempfile.TemporaryDirectory(prefix=f'genc_ddp_{args.case}_') as tmp:
        CASES[args.case](tmp)
    return exit_status()


if __name__ == '__main__':
    sys.exit(main())
