#!/usr/bin/python3
"""Benchmark peer of examples/realnvp_moons.gen in PyTorch eager: the same RealNVP (8 affine
couplings on alternating halves of [2], each net an MLP 128-128 with ReLU and a zero-initialised
output layer giving log-scale and shift, each followed by an actnorm with data-dependent
initialisation on the first batch), the same data (two moons, n 20000, noise 0.05, batches of
256 reshuffled each epoch, last partial batch dropped), Adam(lr 1e-3), 3000 steps, and the
test NLL on 2000 test points of another random stream.

  /usr/bin/python3 bench/peer_realnvp.py [--steps 3000] [--threads N] [--seed 0]

Prints one line: RESULT test_nll=... steps_per_s=... (timed from step 100 to the last, as
bench/flow_bench.sh times genc).
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn as nn


def moons(n, noise, rng):
    t = math.pi * rng.uniform(size=n)
    a, b = np.cos(t), np.sin(t)
    odd = np.arange(n) % 2 == 1
    a[odd], b[odd] = 1.0 - a[odd], 0.5 - b[odd]
    x = np.stack([a, b], 1) + noise * rng.normal(size=(n, 2))
    return torch.from_numpy(x.astype(np.float32))


class Coupling(nn.Module):
    """y_rest = x_rest * exp(s) + t with (s, t) = net(x_cond); cond is feature `cond`."""

    def __init__(self, cond, hidden):
        super().__init__()
        self.cond, self.rest = cond, 1 - cond
        out = nn.Linear(hidden, 2)
        nn.init.zeros_(out.weight)
        nn.init.zeros_(out.bias)
        self.net = nn.Sequential(nn.Linear(1, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), out)

    def forward(self, x):
        o = self.net(x[:, self.cond:self.cond + 1])
        s, t = o[:, :1], o[:, 1:]
        y_rest = x[:, self.rest:self.rest + 1] * s.exp() + t
        y = torch.cat([x[:, :1], y_rest], 1) if self.cond == 0 else torch.cat([y_rest, x[:, 1:]], 1)
        return y, s.sum(1)


class ActNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.loc, self.logscale = nn.Parameter(torch.zeros(d)), nn.Parameter(torch.zeros(d))
        self.initialized = False

    def forward(self, x):
        if not self.initialized:
            with torch.no_grad():
                self.loc.copy_(-x.mean(0))
                self.logscale.copy_(-(x.std(0, unbiased=False) + 1e-6).log())
            self.initialized = True
        return (x + self.loc) * self.logscale.exp(), self.logscale.sum().expand(x.shape[0])


class RealNvp(nn.Module):
    def __init__(self, layers=8, hidden=128):
        super().__init__()
        self.steps = nn.ModuleList()
        for i in range(layers):
            self.steps.append(Coupling(0 if i % 2 == 0 else 1, hidden))
            self.steps.append(ActNorm(2))

    def nll(self, x):
        logdet = torch.zeros(x.shape[0])
        for step in self.steps:
            x, ld = step(x)
            logdet = logdet + ld
        log_pz = -0.5 * (x * x).sum(1) - x.shape[1] * 0.5 * math.log(2 * math.pi)
        return -(log_pz + logdet)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    train, test = moons(20000, 0.05, rng), moons(2000, 0.05, rng)
    model = RealNvp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch, per_epoch = 256, 20000 // 256
    gen = torch.Generator().manual_seed(a.seed)
    start = None
    for step in range(1, a.steps + 1):
        i = (step - 1) % per_epoch
        if i == 0:
            order = torch.randperm(train.shape[0], generator=gen)
        x = train.index_select(0, order[i * batch:(i + 1) * batch])
        loss = model.nll(x).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step == 100:
            start = time.perf_counter()
    elapsed = time.perf_counter() - start
    with torch.no_grad():
        test_nll = model.nll(test).mean().item()
    print(f"RESULT test_nll={test_nll:.4f} steps_per_s={(a.steps - 100) / elapsed:.1f}")


if __name__ == "__main__":
    main()
