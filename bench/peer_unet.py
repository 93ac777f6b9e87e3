#!/usr/bin/python3
"""The PyTorch peer of examples/ddpm_fashion.gen's training step: the UNet of std.unet
(ch 32, mults [1, 2, 2]: sinusoidal time embedding -> MLP, time_resblocks of GroupNorm(8),
SiLU and 3x3 convs with the embedding added per channel and a 1x1 shortcut, stride-2 conv
down, upconv up, skips concatenated), eps prediction on the cosine schedule (T 1000, s 0.008)
with the same per-example t ~ U{0..T-1} and MSE, Adam 2e-4 and an EMA of 0.999 per step.
Batches are random images in [-1, 1] of Fashion-MNIST's shape: the step's cost does not
depend on the pixels.

  /usr/bin/python3 bench/peer_unet.py [--steps 30] [--warmup 3] [--batch 128] [--ch 32] [--threads N]
Prints one JSON line: {"steps", "train_s", "steps_per_s"} (after `warmup` untimed steps).
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class TimeResblock(nn.Module):
    def __init__(self, cin, out, temb, groups=8):
        super().__init__()
        self.n1, self.c1 = nn.GroupNorm(groups, cin), nn.Conv2d(cin, out, 3, padding=1)
        self.t = nn.Linear(temb, out)
        self.n2, self.c2 = nn.GroupNorm(groups, out), nn.Conv2d(out, out, 3, padding=1)
        self.skip = nn.Conv2d(cin, out, 1)

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.t(F.silu(temb))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return h + self.skip(x)


class Level(nn.Module):
    """unet_level of std.unet: a time_resblock, then down, the deeper levels, up, skip, resblock."""

    def __init__(self, cin, ch, mults, i, temb):
        super().__init__()
        c = ch * mults[i]
        self.first = TimeResblock(cin, c, temb)
        self.last = i + 1 == len(mults)
        if self.last:
            self.second = TimeResblock(c, c, temb)
        else:
            self.down = nn.Conv2d(c, c, 4, stride=2, padding=1)
            self.inner = Level(c, ch, mults, i + 1, temb)
            inner_c = ch * mults[-1]
            self.up = nn.ConvTranspose2d(inner_c, c, 4, stride=2, padding=1)
            self.merge = TimeResblock(2 * c, c, temb)

    def forward(self, h, temb):
        h = self.first(h, temb)
        if self.last:
            return self.second(h, temb)
        skip = h
        h = self.up(self.inner(self.down(h), temb))
        return self.merge(torch.cat([h, skip], 1), temb)


class Unet(nn.Module):
    def __init__(self, ch=32, mults=(1, 2, 2), channels=1):
        super().__init__()
        self.ch = ch
        self.temb = nn.Sequential(nn.Linear(ch, 4 * ch), nn.SiLU(), nn.Linear(4 * ch, 4 * ch))
        self.inp = nn.Conv2d(channels, ch, 3, padding=1)
        self.levels = Level(ch, ch, list(mults), 0, 4 * ch)
        self.norm, self.out = nn.GroupNorm(8, ch), nn.Conv2d(ch, channels, 3, padding=1)

    def forward(self, x, t):
        half = self.ch // 2
        freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(10000.0) / half))
        a = t.float()[:, None] * freqs[None]
        temb = self.temb(torch.cat([a.sin(), a.cos()], 1))
        h = self.levels(self.inp(x), temb)
        return self.out(F.silu(self.norm(h)))


def cosine_alpha_bar(steps, s=0.008):
    f = lambda u: math.cos((u + s) / (1 + s) * math.pi / 2) ** 2
    ab, prod, prev = [], 1.0, 1.0
    for t in range(steps):
        a = f((t + 1) / steps) / f(0.0)
        prod *= 1.0 - min(1.0 - a / prev, 0.999)
        ab.append(prod)
        prev = a
    return torch.tensor(ab, dtype=torch.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--ch', type=int, default=32)
    ap.add_argument('--threads', type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = Unet(args.ch)
    opt = torch.optim.Adam(net.parameters(), lr=2e-4)
    ema = [p.detach().clone() for p in net.parameters()]
    ab = cosine_alpha_bar(1000)

    def step():
        x0 = torch.rand(args.batch, 1, 28, 28) * 2 - 1
        t = torch.randint(0, 1000, (args.batch,))
        eps = torch.randn_like(x0)
        a = ab[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        loss = F.mse_loss(net(xt, t), eps)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for e, p in zip(ema, net.parameters()):
                e.mul_(0.999).add_(p, alpha=0.001)

    for _ in range(args.warmup):
        step()
    start = time.time()
    for _ in range(args.steps):
        step()
    train_s = time.time() - start
    print(json.dumps({'steps': args.steps, 'train_s': train_s, 'steps_per_s': args.steps / train_s}))


if __name__ == '__main__':
    main()
