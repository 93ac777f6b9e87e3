#!/usr/bin/env python3
"""End-to-end test of `genc export`: Python (Debian's python3-torch) loads the TorchScript
module of a trained VAE's decoder and a trained DCGAN's generator with torch.jit.load, feeds
it the noise genc's sampler draws for a seed (torch.randn from a CPU generator seeded with
it: the same stream LibTorch's at::randn gives genc) and gets the images of `genc sample
--seed` (its PNG grid, transforms undone, to within one grey level of 255). The VAE's
module also has encode(x): the ELBO Python computes with encode and forward on the 10000
test images (one sample of z each, as genc's) is `genc eval`'s to within 1 nat. A
diffusion model's sampler, a loop, is one user error.

  export_test.py --genc build/tools/genc/genc --python /usr/bin/python3
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, exit_status  # noqa: E402
from png_pixels import read_png  # noqa: E402

VAE = """use std.nn
data fashion = fashion_mnist(split: "train")
data fashion_test = fashion_mnist(split: "test")
model vae(latent: 8, hidden: 64) {
  encoder q(x: [1,28,28]) -> gaussian {
    h = x |> flatten |> linear(hidden) |> relu
    return gaussian(mean: linear(h, latent), logvar: linear(h, latent))
  }
  decoder p(z: [latent]) -> bernoulli {
    return bernoulli(logits: z |> linear(hidden) |> relu |> linear(784) |> reshape([1,28,28]))
  }
  objective elbo
}
train vae on fashion { batch 64  optimizer adam(lr: 1e-3)  steps 150 }
"""
DCGAN = """use std.nn
data fashion = fashion_mnist(split: "train") |> scale(-1, 1)
model dcgan(nz: 16, ch: 8) {
  generator G(z: [nz]) -> [1,28,28] {
    h = z |> linear(ch*2*7*7) |> reshape([ch*2,7,7]) |> batchnorm |> relu
    h = h |> upconv(ch, k: 4, s: 2, p: 1) |> batchnorm |> relu
    return h |> upconv(1, k: 4, s: 2, p: 1) |> tanh
  }
  discriminator D(x: [1,28,28]) -> [1] {
    h = x |> conv(ch, k: 4, s: 2, p: 1) |> leaky_relu(0.2)
    return h |> flatten |> linear(1)
  }
  objective gan(loss: "nonsaturating")
}
train dcgan on fashion { batch 32  optimizer adam(lr: 2e-4, betas: [0.5, 0.999])  steps 100 }
"""

# Python side: the module's images for genc's noise, as [0,255] grey levels of each image.
PY = r"""
import json, sys, torch
path, n, seed, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
m = torch.jit.load(path)
z = torch.randn([n] + list(m.noise_shape()), generator=torch.Generator().manual_seed(seed))
with torch.no_grad():
    x = m(z)
x = (x - lo) / (hi - lo)
print(json.dumps({'shape': list(x.shape), 'levels': (x * 255).flatten().tolist()}))
"""

# Python side: the test ELBO through the module's encode and forward (bernoulli decoder).
PY_ELBO = r"""
import gzip, sys, torch
m = torch.jit.load(sys.argv[1])
raw = gzip.open(sys.argv[2]).read()[16:]
x = torch.frombuffer(bytearray(raw), dtype=torch.uint8).float().div(255).reshape(-1, 1, 28, 28)
torch.manual_seed(0)
total = 0.0
with torch.no_grad():
    for batch in x.split(1000):
        mean, logvar = m.encode(batch)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        p = m(z).clamp(1e-7, 1 - 1e-7)
        recon = (batch * p.log() + (1 - batch) * (1 - p).log()).flatten(1).sum(1)
        kl = -0.5 * (1 + logvar - mean ** 2 - logvar.exp()).sum(1)
        total += (recon - kl).sum().item()
print(total / x.shape[0])
"""
FASHION_TEST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz'  # dataset-fashion-mnist


def genc(*args):
    p = subprocess.run([GENC, *args], capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def genc_ok(*args):
    rc, out, err = genc(*args)
    if rc != 0:
        raise AssertionError(f'genc {" ".join(args)} exited {rc}\n{err[-3000:]}')
    return out


def grid_levels(png, n, size=28, pad=2):
    """Each image of genc's PNG grid (ceil(sqrt(n)) per row, `pad` px between) as grey levels."""
    w, _, channels, rows = read_png(png)
    cols = math.ceil(math.sqrt(n))
    images = []
    for i in range(n):
        top, left = pad + (i // cols) * (size + pad), pad + (i % cols) * (size + pad)
        images.append([rows[top + r][(left + c) * channels] for r in range(size) for c in range(size)])
    return images


def check_model(name, source, tmp, lo, hi, n=16, seed=5):
    src = os.path.join(tmp, name + '.gen')
    with open(src, 'w') as f:
        f.write(source)
    out = os.path.join(tmp, name)
    genc_ok('run', src, '--device', 'cpu', '--out', out)
    ck = sorted(os.listdir(os.path.join(out, 'checkpoints')))[-1]
    ck = os.path.join(out, 'checkpoints', ck)
    pt = os.path.join(tmp, name + '.pt')
    print(genc_ok('export', ck, '-o', pt).strip())
    grid = os.path.join(tmp, name + '.png')
    genc_ok('sample', ck, '-n', str(n), '--seed', str(seed), '-o', grid)
    p = subprocess.run([PYTHON, '-c', PY, pt, str(n), str(seed), str(lo), str(hi)], capture_output=True, text=True,
                       timeout=300)
    if not check(f'{name}: python loads the module with torch.jit.load and calls it', p.returncode == 0, p.stderr[-3000:]):
        return
    import json
    result = json.loads(p.stdout)
    check(f'{name}: it returns {n} images [1,28,28]', result['shape'] == [n, 1, 28, 28], str(result['shape']))
    levels = result['levels']
    genc_images = grid_levels(grid, n)
    worst = 0.0
    for i, image in enumerate(genc_images):
        for k, g in enumerate(image):
            v = min(max(levels[i * 784 + k], 0.0), 255.0)
            worst = max(worst, abs(v - g))
    print(f'  {name}: largest difference to genc sample --seed {seed}: {worst:.3f} grey levels')
    check(f'{name}: its samples for genc\'s noise are genc\'s samples (within 1 grey level)', worst <= 1.0, str(worst))
    spread = max(levels) - min(levels)
    check(f'{name}: the samples are not constant', spread > 20, str(spread))
    return ck, pt


def check_encoder(ck, pt):
    import json
    rep = json.loads(genc_ok('eval', ck, '--data', 'fashion_test', '--iw', '0', '--json').strip().splitlines()[-1])
    p = subprocess.run([PYTHON, '-c', PY_ELBO, pt, FASHION_TEST], capture_output=True, text=True, timeout=600)
    if not check('vae: python calls encode(x)', p.returncode == 0, p.stderr[-3000:]):
        return
    elbo = float(p.stdout.strip())
    print(f'  vae: test ELBO through encode + forward in Python {elbo:.2f}, genc eval {rep["elbo"]:.2f} nats')
    check('vae: the exported encoder and decoder give genc eval\'s test ELBO (within 1 nat)',
          abs(elbo - rep['elbo']) < 1.0, f'{elbo} vs {rep}')


def main():
    global GENC, PYTHON
    ap = argparse.ArgumentParser()
    ap.add_argument('--genc', required=True)
    ap.add_argument('--python', default='/usr/bin/python3')
    args = ap.parse_args()
    GENC, PYTHON = os.path.abspath(args.genc), args.python
    tmp = tempfile.mkdtemp(prefix='genc-export-')
    try:
        vae = check_model('vae', VAE, tmp, 0.0, 1.0)
        if vae:
            check_encoder(*vae)
        check_model('dcgan', DCGAN, tmp, -1.0, 1.0)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        out = os.path.join(tmp, 'diffusion')
        genc_ok('run', os.path.join(root, 'examples', 'diffusion_moons.gen'), '--steps', '0', '--device', 'cpu',
                '--out', out)
        ck = os.path.join(out, 'checkpoints', 'step_00000000.pt')
        pt = os.path.join(tmp, 'diffusion.pt')
        rc, _, err = genc('export', ck, '-o', pt)
        check('a loop sampler (diffusion): exit 1, one genc: error line saying why, no file',
              rc == 1 and err.startswith('genc: error: cannot export') and 'loop' in err and not os.path.exists(pt), err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return exit_status()


if __name__ == '__main__':
    sys.exit(main())
