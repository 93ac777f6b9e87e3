#!/usr/bin/env python3
"""End-to-end test of `genc sweep`, `genc report` of a sweep folder and `genc compare`.

  sweep_test.py --genc build/tools/genc/genc [--keep DIR]

A small VAE on Fashion-MNIST is swept over latent {8,16,32} x hidden {200,400} x 2 seeds
(12 runs of 60 steps, a checkpoint every 30):
  - the sweep is interrupted with Ctrl-C (SIGINT) while its fourth run trains, and exits 130
    with the finished runs done in sweep.json; the same command run again skips them and
    resumes the interrupted run from its checkpoint, and is killed (SIGKILL) in its sixth run
    after that run's checkpoint of step 30; run a third time it skips the five finished runs
    (their files untouched), resumes the sixth from step 30 and trains the rest, and every
    run's metrics.jsonl then holds each step once, up to step 60;
  - `genc report OUT` writes one page whose table ranks the six variants by test ELBO (best
    first), with mean ± std over the two seeds; headless chromium shows that clicking the
    column headers (PAGE#sort=KEY clicks them on load) sorts the rows, that every overlay
    chart has one curve per run, that the screenshot shows the curves' colours (and a page
    of the same sweep without metrics does not), and that the architecture diffs name the
    first linear layer's weight [200,784] -> [400,784];
  - a sweep with combinations that fail shape checking is refused before anything is
    created, naming each failing combination with its located diagnostic;
  - `genc compare` of two runs writes the same kind of page.
--keep DIR copies the screenshots and the page there.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from png_pixels import count_colours  # noqa: E402
from checks import check, exit_status  # noqa: E402
import report_test  # noqa: E402
from report_test import chromium  # noqa: E402

VAE = """use std.nn
data fashion = fashion_mnist(split: "train")
data fashion_test = fashion_mnist(split: "test")
model vae(latent: 8, hidden: 200) {
  encoder q(x: [1,28,28]) -> gaussian {
    h = x |> flatten |> linear(hidden) |> relu
    return gaussian(mean: linear(h, latent), logvar: linear(h, latent))
  }
  decoder p(z: [latent]) -> bernoulli {
    h = z |> linear(hidden) |> relu |> linear(784)
    return bernoulli(logits: reshape(h, [1,28,28]))
  }
  objective elbo
}
train vae on fashion { batch 64  optimizer adam(lr: 1e-3)  steps 60  log every 10
  eval on fashion_test every 30 steps  checkpoint every 30 steps }
"""
# hidden must be 400: reshape([1,20,20]) of the encoder's features.
BAD = VAE.replace('|> linear(hidden) |> relu\n    return', '|> linear(hidden) |> relu |> reshape([1,20,20]) |> flatten\n    return')
AXES = ['--set', 'vae.latent=8,16,32', '--set', 'vae.hidden=200,400']
PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b']  # compare_page.cpp: kPalette
report_test.WINDOW = '1280,2600'  # the table and the first rows of charts


def rgb(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def run(*cmd, ok=(0,)):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=900)
    if p.returncode not in ok:
        raise AssertionError(f'{" ".join(cmd)} exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}')
    return p


def state(out):
    try:
        with open(os.path.join(out, 'sweep.json')) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def records(run_dir):
    with open(os.path.join(run_dir, 'metrics.jsonl')) as f:
        return [json.loads(line) for line in f]


def snapshot(run_dir):
    """Every file of a run folder with its modification time and size."""
    files = {}
    for root, _, names in os.walk(run_dir):
        for n in names:
            st = os.stat(os.path.join(root, n))
            files[os.path.relpath(os.path.join(root, n), run_dir)] = (st.st_mtime_ns, st.st_size)
    return files


def interrupted_sweep(cmd, out, run, ready, sig):
    """Starts the sweep, sends `sig` once run number `run` is running and ready(its folder) holds;
    returns the exit status and output."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 600
    while p.poll() is None and time.time() < deadline:
        s = state(out)
        if s and s['runs'][run]['status'] == 'running' and ready(os.path.join(out, s['runs'][run]['name'])):
            p.send_signal(sig)
            break
        time.sleep(0.05)
    stdout, stderr = p.communicate(timeout=600)
    return p.returncode, stdout, stderr


def has_logged(run_dir):
    m = os.path.join(run_dir, 'metrics.jsonl')
    return os.path.exists(m) and os.path.getsize(m) > 0


def has_checkpoint_30(run_dir):
    return os.path.exists(os.path.join(run_dir, 'checkpoints', 'step_00000030.pt'))


def table_rows(dom):
    """The variant table's rows as lists of cell texts (rank, variant, latent, hidden, ...)."""
    table = re.search(r'<table class="compare" id="compare">(.*?)</table>', dom, re.S).group(1)
    heads = re.findall(r'<th data-key="([^"]+)"', table)
    rows = []
    for tr in re.findall(r'<tr data-variant="\d+">(.*?)</tr>', table, re.S):
        cells = []
        for attrs, text in re.findall(r'<td([^>]*)>(.*?)</td>', tr, re.S):
            v = re.search(r'data-v="([^"]*)"', attrs)
            cells.append(v.group(1) if v else re.sub('<[^>]+>', '', text))
        rows.append(dict(zip(heads, cells)))
    return heads, rows


def check_page(out, tmp, keep):
    page = os.path.join(out, 'report.html')
    with open(page) as f:
        html = f.read()
    check('the page references nothing outside itself',
          not re.search(r'(src|href)="(https?:|file:|//)', html) and '<link' not in html and '<script src' not in html)
    profile = os.path.join(tmp, 'chromium-profile')
    dom = chromium(['--dump-dom', 'file://' + page], profile).stdout
    heads, rows = table_rows(dom)
    check('the table has one row per variant', len(rows) == 6, str(len(rows)))
    check('the table has hyperparameter, parameter, metric, steps/s and wall time columns',
          all(k in heads for k in ('latent', 'hidden', 'params', 'train_loss', 'test_elbo', 'steps_per_s', 'wall_s')),
          str(heads))
    elbos = [float(r['test_elbo']) for r in rows]
    check('the table ranks the variants by test ELBO, best first', elbos == sorted(elbos, reverse=True), str(elbos))
    check('the metrics are mean ± std over 2 seeds', all(r['seeds'] == '2' for r in rows) and '±' in dom)

    # The best variant by the runs' own metrics.jsonl: the mean of its two seeds' last test ELBO.
    s = state(out)
    by_variant = {}
    for r in s['runs']:
        label = ','.join(f'{k.split(".")[1]}={v}' for k, v in r['overrides'].items())
        test = [x for x in records(os.path.join(out, r['name'])) if x['split'] == 'test']
        by_variant.setdefault(label, []).append(test[-1]['elbo'])
    best = max(by_variant, key=lambda k: sum(by_variant[k]) / 2)
    check('the first row is the best variant by metrics.jsonl', rows[0]['variant'].strip() == best,
          f'{rows[0]["variant"]} vs {best}')

    def sorted_by(hash_, key, numeric=True):
        d = chromium(['--dump-dom', f'file://{page}#sort={hash_}'], profile).stdout
        _, rs = table_rows(d)
        return [float(r[key]) if numeric else r[key] for r in rs], d
    params, d = sorted_by('params', 'params')
    check('clicking "params" sorts the rows by parameter count, ascending',
          params == sorted(params) and len(set(params)) == 6 and 'data-key="params" class="asc"' in d.replace(' data-type="text"', ''), str(params))
    params, _ = sorted_by('params,params', 'params')
    check('clicking "params" again sorts them descending', params == sorted(params, reverse=True), str(params))
    elbos, _ = sorted_by('test_elbo', 'test_elbo')
    check('clicking "test elbo" sorts ascending (worst first)', elbos == sorted(elbos), str(elbos))

    charts = re.findall(r'<svg class="chart overlay".*?</svg>', dom, re.S)
    check('there is an overlay chart per metric', len(charts) >= 4, str(len(charts)))
    check('every overlay chart draws a curve of each of the 12 runs',
          all(len(re.findall(r'<path class="run"', c)) == 12 for c in charts),
          str([len(re.findall(r'<path class="run"', c)) for c in charts]))
    check('the architecture diff names the first layer\'s weight [200,784] -> [400,784]',
          re.search(r'latent=8,hidden=400 vs latent=8,hidden=200.*?q\.h\.linear\d* \(linear\).*?weight \[200,784\], '
                    r'bias \[200\]</td><td>weight \[400,784\], bias \[400\]', dom, re.S) is not None)
    check('the architecture diff names the op whose result shape changed',
          re.search(r'relu in q</td><td>[^<]*:6:\d+</td><td>[^<]*200\]</td><td>[^<]*400\]', dom) is not None)

    shot = os.path.join(tmp, 'sweep.png')
    colours = {f'v{i}': rgb(c) for i, c in enumerate(PALETTE)}
    chromium([f'--screenshot={shot}', 'file://' + page], profile)
    with_curves = count_colours(shot, colours)
    empty = os.path.join(tmp, 'no_metrics')
    shutil.copytree(out, empty)
    for r in s['runs']:
        open(os.path.join(empty, r['name'], 'metrics.jsonl'), 'w').close()
    run(GENC, 'report', empty)
    blank_shot = os.path.join(tmp, 'sweep_no_metrics.png')
    chromium([f'--screenshot={blank_shot}', 'file://' + os.path.join(empty, 'report.html')],
             profile)
    blank = count_colours(blank_shot, colours)
    print(f'  curve colour pixels {with_curves}, without metrics {blank}')
    check('the screenshot shows every variant\'s curves (colour pixels well above the page without metrics)',
          all(with_curves[k] > blank[k] + 400 for k in colours), f'{with_curves} vs {blank}')
    if keep:
        os.makedirs(keep, exist_ok=True)
        for f in (shot, blank_shot, page):
            shutil.copy(f, keep)


def main():
    global GENC
    ap = argparse.ArgumentParser()
    ap.add_argument('--genc', required=True)
    ap.add_argument('--keep')
    args = ap.parse_args()
    GENC = os.path.abspath(args.genc)
    tmp = tempfile.mkdtemp(prefix='genc-sweep-')
    try:
        src = os.path.join(tmp, 'vae.gen')
        with open(src, 'w') as f:
            f.write(VAE)
        out = os.path.join(tmp, 'sweep')
        cmd = [GENC, 'sweep', src, *AXES, '--seeds', '2', '--device', 'cpu', '--out', out]

        # 1. Interrupted in its fourth run.
        status, stdout, stderr = interrupted_sweep(cmd, out, 3, has_logged, signal.SIGINT)
        s = state(out)
        statuses = [r['status'] for r in s['runs']]
        check('a Ctrl-C in the fourth run stops the sweep with exit 130', status == 130, f'{status}\n{stderr[-2000:]}')
        check('sweep.json: three runs done, the fourth interrupted, the rest pending',
              statuses == ['done'] * 3 + ['interrupted'] + ['pending'] * 8, str(statuses))
        names = [r['name'] for r in s['runs']]
        check('the runs are named by their settings', names[0] == 'latent=8,hidden=200,seed=0' and
              names[11] == 'latent=32,hidden=400,seed=1', str(names))
        check('one compilation per combination, seeds sharing it', '6 combinations (6 distinct graphs)' in stdout, stdout)
        before = {n: snapshot(os.path.join(out, n)) for n in names[:3]}
        steps_at_stop = [r['step'] for r in records(os.path.join(out, names[3])) if r['split'] == 'train']

        # 2. The same command again: resumes, and is killed (SIGKILL) in its sixth run after that
        # run's checkpoint of step 30.
        status, killed_out, stderr = interrupted_sweep(cmd, out, 5, has_checkpoint_30, signal.SIGKILL)
        s = state(out)
        statuses = [r['status'] for r in s['runs']]
        check('the resumed sweep, killed in its sixth run, leaves it running in sweep.json',
              status == -signal.SIGKILL and statuses == ['done'] * 5 + ['running'] + ['pending'] * 6,
              f'{status} {statuses}\n{stderr[-2000:]}')
        check('the interrupted run resumed from its checkpoint', f"resuming '{names[3]}' from" in killed_out, killed_out)
        check('the finished runs were not trained again after the Ctrl-C',
              all(f"'{n}'" not in killed_out for n in names[:3]), killed_out)
        before.update({n: snapshot(os.path.join(out, n)) for n in names[3:5]})

        # 3. Once more: finishes.
        p = run(*cmd)
        s = state(out)
        check('the sweep resumed finishes every run', all(r['status'] == 'done' for r in s['runs']),
              str([r['status'] for r in s['runs']]))
        check('the finished runs were not trained again (their files untouched)',
              all(snapshot(os.path.join(out, n)) == before[n] for n in names[:5]) and
              all(f"'{n}'" not in p.stdout for n in names[:5]), p.stdout)
        check('the killed run resumed from its checkpoint of step 30',
              re.search(f"resuming '{re.escape(names[5])}' from .*step_00000030.pt", p.stdout) is not None, p.stdout)
        complete = True
        for n in names:
            recs = records(os.path.join(out, n))
            keys = [(r['step'], r['split']) for r in recs]
            complete &= len(keys) == len(set(keys)) and max(r['step'] for r in recs) == 60 and \
                sum(1 for r in recs if r['split'] == 'test') == 2
        check('every run has each step once, up to step 60, with 2 test evaluations', complete)
        check('the interrupted run had stopped early', max(steps_at_stop) < 60, str(steps_at_stop))

        # 4. The comparison page.
        print(run(GENC, 'report', out).stdout.strip())
        check_page(out, tmp, args.keep)

        # 5. genc compare of any runs.
        page = os.path.join(tmp, 'two.html')
        p = run(GENC, 'compare', os.path.join(out, names[0]), os.path.join(out, names[2]), '-o', page)
        with open(page) as f:
            two = f.read()
        check('genc compare writes a page of the two runs', '(2 runs, 2 variants' in p.stdout and
              two.count('<tr data-variant=') == 2 and 'hidden=400 vs' in two, p.stdout)
        p = run(GENC, 'compare', tmp, ok=(1,))
        check('genc compare of a folder that is no run: one genc: error line',
              p.stderr.startswith('genc: error:') and 'not the folder of a genc run' in p.stderr, p.stderr)

        # 6. Combinations that fail shape checking: refused up front, each named.
        bad = os.path.join(tmp, 'bad.gen')
        with open(bad, 'w') as f:
            f.write(BAD)
        bad_out = os.path.join(tmp, 'bad_sweep')
        p = run(GENC, 'sweep', bad, '--set', 'vae.latent=8,16', '--set', 'vae.hidden=200,400', '--out', bad_out, ok=(1,))
        err = p.stderr
        check('a sweep with failing combinations exits 1 before creating anything', not os.path.exists(bad_out), err)
        check('each failing combination is named with its located diagnostic',
              all(re.search(r"combination '" + c + r"' does not compile:\n" + re.escape(bad) + r':6:\d+: error: ', err)
                  for c in ('latent=8,hidden=200', 'latent=16,hidden=200')) and 'hidden=400\'' not in err, err)
        check('one final genc: error line names them',
              "genc: error: 2 of 4 sweep combinations do not compile ('latent=8,hidden=200', 'latent=16,hidden=200')"
              in err, err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return exit_status()


if __name__ == '__main__':
    sys.exit(main())
