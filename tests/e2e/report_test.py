#!/usr/bin/env python3
"""End-to-end test of `genc report` in a real browser (Debian's chromium, scripts/setup.sh).

  report_test.py --genc build/tools/genc/genc [--keep DIR]

A tiny VAE (with a test split) and a tiny GAN train a few hundred steps; `genc report` writes
OUT/report.html; then, for each run:
  - the page is self-contained: no http(s) or file references, every image a data: URI;
  - headless chromium's DOM (--dump-dom) has one chart per metric whose curve paths have one
    point per record of metrics.jsonl, one image per sample grid, and graphviz's graph;
  - chromium's screenshot shows the curves: it holds thousands of pixels of the train (and,
    for the VAE, test) stroke colour, and the same page made from a run without metrics
    holds almost none.
--keep DIR copies the screenshots there.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from png_pixels import count_colours  # noqa: E402
from checks import check, exit_status  # noqa: E402

TRAIN_RGB = (0x1f, 0x77, 0xb4)  # runtime/report/line_chart.h: kTrainColour
TEST_RGB = (0xe8, 0x59, 0x0c)   # kTestColour
MIN_CURVE_PIXELS = 1500  # measured 3668 train / 3962 test (VAE), 5113 train (GAN) at 1280x1400
WINDOW = '1280,1400'

VAE = """use std.nn
data fashion = fashion_mnist(split: "train")
data fashion_test = fashion_mnist(split: "test")
model vae(latent: 8, hidden: 64) {
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
train vae on fashion { batch 64  optimizer adam(lr: 1e-3)  steps 300  log every 20
  eval on fashion_test every 100 steps  sample 16 every 100 steps to "samples" }
"""
GAN = """use std.nn
data fashion = fashion_mnist(split: "train") |> scale(-1, 1)
model gan(nz: 16) {
  generator G(z: [nz]) -> [1,28,28] {
    return z |> mlp([64], act: leaky_relu) |> linear(784) |> tanh |> reshape([1,28,28])
  }
  discriminator D(x: [1,28,28]) -> [1] {
    return x |> flatten |> mlp([64], act: leaky_relu) |> linear(1)
  }
  objective gan(loss: "nonsaturating")
}
train gan on fashion { batch 64  optimizer adam(lr: 2e-4, betas: [0.5, 0.999])  steps 300  log every 20
  sample 16 every 100 steps to "samples" }
"""


def run(*cmd, timeout=600):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError(f'{" ".join(cmd)} exited {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}')
    return p.stdout


def chromium(args, profile):
    exe = shutil.which('chromium')
    if exe is None:
        raise AssertionError('chromium is not installed (scripts/setup.sh installs it)')
    cmd = [exe, '--headless', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--no-first-run',
           f'--user-data-dir={profile}',
           '--force-device-scale-factor=1', f'--window-size={WINDOW}', *args]
    if os.geteuid() == 0:
        cmd.insert(1, '--no-sandbox')  # chromium refuses to run as root with its sandbox
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def screenshot(page, png, profile):
    p = chromium([f'--screenshot={png}', 'file://' + page], profile)
    if not os.path.exists(png):
        raise AssertionError(f'chromium wrote no screenshot ({p.returncode})\n{p.stderr[-2000:]}')
    return count_colours(png, {'train': TRAIN_RGB, 'test': TEST_RGB})


def read_metrics(out):
    with open(os.path.join(out, 'metrics.jsonl')) as f:
        return [json.loads(line) for line in f]


def curve_points(dom, metric, cls):
    """The number of points of the <path class=cls> in the chart of `metric` (None: no such path)."""
    chart = re.search(r'<svg class="chart"[^>]*aria-label="' + re.escape(metric) + r'".*?</svg>', dom, re.S)
    if not chart:
        return None
    path = re.search(r'<path class="' + cls + r'" d="([^"]*)"', chart.group(0))
    return None if not path else len(re.findall(r'[ML]', path.group(1)))


def check_run(name, source, tmp, keep, with_test):
    src = os.path.join(tmp, name + '.gen')
    with open(src, 'w') as f:
        f.write(source)
    out = os.path.join(tmp, name)
    run(GENC, 'run', src, '--device', 'cpu', '--out', out)
    print(run(GENC, 'report', out).strip())
    page = os.path.join(out, 'report.html')
    with open(page) as f:
        html = f.read()
    grids = sorted(os.listdir(os.path.join(out, 'samples')))
    check(f'{name}: the page references nothing outside itself',
          not re.search(r'(src|href)="(https?:|file:|//)', html) and '<link' not in html and '<script src' not in html)
    check(f'{name}: every sample grid is embedded as a data: URI',
          html.count('src="data:image/png;base64,') == len(grids) == 3, str(grids))

    profile = os.path.join(tmp, 'chromium-profile')
    dom = chromium(['--dump-dom', 'file://' + page], profile).stdout
    records = read_metrics(out)
    train = [r for r in records if r['split'] == 'train']
    test = [r for r in records if r['split'] == 'test']
    keys = [k for k in records[0] if k not in ('step', 'epoch', 'split', 'time_s')]
    for key in keys:
        raw_class = 'train-raw' if len(train) >= 10 else 'train'
        check(f'{name}: chart "{key}" has a train curve of {len(train)} points',
              curve_points(dom, key, raw_class) == len(train), str(curve_points(dom, key, raw_class)))
    if with_test:
        check(f'{name}: chart "loss" has a test curve of {len(test)} points',
              len(test) == 3 and curve_points(dom, 'loss', 'test') == len(test), str(curve_points(dom, 'loss', 'test')))
    check(f'{name}: the browser shows the sample grid viewer at the last grid',
          re.search(r'id="sample-label"[^>]*>step 300<', dom) is not None)
    if shutil.which('dot'):
        check(f'{name}: the model graph is graphviz SVG', re.search(r'<div class="card graph"><svg', dom) is not None)

    shot = os.path.join(tmp, name + '.png')
    colours = screenshot(page, shot, profile)
    print(f'  {name}: curve colour pixels {colours}')
    check(f'{name}: the screenshot shows the train curves', colours['train'] > MIN_CURVE_PIXELS, str(colours))
    if with_test:
        check(f'{name}: the screenshot shows the test curves', colours['test'] > MIN_CURVE_PIXELS, str(colours))

    # The same run without metrics: its page must not show those colours.
    empty = os.path.join(tmp, name + '_no_metrics')
    shutil.copytree(out, empty)
    open(os.path.join(empty, 'metrics.jsonl'), 'w').close()
    run(GENC, 'report', empty)
    blank = screenshot(os.path.join(empty, 'report.html'), os.path.join(tmp, name + '_no_metrics.png'), profile)
    check(f'{name}: a page without metrics shows no curve colours', max(blank.values()) < 100, str(blank))
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(shot, keep)
        shutil.copy(os.path.join(tmp, name + '_no_metrics.png'), keep)


def main():
    global GENC
    ap = argparse.ArgumentParser()
    ap.add_argument('--genc', required=True)
    ap.add_argument('--keep')
    args = ap.parse_args()
    GENC = os.path.abspath(args.genc)
    tmp = tempfile.mkdtemp(prefix='genc-report-')
    try:
        check_run('vae', VAE, tmp, args.keep, with_test=True)
        check_run('gan', GAN, tmp, args.keep, with_test=False)
        p = subprocess.run([GENC, 'report', tmp], capture_output=True, text=True)
        check('a folder that is no run: exit 1 with one genc: error line',
              p.returncode == 1 and p.stderr.startswith('genc: error:') and 'not the folder of a genc run' in p.stderr
              and not os.path.exists(os.path.join(tmp, 'report.html')), p.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return exit_status()


if __name__ == '__main__':
    sys.exit(main())
