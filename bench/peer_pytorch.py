#!/usr/bin/python3
"""Benchmark peer: the VAE and DCGAN of the "runtime" benchmark in PyTorch eager, with the
same settings as bench/peer_vae.cpp and bench/peer_dcgan.cpp (same models, batch sizes,
optimizers, data, per-epoch shuffled index_select batching), and the DDPM of
examples/ddpm_fashion.gen (the UNet of stdlib/unet.gen, its training step and EMA). Prints steps/s.

Run with Debian's interpreter, which has torch: /usr/bin/python3 bench/peer_pytorch.py --model vae
"""
import argparse
import gzip
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def fashion_mnist_train(data_dir):
    """x float32 [60000,1,28,28] in [0,1] (labels are not needed here)."""
    with gzip.open(os.path.join(data_dir, "train-images-idx3-ubyte.gz"), "rb") as f:
        raw = f.read()
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16)
    return torch.from_numpy(pixels.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)


class Batches:
    """Endless shuffled batches, a fresh permutation per epoch, last partial batch dropped."""

    def __init__(self, x, batch, seed):
        self.x, self.batch = x, batch
        self.per_epoch = x.shape[0] // batch
        self.gen = torch.Generator().manual_seed(seed)
        self.i = self.per_epoch

    def next(self):
        if self.i == self.per_epoch:
            self.order, self.i = torch.randperm(self.x.shape[0], generator=self.gen), 0
        idx = self.order[self.i * self.batch:(self.i + 1) * self.batch]
        self.i += 1
        return self.x.index_select(0, idx)


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc, self.mean, self.logvar = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.dec1, self.dec2 = nn.Linear(20, 400), nn.Linear(400, 784)

    def loss(self, images):
        x = images.flatten(1)
        h = F.relu(self.enc(x))
        mu, lv = self.mean(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * lv)
        logits = self.dec2(F.relu(self.dec1(z)))
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = -0.5 * torch.sum(1 + lv - mu.pow(2) - lv.exp())
        return (nll + kl) / x.shape[0]


NZ, CH = 100, 64


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.bn0 = nn.Linear(NZ, CH * 2 * 7 * 7), nn.BatchNorm2d(CH * 2)
        self.up1, self.bn1 = nn.ConvTranspose2d(CH * 2, CH, 4, 2, 1), nn.BatchNorm2d(CH)
        self.up2 = nn.ConvTranspose2d(CH, 1, 4, 2, 1)

    def forward(self, z):
        h = F.relu(self.bn0(self.fc(z).view(-1, CH * 2, 7, 7)))
        h = F.relu(self.bn1(self.up1(h)))
        return torch.tanh(self.up2(h))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, CH, 4, 2, 1), nn.Conv2d(CH, CH * 2, 4, 2, 1)
        self.bn, self.fc = nn.BatchNorm2d(CH * 2), nn.Linear(CH * 2 * 7 * 7, 1)

    def forward(self, x):
        h = F.leaky_relu(self.conv1(x), 0.2)
        h = F.leaky_relu(self.bn(self.conv2(h)), 0.2)
        return self.fc(h.flatten(1))


def sinusoidal(t, dim):
    """genc's sinusoidal kernel: [sin(t w_i), cos(t w_i)], w_i = 10000^(-i / (dim/2)), integer t."""
    half = dim // 2
    w = torch.exp(torch.arange(half, device=t.device, dtype=torch.float32) * (-math.log(10000.0) / half))
    a = t.float()[:, None] * w[None]
    return torch.cat([a.sin(), a.cos()], 1)


class TimeResBlock(nn.Module):
    """stdlib/unet.gen time_resblock: GroupNorm, SiLU, 3x3 conv twice, the projected time
    embedding added in between, a 1x1 conv shortcut."""

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


class UnetLevel(nn.Module):
    """stdlib/unet.gen unet_level i and the levels below it."""

    def __init__(self, cin, ch, mults, i, temb):
        super().__init__()
        c = ch * mults[i]
        self.first = TimeResBlock(cin, c, temb)
        self.last_level = i + 1 == len(mults)
        if self.last_level:
            self.second = TimeResBlock(c, c, temb)
        else:
            self.down = nn.Conv2d(c, c, 4, 2, 1)
            self.inner = UnetLevel(c, ch, mults, i + 1, temb)
            self.up = nn.ConvTranspose2d(ch * mults[i + 1], c, 4, 2, 1)
            self.second = TimeResBlock(2 * c, c, temb)

    def forward(self, h, temb):
        h = self.first(h, temb)
        if self.last_level:
            return self.second(h, temb)
        skip = h
        h = self.up(self.inner(self.down(h), temb))
        return self.second(torch.cat([h, skip], 1), temb)


class Unet(nn.Module):
    """stdlib/unet.gen unet(x, t, ch, mults) as examples/ddpm_fashion.gen uses it."""

    def __init__(self, ch=32, mults=(1, 2, 2), channels=1):
        super().__init__()
        self.ch = ch
        self.temb = nn.Sequential(nn.Linear(ch, 4 * ch), nn.SiLU(), nn.Linear(4 * ch, 4 * ch))
        self.inp = nn.Conv2d(channels, ch, 3, padding=1)
        self.level = UnetLevel(ch, ch, list(mults), 0, 4 * ch)
        self.norm, self.out = nn.GroupNorm(8, ch), nn.Conv2d(ch, channels, 3, padding=1)

    def forward(self, x, t):
        temb = self.temb(sinusoidal(t, self.ch))
        h = self.level(self.inp(x), temb)
        return self.out(F.silu(self.norm(h)))


def cosine_alpha_bar(steps, s=0.008):
    """The cosine schedule's alpha_bar_t, t = 0..steps-1 (betas clipped at 0.999), float32."""
    f = [math.cos((i / steps + s) / (1 + s) * math.pi / 2) ** 2 for i in range(steps + 1)]
    ab, out = 1.0, []
    for i in range(steps):
        ab *= 1 - min(1 - f[i + 1] / f[i], 0.999)
        out.append(ab)
    return torch.tensor(out, dtype=torch.float32)


class Ddpm:
    """examples/ddpm_fashion.gen's training step: t ~ U{0..T-1}, eps ~ N(0, I), the UNet predicts
    eps from x_t, the MSE (mean over each example) averaged; Adam; EMA 0.999 of the weights."""

    def __init__(self, device, steps=1000, ema=0.999):
        self.net = Unet().to(device)
        self.ab = cosine_alpha_bar(steps).to(device)
        self.steps, self.decay = steps, ema
        self.ema = [p.detach().clone() for p in self.net.parameters()]

    def loss(self, x0, net=None):
        t = torch.randint(0, self.steps, (x0.shape[0],), device=x0.device)
        eps = torch.randn_like(x0)
        a = self.ab[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        return ((self.net if net is None else net)(xt, t) - eps).pow(2).mean()

    @torch.no_grad()
    def update_ema(self):
        torch._foreach_mul_(self.ema, self.decay)  # (torch 1.13 has no _foreach_lerp_)
        torch._foreach_add_(self.ema, [p.detach() for p in self.net.parameters()], alpha=1 - self.decay)


def ddpm_step(data, seed):
    batches, model = Batches(data * 2.0 - 1.0, 128, seed), Ddpm(torch.device("cpu"))
    opt = torch.optim.Adam(model.net.parameters(), lr=2e-4)

    def step():
        loss = model.loss(batches.next())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        model.update_ema()
        return loss.detach()
    return step


def vae_step(data, seed):
    batches, model = Batches(data, 128, seed), Vae()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        loss = model.loss(batches.next())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.detach()
    return step


def dcgan_step(data, seed):
    batches, g, d = Batches(data * 2.0 - 1.0, 64, seed), Generator(), Discriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def step():
        real = batches.next()
        fake = g(torch.randn(real.shape[0], NZ))
        loss_d = F.softplus(-d(real)).mean() + F.softplus(d(fake.detach())).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        loss_g = F.softplus(-d(fake)).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        return loss_g.detach()
    return step


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=["vae", "dcgan", "ddpm"], required=True)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    step = {"vae": vae_step, "dcgan": dcgan_step, "ddpm": ddpm_step}[a.model](fashion_mnist_train(a.data), a.seed)
    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    rate = a.steps / (time.perf_counter() - t0)
    print(f"RESULT system=pytorch-eager model={a.model} steps_per_s={rate:.2f} final_loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
