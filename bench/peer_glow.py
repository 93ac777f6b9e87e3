#!/usr/bin/python3
"""Benchmark peer of examples/glow_fashion.gen in PyTorch eager: the same multi-scale Glow-style
flow on Fashion-MNIST [1,28,28] (pixels k/255): dequantize (y = (255 x + u) / 256, u ~ U(0,1),
logdet -D log 256), logit (alpha 0.05), squeeze to [4,14,14], `depth` steps of actnorm
(data-dependent initialisation on the first batch), invertible 1x1 convolution (a random
rotation) and affine coupling on the channel halves (net: 3x3 conv(hidden), ReLU, 1x1
conv(hidden), ReLU, zero-initialised 3x3 conv giving log-scale and shift channels; scale
sigmoid(s + 2) as Glow), factor_out of half the channels to N(0, I), squeeze to [8,7,7], `depth`
steps again, N(0, I) prior. Batches of 64 reshuffled each epoch (last partial batch dropped),
Adam(lr 1e-3), a step budget, then the test bits/dim on the 10000 test images. On CUDA the
images are resident on the GPU (as genc keeps them) and the timing synchronises with it.

  /usr/bin/python3 bench/peer_glow.py [--steps 1000] [--threads N] [--seed 0] [--depth 4] [--hidden 32]
                                      [--device cpu|cuda]

Prints one line: RESULT test_bpd=... steps_per_s=... (timed from step 100 to the last, as
bench/flow_bench.sh times genc).
"""
import argparse
import gzip
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION = os.environ.get("GENC_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")  # as genc reads it


def images(split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(f"{FASHION}/{prefix}-images-idx3-ubyte.gz") as f:
        raw = bytearray(f.read())[16:]
    return torch.frombuffer(raw, dtype=torch.uint8).view(-1, 1, 28, 28).float() / 255.0


def squeeze(x):
    b, c, h, w = x.shape
    return x.view(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2)


class ActNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.loc, self.logscale = nn.Parameter(torch.zeros(c)), nn.Parameter(torch.zeros(c))
        self.initialized = False

    def forward(self, x):
        if not self.initialized:
            with torch.no_grad():
                per = x.transpose(0, 1).reshape(x.shape[1], -1)
                self.loc.copy_(-per.mean(1))
                self.logscale.copy_(-(per.std(1, unbiased=False) + 1e-6).log())
            self.initialized = True
        hw = x.shape[2] * x.shape[3]
        y = (x + self.loc.view(1, -1, 1, 1)) * self.logscale.exp().view(1, -1, 1, 1)
        return y, (self.logscale.sum() * hw).expand(x.shape[0])


class InvConv(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.linalg.qr(torch.randn(c, c))[0].contiguous())

    def forward(self, x):
        hw = x.shape[2] * x.shape[3]
        y = F.conv2d(x, self.weight.unsqueeze(-1).unsqueeze(-1))
        return y, (torch.slogdet(self.weight)[1] * hw).expand(x.shape[0])


class Coupling(nn.Module):
    """Channel mask: cond = channels 0..ceil(C/2)-1, rest the others."""

    def __init__(self, c, hidden):
        super().__init__()
        self.cond = c - c // 2
        self.rest = c // 2
        head = nn.Conv2d(hidden, 2 * self.rest, 3, padding=1)
        nn.init.zeros_(head.weight)
        nn.init.zeros_(head.bias)
        self.net = nn.Sequential(nn.Conv2d(self.cond, hidden, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(hidden, hidden, 1), nn.ReLU(), head)

    def forward(self, x):
        xa, xb = x[:, :self.cond], x[:, self.cond:]
        o = self.net(xa)
        log_scale = F.logsigmoid(o[:, :self.rest] + 2.0)
        yb = xb * log_scale.exp() + o[:, self.rest:]
        return torch.cat([xa, yb], 1), log_scale.flatten(1).sum(1)


def log_normal(z):
    z = z.flatten(1)
    return -0.5 * (z * z).sum(1) - z.shape[1] * 0.5 * math.log(2 * math.pi)


class Glow(nn.Module):
    def __init__(self, depth, hidden, alpha=0.05):
        super().__init__()
        self.alpha = alpha
        self.level1 = nn.ModuleList()
        self.level2 = nn.ModuleList()
        for level, c in ((self.level1, 4), (self.level2, 8)):
            for _ in range(depth):
                level.extend([ActNorm(c), InvConv(c), Coupling(c, hidden)])

    def nll(self, x):
        d = x[0].numel()
        y = (x * 255.0 + torch.rand_like(x)) / 256.0
        logdet = torch.full((x.shape[0],), -d * math.log(256.0), device=x.device)
        p = self.alpha + (1 - 2 * self.alpha) * y
        y = p.log() - (1 - p).log()
        logdet = logdet + (math.log(1 - 2 * self.alpha) - p.log() - (1 - p).log()).flatten(1).sum(1)
        y = squeeze(y)
        for step in self.level1:
            y, ld = step(y)
            logdet = logdet + ld
        half = y.shape[1] // 2
        log_pz = log_normal(y[:, half:])
        y = squeeze(y[:, :half])
        for step in self.level2:
            y, ld = step(y)
            logdet = logdet + ld
        return -(log_pz + log_normal(y) + logdet)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    device = torch.device(a.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train, test = images("train").to(device), images("test").to(device)
    model = Glow(a.depth, a.hidden).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    per_epoch = train.shape[0] // a.batch
    gen = torch.Generator().manual_seed(a.seed)
    start = None
    for step in range(1, a.steps + 1):
        i = (step - 1) % per_epoch
        if i == 0:
            order = torch.randperm(train.shape[0], generator=gen).to(device)
        x = train.index_select(0, order[i * a.batch:(i + 1) * a.batch])
        loss = model.nll(x).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step == 100:
            sync()
            start = time.perf_counter()
    sync()
    elapsed = time.perf_counter() - start
    with torch.no_grad():
        nll = torch.cat([model.nll(test[k:k + 500]) for k in range(0, test.shape[0], 500)]).mean().item()
    bpd = nll / (test[0].numel() * math.log(2.0))
    print(f"RESULT test_bpd={bpd:.4f} steps_per_s={(a.steps - 100) / elapsed:.1f}")


if __name__ == "__main__":
    main()
