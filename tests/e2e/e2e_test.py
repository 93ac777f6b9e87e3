#!/usr/bin/env python3
"""End-to-end tests: the genc binary trains, samples and evaluates real models.

  e2e_test.py --genc build/tools/genc/genc --root . CASE

Cases (each one ctest test, label e2e; all on the CPU with fixed seeds):
  vae     examples/vae_fashion.gen for 2 epochs reaches a test ELBO above -260 nats
          (metrics.jsonl); `genc sample` of its checkpoint writes a valid PNG grid;
          `genc eval` reports the same ELBO and an importance-weighted bound at least as tight.
  gan     a short GAN run lowers the Fréchet distance (reference classifier features) well
          below the untrained generator's, and its samples cover >= 8 of the 10 classes.
  resume  N steps straight and N/2 steps + `--resume` to N log identical losses, and sample
          identical grids (a VAE, and a DCGAN with batch norm and two optimizers); Ctrl-C
          stops a run with a checkpoint, exit 130 and the resume hint, and --resume goes on.
  diffusion examples/diffusion_moons.gen (6000 steps): >= 90% of 2000 samples lie within 0.15
          of the moons for both DDIM and --sampler ancestral (measured 0.95 and 0.98); a bad
          --sampler / --guidance is one user error; a tiny class-conditional Fashion-MNIST model
          trains with cfg_dropout (plan: drop_label, the batched guidance; 11 embedding rows)
          and samples with --guidance 0, 1, 3 and --sampler dpm_solver(...).
  gpt     a small byte-level GPT on a fortunes file trains GPT_STEPS steps to a test NLL below
          GPT_MAX_NATS nats per byte; `genc sample` prints text, -o x.txt writes it, --prompt
          continues a prefix, and a prompt longer than the context is one user error.
  text_errors  a text source that is missing, empty or shorter than its context is one
          located error at each data declaration reading it (exit 1, no output directory).
  flow    examples/realnvp_moons.gen (3000 steps) reaches a test NLL below 0.45 nats; its
          2000 samples (`sample 2000 every`, and `genc sample -o .npy` of the checkpoint) have
          >= 90% within 0.15 of the moons (toy_curves.py); `genc eval` reports the same NLL.
  verify  `genc check --verify` passes every builtin invertible step (tests/e2e/verify/
          builtin_steps.gen) and every flow example, and fails a user invertible whose logdet
          or inverse is wrong, naming the block and its line; the user-coupling example samples
          (.png, .npy); samples that are not finite are an error that writes nothing and names
          the step that produced them.
  glow    examples/glow_fashion.gen passes `genc check --verify`; shrunk (--set depth 1,
          hidden 8; 40 steps, eval every 20) it trains to a finite test bits/dim that falls
          from step 20 to 40 (bpd = nll / (784 ln 2)), and writes sample grids (`sample 16
          every`, and `genc sample` of the checkpoint at the example's temperature 0.7).
  errors  bad input (missing data file, truncated / foreign checkpoints, a loss that becomes
          NaN, a model too big for memory, an unwritable output directory, a compile error) exits 1 with one
          `genc: error:` line (diagnostics for compile errors) and leaves no output files.
"""
import argparse
import glob
import json
import math
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from checks import FAILURES, check, GencRunner  # noqa: E402

GENC = None
genc = genc_ok = None  # GencRunner(GENC) and its .ok, set in main
ROOT = None


def example(name):
    return os.path.join(ROOT, 'examples', name)


def read_metrics(out_dir):
    with open(os.path.join(out_dir, 'metrics.jsonl')) as f:
        return [json.loads(line) for line in f]


def checkpoint(out_dir, step):
    return os.path.join(out_dir, 'checkpoints', f'step_{step:08d}.pt')


def png_size(path):
    """(width, height, channels) of a valid 8-bit grayscale or RGB PNG; raises otherwise."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('no PNG signature')
    pos, idat, ihdr, ended = 8, b'', None, False
    while pos < len(data):
        (length,) = struct.unpack('>I', data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise ValueError(f'bad CRC in {kind!r}')
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            ended = True
        pos += 12 + length
    if not ihdr or not ended:
        raise ValueError('missing IHDR or IEND')
    w, h, depth, color = ihdr[:4]
    channels = {0: 1, 2: 3}[color]
    if depth != 8 or len(zlib.decompress(idat)) != h * (1 + w * channels):
        raise ValueError('pixel data does not match the header')
    return w, h, channels


def files_under(path):
    out = []
    for d, _, names in os.walk(path):
        out += [os.path.join(d, n) for n in names]
    return out


# --------------------------------------------------------------------------------------- vae

def case_vae(tmp):
    out = os.path.join(tmp, 'vae')
    genc_ok('run', example('vae_fashion.gen'), '--epochs', '2', '--device', 'cpu', '--out', out)
    tests = [m for m in read_metrics(out) if m['split'] == 'test']
    check('vae: one test record per epoch', [m['epoch'] for m in tests] == [1, 2], str(tests))
    elbo = tests[-1]['elbo'] if tests else float('-inf')
    print(f'  test ELBO after 2 epochs: {elbo:.2f} nats')
    check('vae: test ELBO after 2 epochs > -260 nats', elbo > -260, str(tests))
    ck = checkpoint(out, 936)
    check('vae: a checkpoint per epoch', os.path.exists(checkpoint(out, 468)) and os.path.exists(ck),
          str(files_under(out)))
    check('vae: a sample grid per epoch',
          sorted(os.listdir(os.path.join(out, 'samples', 'vae'))) == ['epoch_001.png', 'epoch_002.png'])

    grid = os.path.join(tmp, 'grid.png')
    genc_ok('sample', ck, '-n', '64', '-o', grid, '--seed', '3')
    try:
        size = png_size(grid)
    except (ValueError, KeyError, OSError, struct.error) as e:
        size = str(e)
    # 64 images: 8 per row, 28 px each with 2 px padding around and between them.
    check('vae: genc sample writes a valid 8x8 PNG grid', size == (242, 242, 1), str(size))
    check('vae: genc sample leaves no temporary files', not [f for f in os.listdir(tmp) if '.tmp' in f],
          str(os.listdir(tmp)))

    rep = json.loads(genc_ok('eval', ck, '--json', '--iw', '20').strip().splitlines()[-1])
    print(f'  genc eval: {rep}')
    check('vae: genc eval evaluates the test split', rep.get('data') == 'fashion_test' and rep.get('examples') == 10000,
          str(rep))
    check('vae: genc eval reports the ELBO of the last eval (within noise)', abs(rep['elbo'] - elbo) < 1.0, str(rep))
    check('vae: the IW-20 bound is at least the ELBO', rep['iw_elbo'] >= rep['elbo'] - 0.05 and rep['iw'] == 20,
          str(rep))


# --------------------------------------------------------------------------------------- gpt

GPT_TEXT = '/usr/share/games/fortunes/computers'  # Debian's fortunes package (scripts/setup.sh)
GPT_STEPS = 600
GPT_MAX_NATS = 2.45  # measured 2.314 at 600 steps (2.586 at 300)
GPT_SOURCE = f"""use std.transformer
data train_text = text("{GPT_TEXT}", context: 64, split: "train", holdout: 0.1)
data test_text = text("{GPT_TEXT}", context: 64, split: "test", holdout: 0.1)
model gpt(d: 64, heads: 2, layers: 2) {{
  autoregressive p(x: tokens[64] of 256) -> categorical {{
    h = embed(x, d) + position(64, d)
    repeat layers {{ h = transformer_block(h, heads: heads, causal: true) }}
    return categorical(logits: h |> layernorm |> linear(256))
  }}
  objective nll
  sampler sample(temperature: 0.8, top_k: 20, top_p: 0.95)
}}
train gpt on train_text {{ batch 32  optimizer adamw(lr: 2e-3)  steps {GPT_STEPS}  seed 1
  log every 100  eval on test_text every {GPT_STEPS} }}
"""


def case_gpt(tmp):
    src = os.path.join(tmp, 'gpt.gen')
    with open(src, 'w') as f:
        f.write(GPT_SOURCE)
    out = os.path.join(tmp, 'gpt')
    genc_ok('run', src, '--device', 'cpu', '--out', out)
    tests = [m for m in read_metrics(out) if m['split'] == 'test']
    nats = tests[-1]['loss'] if tests else float('inf')
    print(f'  test NLL after {GPT_STEPS} steps: {nats:.3f} nats/byte ({tests[-1]["bpd"] if tests else 0:.3f} bits/byte)')
    check(f'gpt: test NLL < {GPT_MAX_NATS} nats/byte', nats < GPT_MAX_NATS, str(tests))
    check('gpt: bits per byte = nats / ln 2', tests and abs(tests[-1]['bpd'] * 0.6931472 - nats) < 1e-4, str(tests))
    ck = checkpoint(out, GPT_STEPS)
    text = genc_ok('sample', ck, '-n', '2', '--seed', '1')
    check('gpt: genc sample prints two samples of 64 bytes', len(text.encode('latin-1', 'replace')) >= 2 * 64, repr(text))
    txt = os.path.join(tmp, 'samples.txt')
    genc_ok('sample', ck, '-n', '3', '-o', txt)
    check('gpt: genc sample -o .txt writes the text', os.path.getsize(txt) == 3 * (64 + 2), str(os.path.getsize(txt)))
    prompt = 'The computer '
    cont = genc_ok('sample', ck, '-n', '2', '--prompt', prompt, '--seed', '2')
    check('gpt: --prompt continues the prefix', cont.count(prompt) >= 2, repr(cont))
    expect_user_error('a prompt longer than the context', ['sample', ck, '--prompt', 'x' * 65], 'longer than the context')


def case_text_errors(tmp):
    """A text source that is missing, empty or shorter than the context: a located error
    naming the file at each data declaration, exit 1, no output directory."""
    def gen_for(path):
        return GPT_SOURCE.replace(GPT_TEXT, path)
    empty = os.path.join(tmp, 'empty.txt')
    open(empty, 'w').close()
    short = os.path.join(tmp, 'short.txt')
    with open(short, 'w') as f:
        f.write('only forty bytes of text, not enough....')
    for what, path, mention in [('missing', os.path.join(tmp, 'no_such.txt'), 'no_such.txt'),
                                ('empty', empty, 'empty.txt'),
                                ('shorter than the context', short, 'short.txt')]:
        src = os.path.join(tmp, what.replace(' ', '_') + '.gen')
        with open(src, 'w') as f:
            f.write(gen_for(path))
        out = os.path.join(tmp, what.replace(' ', '_') + '_out')
        rc, _, err = genc('run', src, '--out', out, '--steps', '5', '--device', 'cpu')
        lines = [l for l in err.splitlines() if ': error: ' in l]
        check(f'text errors: {what}: exit 1, an error naming {mention} per data declaration, no output directory',
              rc == 1 and len(lines) == 2 and all(mention in l for l in lines) and 'internal' not in err
              and not os.path.exists(out), f'rc={rc}\n{err[-2000:]}')
        check(f'text errors: {what}: located at the two data declarations',
              len(lines) == 2 and lines[0].startswith(src + ':2:') and lines[1].startswith(src + ':3:'), err[-2000:])


# -------------------------------------------------------------------------------------- flow

FLOW_NLL_MAX = 0.45       # nats; measured 0.31 after 3000 steps
FLOW_NEAR_MOONS = 0.90    # share of samples within 0.15 of the moons; measured 0.99


def case_flow(tmp):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import toy_curves
    src = os.path.join(tmp, 'realnvp_moons.gen')
    with open(example('realnvp_moons.gen')) as f:
        text = f.read()
    header = 'eval on moons_test every 1000 steps'
    assert header in text, header
    with open(src, 'w') as f:
        f.write(text.replace(header, header + '\n  sample 2000 every 3000 steps to "samples"'))
    out = os.path.join(tmp, 'flow')
    genc_ok('run', src, '--device', 'cpu', '--out', out)
    tests = [m for m in read_metrics(out) if m['split'] == 'test']
    check('flow: a test record every 1000 steps', [m['step'] for m in tests] == [1000, 2000, 3000], str(tests))
    nll = tests[-1]['nll'] if tests else float('inf')
    print(f'  test NLL after 3000 steps: {nll:.4f} nats ({tests[-1]["bpd"] if tests else "?"} bits/dim)')
    check(f'flow: test NLL < {FLOW_NLL_MAX} nats', nll < FLOW_NLL_MAX, str(tests))
    check('flow: bpd = nll / (2 ln 2)', bool(tests) and abs(tests[-1]['bpd'] - nll / (2 * 0.6931471805599453)) < 1e-4,
          str(tests))

    periodic = os.path.join(out, 'samples', 'step_00003000.npy')
    check('flow: `sample 2000 every` writes .npy points and a scatter plot',
          os.path.exists(periodic) and os.path.exists(periodic[:-4] + '.png'), str(files_under(out)))
    if os.path.exists(periodic):
        share = toy_curves.share_near_moons(toy_curves.read_npy_points(periodic))
        print(f'  periodic samples within 0.15 of the moons: {share:.3f}')
        check(f'flow: >= {FLOW_NEAR_MOONS:.0%} of the periodic samples near the moons', share >= FLOW_NEAR_MOONS)

    ck = checkpoint(out, 3000)
    npy = os.path.join(tmp, 'points.npy')
    genc_ok('sample', ck, '-n', '2000', '-o', npy, '--seed', '5')
    points = toy_curves.read_npy_points(npy)
    share = toy_curves.share_near_moons(points)
    print(f'  genc sample: {len(points)} points, {share:.3f} within 0.15 of the moons')
    check('flow: genc sample writes 2000 points', len(points) == 2000)
    check(f'flow: >= {FLOW_NEAR_MOONS:.0%} of genc sample\'s points near the moons', share >= FLOW_NEAR_MOONS)

    rep = json.loads(genc_ok('eval', ck, '--json').strip().splitlines()[-1])
    print(f'  genc eval: {rep}')
    check('flow: genc eval reports the NLL of the last eval', abs(rep.get('nll', float('inf')) - nll) < 1e-3, str(rep))


def case_verify(tmp):
    import toy_curves
    steps = os.path.join(ROOT, 'tests', 'e2e', 'verify', 'builtin_steps.gen')
    rc, out, err = genc('check', '--verify', steps)
    print(out)
    check('verify: every builtin step passes', rc == 0 and 'checked 15 invertible steps, 0 failed' in out, out + err)
    for op in ['dequantize', 'logit', 'squeeze', 'invconv1x1', 'actnorm', 'affine_coupling', 'additive_coupling',
               'permute']:
        check(f'verify: {op} is checked', f"'{op}'" in out, out)
    wrong = os.path.join(ROOT, 'tests', 'e2e', 'verify', 'wrong_logdet.gen')
    rc, out, err = genc('check', '--verify', wrong)
    print(out + err)
    check('verify: a wrong user logdet fails with exit 1', rc == 1, out + err)
    check('verify: the error names the block and its line',
          "wrong_logdet.gen:13:9: error: invertible 'double_it' fails --verify: its logdet differs" in err, err)
    check('verify: the steps that are right still pass', "ok   m.f 'actnorm'" in out, out)

    # A planted wrong inverse in a user block: --verify names the block and its line.
    wrong = os.path.join(ROOT, 'tests', 'e2e', 'verify', 'wrong_inverse.gen')
    rc, out, err = genc('check', '--verify', wrong)
    print(out + err)
    check('verify: a wrong user inverse fails with exit 1', rc == 1, out + err)
    check('verify: the error names the block and its line',
          "wrong_inverse.gen:14:9: error: invertible 'scale_shift' fails --verify: inverse(forward(x)) differs" in err,
          err)
    check('verify: the builtin steps beside it still pass', "ok   m.f 'actnorm'" in out, out)

    # --verify passes on every flow example (user invertible blocks included).
    for path in sorted(glob.glob(os.path.join(ROOT, 'examples', '*.gen'))):
        with open(path) as f:
            if not re.search(r'^\s*flow \w+\(', f.read(), re.M):
                continue
        rc, out, err = genc('check', '--verify', path)
        print(out + err)
        check(f'verify: {os.path.basename(path)} passes --verify', rc == 0 and ', 0 failed' in out, out + err)
        if 'user_coupling' in path:
            check('verify: the user coupling is checked both ways',
                  re.search(r"ok   user_flow\.f 'coupling' .*inverse error [0-9.e+-]+, logdet error", out) is not None, out)

    # The user-coupling example samples through its derived inverse: a scatter plot and the points.
    user = os.path.join(tmp, 'user')
    genc_ok('run', example('user_coupling_moons.gen'), '--steps', '50', '--device', 'cpu', '--out', user)
    png, npy = os.path.join(tmp, 'user.png'), os.path.join(tmp, 'user.npy')
    genc_ok('sample', checkpoint(user, 50), '-n', '300', '-o', png)
    genc_ok('sample', checkpoint(user, 50), '-n', '300', '-o', npy)
    points = toy_curves.read_npy_points(npy)
    check('verify: the user flow samples 300 finite 2-D points and a scatter plot',
          len(points) == 300 and all(math.isfinite(a) and math.isfinite(b) for a, b in points) and os.path.getsize(png) > 0,
          str(points[:3]))

    # Non-finite samples (a prior scaled past float32's range) are an error that writes nothing.
    hot = os.path.join(tmp, 'hot.gen')
    with open(example('realnvp_moons.gen')) as f:
        text = f.read()
    with open(hot, 'w') as f:
        f.write(text.replace('  objective nll\n', '  objective nll\n  sampler inverse(temperature: 1e38)\n'))
    genc_ok('run', hot, '--steps', '20', '--device', 'cpu', '--out', os.path.join(tmp, 'hot'))
    points = os.path.join(tmp, 'hot.npy')
    rc, out, err = genc('sample', checkpoint(os.path.join(tmp, 'hot'), 20), '-n', '200', '-o', points)
    check('verify: non-finite samples exit 1 with one error line and no file',
          rc == 1 and 'non-finite values' in err and err.count('genc: error:') == 1 and not os.path.exists(points),
          err)
    check('verify: the non-finite samples name the step that produced them, with its .gen location',
          re.search(r"the first non-finite value comes from '\w+'.* at \S*hot\.gen:\d+:\d+", err) is not None, err)


# --------------------------------------------------------------------------------------- gan

GAN_EXAMPLE = 'mlp_gan_fashion.gen'
GAN_STEPS = 2000
FD_SAMPLES = 2000


def fd_report(ck):
    line = genc_ok('eval', ck, '--json', '--samples', str(FD_SAMPLES), timeout=1800).strip().splitlines()[-1]
    return json.loads(line)


def case_gan(tmp):
    untrained, trained = os.path.join(tmp, 'untrained'), os.path.join(tmp, 'trained')
    genc_ok('run', example(GAN_EXAMPLE), '--steps', '0', '--device', 'cpu', '--out', untrained)
    before = fd_report(checkpoint(untrained, 0))
    print(f'  untrained: {before}')
    check('gan: the reference classifier is accurate (> 85% on the test split)',
          before['classifier_accuracy'] > 0.85, str(before))
    genc_ok('run', example(GAN_EXAMPLE), '--steps', str(GAN_STEPS), '--device', 'cpu', '--out', trained)
    after = fd_report(checkpoint(trained, GAN_STEPS))
    print(f'  after {GAN_STEPS} steps: {after}')
    check(f'gan: FD after {GAN_STEPS} steps is below 1/3 of the untrained FD',
          after['fd'] < before['fd'] / 3, f'{before["fd"]} -> {after["fd"]}')
    check('gan: the samples cover >= 8 of 10 classes', after['classes_covered'] >= 8, str(after))
    again = fd_report(checkpoint(trained, GAN_STEPS))
    check('gan: genc eval is deterministic', again['fd'] == after['fd'], f'{after["fd"]} vs {again["fd"]}')


# --------------------------------------------------------------------------------- diffusion

MOONS_STEPS = 6000  # examples/diffusion_moons.gen's own


def case_diffusion(tmp):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import toy_curves
    shares = {}
    for steps in (0, MOONS_STEPS):
        out = os.path.join(tmp, f'run{steps}')
        genc_ok('run', example('diffusion_moons.gen'), '--steps', str(steps), '--device', 'cpu', '--out', out)
        for sampler in ('ddim', 'ancestral') if steps else ('ddim',):
            points = os.path.join(out, f'{sampler}.npy')
            override = ['--sampler', sampler] if sampler == 'ancestral' else []
            genc_ok('sample', checkpoint(out, steps), '-n', '2000', '-o', points, *override)
            shares[(steps, sampler)] = toy_curves.share_near_moons(toy_curves.read_npy_points(points))
    print(f'  share of 2000 samples within 0.15 of the moons: {shares}')
    check('diffusion: the untrained denoiser samples far from the moons (< 0.3)', shares[(0, 'ddim')] < 0.3, str(shares))
    for sampler in ('ddim', 'ancestral'):
        check(f'diffusion: after {MOONS_STEPS} steps >= 0.90 of the {sampler} samples lie near the moons',
              shares[(MOONS_STEPS, sampler)] >= 0.90, str(shares))
    trained = checkpoint(os.path.join(tmp, f'run{MOONS_STEPS}'), MOONS_STEPS)
    bad = os.path.join(tmp, 'bad.npy')
    for what, flags, mention in (('--sampler with more steps than the schedule', ['--sampler', 'ddim(steps: 5000)'],
                                  "at most the schedule's 1000 steps"),
                                 ('--guidance on a denoiser without a label', ['--guidance', '3'],
                                  "'eps' takes no label")):
        rc, out, err = genc('sample', trained, *flags, '-o', bad)
        check(f'diffusion: {what}: exit 1 with an error naming {mention!r}, nothing written',
              rc == 1 and 'error: ' in err and mention in err and not os.path.exists(bad), err[-2000:])
    conditional_case(tmp)


TINY_CDM = """use std.nn
data fashion = fashion_mnist(split: "train") |> scale(-1, 1)
model tiny_cdm(hidden: 64) {
  schedule s = cosine(steps: 100)
  denoiser eps(x: [1,28,28], t: time, y: label of 10) -> [1,28,28] {
    h = (flatten(x) |> linear(hidden)) + (sinusoidal(t, 32) |> linear(hidden)) + embed(y, hidden)
    return h |> silu |> linear(784) |> reshape([1,28,28])
  }
  objective denoise(predict: "eps", cfg_dropout: 0.2)
  sampler ddim(steps: 10, guidance: 3.0)
}
train tiny_cdm on fashion { batch 64  steps 100  log every 50 }
"""


def conditional_case(tmp):
    """A tiny class-conditional model trains with cfg_dropout and samples with guidance."""
    src = os.path.join(tmp, 'tiny_cdm.gen')
    with open(src, 'w') as f:
        f.write(TINY_CDM)
    plan = genc_ok('compile', src, '--emit', 'plan')
    check('cfg: the training step drops labels to the null class', 'drop_label %1 {p = 0.2}' in plan, plan[:2000])
    check('cfg: the sampler step mixes one batched call (repeat_batch, guidance_labels, guidance_mix)',
          all(op in plan for op in ('repeat_batch', 'guidance_labels', 'guidance_mix %')) and 'w = 3.0' in plan)
    summary = genc_ok('compile', src, '--emit', 'summary')
    check('cfg: the label embedding has 11 rows (10 classes and the null class)', '[11,64]' in summary, summary)
    out = os.path.join(tmp, 'cdm')
    genc_ok('run', src, '--device', 'cpu', '--out', out)
    losses = [m['loss'] for m in read_metrics(out) if m.get('split') == 'train']
    check('cfg: the denoising loss falls', losses[-1] < losses[0], str(losses))
    grids = {}
    for w in ('0', '1', '3'):
        grid = os.path.join(tmp, f'g{w}.png')
        genc_ok('sample', checkpoint(out, 100), '-n', '20', '--guidance', w, '-o', grid)
        check(f'cfg: genc sample --guidance {w} writes a 20-sample grid', png_size(grid) is not None)
        with open(grid, 'rb') as f:
            grids[w] = f.read()
    check('cfg: guidance 0, 1 and 3 give different samples', len(set(grids.values())) == 3)
    plain = os.path.join(tmp, 'no_cfg.gen')
    with open(plain, 'w') as f:
        f.write(TINY_CDM.replace(', cfg_dropout: 0.2', ''))
    rc, _, err = genc('compile', plain, '--emit', 'plan')
    check('cfg: guidance on a model trained without cfg_dropout is a located error',
          rc == 1 and 'no_cfg.gen:10:' in err and 'has no cfg_dropout' in err and '^' in err, err)
    dpm = os.path.join(tmp, 'dpm.png')
    genc_ok('sample', checkpoint(out, 100), '-n', '20', '--sampler', 'dpm_solver(steps: 5, guidance: 2)', '-o', dpm)
    check('cfg: --sampler dpm_solver(...) with guidance samples', png_size(dpm) is not None)
    expect_user_error('cfg: a --sampler that is no diffusion sampler', ['sample', checkpoint(out, 100), '--sampler',
                      'sample(top_k: 3)'], 'ancestral, ddim or dpm_solver')
    expect_user_error('cfg: an unknown --sampler option', ['sample', checkpoint(out, 100), '--sampler',
                      'ddim(stepz: 3)'], "no option 'stepz'")


# ------------------------------------------------------------------------------------ resume

def with_log_every_step(src, dst, train_header):
    with open(src) as f:
        text = f.read()
    assert train_header in text, train_header
    with open(dst, 'w') as f:
        f.write(text.replace(train_header, train_header + '\n  log every 1\n'))


def train_losses(out):
    """The train records without their wall-clock field (time_s)."""
    return [{k: v for k, v in m.items() if k != 'time_s'} for m in read_metrics(out) if m['split'] == 'train']


def resume_case(tmp, name, src, header, steps):
    gen = os.path.join(tmp, name + '.gen')
    with_log_every_step(src, gen, header)
    straight, split = os.path.join(tmp, name + '_straight'), os.path.join(tmp, name + '_split')
    common = ['--device', 'cpu', '--seed', '11']
    genc_ok('run', gen, '--steps', str(steps), '--out', straight, *common)
    genc_ok('run', gen, '--steps', str(steps // 2), '--out', split + '_before_move', *common)
    # A run folder may move (run.json keeps its checkpoint folder relative to it), and FILE
    # may be left out: the run continues with the checkpoint's copy of the source.
    shutil.move(split + '_before_move', split)
    genc_ok('run', '--resume', split, '--steps', str(steps))
    a, b = train_losses(straight), train_losses(split)
    check(f'resume {name}: {steps} records either way', len(a) == steps and len(b) == steps, f'{len(a)} {len(b)}')
    check(f'resume {name}: identical losses at every step', a == b,
          '\n'.join(f'{x}\n{y}' for x, y in zip(a, b) if x != y)[:2000])
    grids = []
    for out in (straight, split):
        grids.append(os.path.join(tmp, os.path.basename(out) + '.png'))
        genc_ok('sample', checkpoint(out, steps), '-o', grids[-1])
    with open(grids[0], 'rb') as f0, open(grids[1], 'rb') as f1:
        check(f'resume {name}: identical sample grids', f0.read() == f1.read())


def ctrl_c_case(tmp):
    """Ctrl-C (SIGINT) during training: the run stops after the current iteration with a
    checkpoint of that step, exit 130 and the resume hint; --resume then finishes the run."""
    out = os.path.join(tmp, 'ctrl_c')
    p = subprocess.Popen([GENC, 'run', example('vae_fashion.gen'), '--device', 'cpu', '--steps', '1000000', '--out', out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and not os.path.exists(os.path.join(out, 'metrics.jsonl')):
        time.sleep(0.2)
    time.sleep(2)  # well inside training
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=120)
    stdout = stdout.decode('utf-8', 'replace')
    m = re.search(r'genc: interrupted at step (\d+); resume with genc run --resume (\S+)', stdout)
    check('resume: Ctrl-C exits 130 with "interrupted at step N; resume with genc run --resume OUT"',
          p.returncode == 130 and m is not None and m.group(2) == out, f'rc={p.returncode}\n{stdout[-1500:]}{stderr[-800:]}')
    if not m:
        return
    step = int(m.group(1))
    check('resume: Ctrl-C wrote a checkpoint of the step it stopped at', os.path.exists(checkpoint(out, step)),
          str(files_under(out)))
    genc_ok('run', '--resume', out, '--steps', str(step + 20))
    steps = [r['step'] for r in read_metrics(out) if r['split'] == 'train']
    check('resume: --resume after Ctrl-C trains on to the requested step', steps and steps[-1] == step + 20, str(steps[-3:]))


def case_resume(tmp):
    resume_case(tmp, 'vae', example('vae_fashion.gen'), 'train vae on fashion {', 40)
    resume_case(tmp, 'dcgan', example('dcgan_fashion.gen'), 'train dcgan on fashion {', 12)
    ctrl_c_case(tmp)


# ------------------------------------------------------------------------------------ errors

def expect_user_error(what, args, must_mention, no_files_in=(), absent=(), cwd=None):
    rc, out, err = genc(*args, cwd=cwd)
    lines = [l for l in err.splitlines() if l.strip()]
    check(f'errors: {what}: exit 1', rc == 1, f'rc={rc}\nstdout:\n{out[-2000:]}\nstderr:\n{err[-2000:]}')
    check(f'errors: {what}: one "genc: error:" line naming {must_mention!r}',
          len(lines) == 1 and lines[0].startswith('genc: error: ') and must_mention in lines[0], err[-2000:])
    for d in no_files_in:
        left = files_under(d) if os.path.isdir(d) else []
        check(f'errors: {what}: no files left in {os.path.basename(d)}', not left, str(left))
    for p in absent:
        check(f'errors: {what}: {os.path.basename(p)} was not created', not os.path.exists(p))


def case_errors(tmp):
    with open(example('vae_fashion.gen')) as f:
        vae = f.read()

    # A data file that does not exist: reported at the `data` declaration (a diagnostic).
    missing = os.path.join(tmp, 'missing.gen')
    with open(missing, 'w') as f:
        f.write(vae.replace('fashion_mnist(split: "train")',
                            'idx(images: "no/such/train-images.gz", labels: "no/such/train-labels.gz")'))
    out = os.path.join(tmp, 'missing_out')
    rc, _, err = genc('run', missing, '--out', out, '--steps', '5')
    check('errors: missing data file: exit 1 naming the file, no output directory',
          rc == 1 and 'no/such/train-images.gz' in err and 'internal' not in err and not os.path.exists(out),
          err[-2000:])
    # A data file that exists but is not what it claims: found when the run reads it.
    garbage = os.path.join(tmp, 'garbage-images-idx3-ubyte')
    with open(garbage, 'wb') as f:
        f.write(random.Random(5).randbytes(1000))
    corrupt = os.path.join(tmp, 'corrupt.gen')
    with open(corrupt, 'w') as f:
        f.write(vae.replace('fashion_mnist(split: "train")', f'idx(images: "{os.path.basename(garbage)}")'))
    out = os.path.join(tmp, 'corrupt_out')
    expect_user_error('corrupt data file', ['run', corrupt, '--out', out, '--steps', '5'], garbage, absent=[out])

    # A loss that becomes NaN (lr 1e30): stops at once, and the run leaves nothing behind.
    nan = os.path.join(tmp, 'nan.gen')
    with open(nan, 'w') as f:
        f.write(vae.replace('adam(lr: 1e-3)', 'adam(lr: 1e30)'))
    out = os.path.join(tmp, 'nan_out')
    expect_user_error('NaN loss', ['run', nan, '--out', out, '--steps', '50', '--device', 'cpu'],
                      "the loss of step 'elbo' became", absent=[out])

    # The GPU asked for on a machine without one, and bf16 on the CPU: refused before training.
    out = os.path.join(tmp, 'cuda_out')
    if not os.path.exists('/dev/nvidia0'):
        expect_user_error('--device cuda without a GPU', ['run', example('vae_fashion.gen'), '--out', out,
                                                          '--steps', '5', '--device', 'cuda'],
                          'device cuda was asked for, but no CUDA GPU is available', absent=[out])
    bf16 = os.path.join(tmp, 'bf16.gen')
    with open(bf16, 'w') as f:
        f.write(vae.replace('  batch 128', '  batch 128  precision bf16'))
    expect_user_error('precision bf16 on the CPU', ['run', bf16, '--out', out, '--steps', '5', '--device', 'cpu'],
                      'precision bf16 is autocast on a CUDA GPU', absent=[out])

    # A model too big for memory (a 200000x200000 linear): refused before anything is allocated,
    # naming the largest tensor and its line, with nothing written.
    big = os.path.join(tmp, 'big.gen')
    with open(big, 'w') as f:
        f.write(vae.replace('h = x |> flatten |> linear(hidden) |> relu',
                            'h = x |> flatten |> linear(200000) |> relu |> linear(200000) |> relu |> linear(hidden)'))
    out = os.path.join(tmp, 'big_out')
    expect_user_error('a model too big for memory', ['run', big, '--out', out, '--steps', '5', '--device', 'cpu'],
                      'q.h.linear1.weight [200000,200000] (149.01 GiB, ' + big + ':', absent=[out])

    # An output directory that cannot be created (its parent is a file).
    blocker = os.path.join(tmp, 'a_file')
    with open(blocker, 'w') as f:
        f.write('not a directory\n')
    expect_user_error('unwritable output directory',
                      ['run', example('vae_fashion.gen'), '--out', os.path.join(blocker, 'out'), '--steps', '5'],
                      'a_file/out')
    if os.geteuid() != 0:  # root writes anywhere: only a non-root user can test permissions
        ro = os.path.join(tmp, 'read_only')
        os.mkdir(ro, 0o500)
        expect_user_error('read-only output directory',
                          ['run', example('vae_fashion.gen'), '--out', os.path.join(ro, 'out'), '--steps', '5'],
                          'read_only/out', no_files_in=[ro])

    # Compile errors are diagnostics (file:line:col), exit 1, and create no output directory.
    broken = os.path.join(tmp, 'broken.gen')
    with open(broken, 'w') as f:
        f.write(vae.replace('linear(784)', 'linear(783)'))
    out = os.path.join(tmp, 'broken_out')
    rc, _, err = genc('run', broken, '--out', out)
    check('errors: compile error: exit 1 with a located diagnostic',
          rc == 1 and 'broken.gen:' in err and 'error' in err and not os.path.exists(out), err[-2000:])

    # A real checkpoint to break.
    good_out = os.path.join(tmp, 'good')
    genc_ok('run', example('vae_fashion.gen'), '--steps', '3', '--device', 'cpu', '--out', good_out)
    good = checkpoint(good_out, 3)
    with open(good, 'rb') as f:
        data = f.read()
    broken_dir = os.path.join(tmp, 'broken_checkpoints')
    os.mkdir(broken_dir)
    bad = {}
    bad['truncated'] = data[:len(data) // 2]
    bad['random bytes'] = random.Random(7).randbytes(4096)
    bad['empty'] = b''
    zpath = os.path.join(broken_dir, 'zip.pt')
    with zipfile.ZipFile(zpath, 'w') as z:
        z.writestr('archive/data.pkl', b'not a tensor')
        z.writestr('archive/version', b'3\n')
    with open(zpath, 'rb') as f:
        bad['foreign zip'] = f.read()
    torch_py = '/usr/bin/python3'
    tpath = os.path.join(broken_dir, 'torch.pt')
    if subprocess.run([torch_py, '-c', f'import torch; torch.save({{"w": torch.ones(3)}}, {tpath!r})'],
                      capture_output=True).returncode == 0:
        with open(tpath, 'rb') as f:
            bad['foreign torch archive'] = f.read()
    for what, content in bad.items():
        path = os.path.join(broken_dir, what.replace(' ', '_') + '.pt')
        with open(path, 'wb') as f:
            f.write(content)
        grid = os.path.join(tmp, 'never.png')
        expect_user_error(f'sample of a {what} checkpoint', ['sample', path, '-o', grid], path, absent=[grid])
        expect_user_error(f'eval of a {what} checkpoint', ['eval', path], path)
    # --resume from a run whose latest checkpoint is truncated: nothing changes in OUT.
    with open(checkpoint(good_out, 5), 'wb') as f:
        f.write(bad['truncated'])
    before = {p: os.path.getmtime(p) for p in files_under(good_out)}
    expect_user_error('resume from a truncated checkpoint', ['run', '--resume', good_out, '--steps', '8'],
                      checkpoint(good_out, 5))
    check('errors: a failed resume leaves OUT as it was',
          {p: os.path.getmtime(p) for p in files_under(good_out)} == before)
    expect_user_error('missing checkpoint', ['sample', os.path.join(tmp, 'nope.pt')], 'nope.pt')


# ------------------------------------------------------------------------------ data paths

RELATIVE_CSV_VAE = '''
data pts = csv(path: "pts.csv")
model tiny(latent: 2, hidden: 8) {
  encoder q(x: [4]) -> gaussian {
    h = x |> linear(hidden) |> relu
    return gaussian(mean: linear(h, latent), logvar: linear(h, latent))
  }
  decoder p(z: [latent]) -> bernoulli {
    return bernoulli(logits: z |> linear(hidden) |> relu |> linear(4))
  }
  objective elbo(beta: 1.0)
}
train tiny on pts { batch 8  optimizer adam(lr: 1e-3)  steps 3 }
'''


def case_paths(tmp):
    """A relative data path names a file next to the .gen, whatever the working directory."""
    sub = os.path.join(tmp, 'models')
    os.mkdir(sub)
    with open(os.path.join(sub, 'tiny.gen'), 'w') as f:
        f.write(RELATIVE_CSV_VAE)
    rng = random.Random(3)
    with open(os.path.join(sub, 'pts.csv'), 'w') as f:
        for _ in range(32):
            f.write(','.join(f'{rng.random():.3f}' for _ in range(4)) + '\n')
    rc, out, err = genc('run', os.path.join('models', 'tiny.gen'), '--device', 'cpu', '--out', 'run', cwd=tmp)
    check('paths: run models/tiny.gen from its parent folder reads models/pts.csv', rc == 0, err[-2000:])
    check('paths: the run wrote its checkpoint under the working directory',
          os.path.exists(os.path.join(tmp, 'run', 'checkpoints', 'step_00000003.pt')),
          str(files_under(os.path.join(tmp, 'run'))))
    rc, out, err = genc('eval', os.path.join('..', 'run', 'checkpoints', 'step_00000003.pt'), cwd=sub)
    check('paths: genc eval from another folder finds the data through the checkpoint', rc == 0, err[-2000:])


def case_glow(tmp):
    rc, out, err = genc('check', '--verify', example('glow_fashion.gen'))
    print(out.splitlines()[-1] if out else err)
    check('glow: --verify passes every step of the example (factor_out, conv couplings)',
          rc == 0 and re.search(r'checked 29 invertible steps, 0 failed', out) is not None, out + err)
    check('glow: --verify checks factor_out', "'factor_out'" in out, out)
    src = os.path.join(tmp, 'glow.gen')
    with open(example('glow_fashion.gen')) as f:
        text = f.read()
    for old, new in [('steps 1000', 'steps 40'), ('eval on fashion_test every 1000 steps', 'eval on fashion_test every 20 steps'),
                     ('sample 64 every 1000 steps', 'sample 16 every 40 steps')]:
        assert old in text, old
        text = text.replace(old, new)
    with open(src, 'w') as f:
        f.write(text)
    out_dir = os.path.join(tmp, 'glow')
    genc_ok('run', src, '--device', 'cpu', '--out', out_dir, '--set', 'glow.depth=1', '--set', 'glow.hidden=8')
    rows = read_metrics(out_dir)
    tests = [m for m in rows if m['split'] == 'test']
    print(f'  test records: {tests}')
    check('glow: a test record at steps 20 and 40', [m['step'] for m in tests] == [20, 40], str(tests))
    bpd = [m.get('bpd', float('nan')) for m in tests]
    check('glow: test bits/dim finite', len(bpd) == 2 and all(b == b and abs(b) < 1e6 for b in bpd), str(bpd))
    check('glow: test bits/dim falls from step 20 to 40', len(bpd) == 2 and bpd[1] < bpd[0], str(bpd))
    check('glow: bpd = nll / (784 ln 2)',
          all(abs(m['bpd'] - m['nll'] / (784 * 0.6931471805599453)) < 1e-4 for m in tests), str(tests))
    grid = os.path.join(out_dir, 'samples', 'step_00000040.png')
    check('glow: `sample 16 every` writes a PNG grid', os.path.exists(grid) and png_size(grid) is not None,
          str(files_under(out_dir)))
    png = os.path.join(tmp, 'grid.png')
    genc_ok('sample', checkpoint(out_dir, 40), '-n', '16', '-o', png)
    check('glow: genc sample writes a PNG grid', png_size(png) is not None)


CASES = {'vae': case_vae, 'gan': case_gan, 'flow': case_flow, 'verify': case_verify, 'diffusion': case_diffusion,
         'gpt': case_gpt, 'text_errors': case_text_errors, 'resume': case_resume, 'errors': case_errors, 'paths': case_paths,
         'glow': case_glow}


def main():
    global GENC, ROOT, genc, genc_ok
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--genc', required=True)
    ap.add_argument('--root', required=True, help='repository root (examples/ under it)')
    ap.add_argument('--keep', action='store_true', help='keep the temporary directory')
    ap.add_argument('case', choices=sorted(CASES))
    opts = ap.parse_args()
    GENC, ROOT = os.path.abspath(opts.genc), os.path.abspath(opts.root)
    genc = GencRunner(GENC, timeout=900)
    genc_ok = genc.ok
    tmp = tempfile.mkdtemp(prefix=f'genc-e2e-{opts.case}-')
    t0 = time.time()
    try:
        CASES[opts.case](tmp)
    except AssertionError as e:
        FAILURES.append(str(e))
    finally:
        if opts.keep or FAILURES:
            print(f'kept {tmp}')
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f'{opts.case}: {time.time() - t0:.0f}s, {len(FAILURES)} failure(s)')
    for f in FAILURES:
        print('FAILED: ' + f, file=sys.stderr)
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
