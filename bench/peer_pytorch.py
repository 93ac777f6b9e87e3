#!/usr/bin/python3
"""Benchmark peer: the VAE and DCGAN of the "runtime" benchmark in PyTorch eager, with the
same settings as bench/peer_vae.cpp and bench/peer_dcgan.cpp (same models, batch sizes,
optimizers, data, per-epoch shuffled index_select batching). Prints steps/s.

Run with Debian's interpreter, which has torch: /usr/bin/python3 bench/peer_pytorch.py --model vae
"""
import argparse
import gzip
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
    p.add_argument("--model", choices=["vae", "dcgan"], required=True)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    step = (vae_step if a.model == "vae" else dcgan_step)(fashion_mnist_train(a.data), a.seed)
    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    rate = a.steps / (time.perf_counter() - t0)
    print(f"RESULT system=pytorch-eager model={a.model} steps_per_s={rate:.2f} final_loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
