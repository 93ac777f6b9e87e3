#!/usr/bin/env python3
"""GPU benchmark peers: the tiny 2-D VAE, the seed VAE, the DCGAN and the DDPM's conv denoiser of bench/gpu/run_gpu_bench.sh
in PyTorch on CUDA, as eager, torch.compile of the networks (default and reduce-overhead; the
fused Adam update eager) and a hand-captured
CUDA graph of the whole training step. Prints one RESULT line per mode: steps/s and peak memory.

Every mode does what genc does per step: the data resident on the GPU, a batch gathered by
index_select from a per-epoch permutation, forward, backward, Adam (fused on the GPU), and
the loss kept on the device. The models are bench/peer_pytorch.py's (same layers and losses
as the examples, the DDPM's UNet step with its EMA), plus the tiny VAE of bench/gpu/tiny_vae_moons.gen.
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_pytorch import NZ, Ddpm, Discriminator, Generator, Vae, fashion_mnist_train  # noqa: E402


class TinyVae(nn.Module):
    """bench/gpu/tiny_vae_moons.gen: MLPs 2-64-64 on both sides, gaussian decoder."""

    def __init__(self, hidden=64, latent=2):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.mean, self.logvar = nn.Linear(hidden, latent), nn.Linear(hidden, latent)
        self.dec = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.out_mean, self.out_logvar = nn.Linear(hidden, 2), nn.Linear(hidden, 2)

    def loss(self, x):
        h = self.enc(x)
        mu, lv = self.mean(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * lv)
        d = self.dec(z)
        m, dlv = self.out_mean(d), self.out_logvar(d)
        nll = 0.5 * ((x - m) ** 2 * torch.exp(-dlv) + dlv + math.log(2 * math.pi)).sum(1)
        kl = -0.5 * (1 + lv - mu.pow(2) - lv.exp()).sum(1)
        return (nll + kl).mean()


def moons(n, noise, gen):
    """Two interleaved half circles with gaussian noise (as genc's moons toy set)."""
    t = torch.rand(n, generator=gen) * math.pi
    upper = torch.rand(n, generator=gen) < 0.5
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    return torch.stack([x, y], 1) + noise * torch.randn(n, 2, generator=gen)


class Batches:
    """A batch gathered on the GPU from a per-epoch permutation; `idx` is a static buffer."""

    def __init__(self, x, batch, device):
        self.x, self.batch = x, batch
        self.per_epoch = x.shape[0] // batch
        self.i = self.per_epoch
        self.idx = torch.zeros(batch, dtype=torch.long, device=device)

    def advance(self):
        """Copies the next batch's indices into the static buffer (device work only)."""
        if self.i == self.per_epoch:
            self.order, self.i = torch.randperm(self.x.shape[0], device=self.x.device), 0
        self.idx.copy_(self.order[self.i * self.batch:(self.i + 1) * self.batch])
        self.i += 1

    def get(self):
        return self.x.index_select(0, self.idx)


def adam(params, mode, **kw):
    """Fused Adam in every mode (the compiled modes compile the networks, not the update)."""
    return torch.optim.Adam(params, fused=True, capturable=mode == "graph", **kw)


def compile_mode(mode):
    return "reduce-overhead" if mode == "compile-ro" else "default"


def one_loss_step(net, batches, opt, mode):
    """The step of a model with one loss and one optimizer (the VAEs). The compiled modes compile
    the loss (forward and, through AOT autograd, backward); the fused optimizer runs eagerly."""
    loss_fn = net.loss if mode in ("eager", "graph") else torch.compile(net.loss, mode=compile_mode(mode))
    static = mode == "graph"  # a captured graph keeps its gradient buffers; the others free them (PyTorch's default)

    def step():
        loss = loss_fn(batches.get())
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=not static)
        return loss.detach()
    return step


def build(model, mode, device):
    """(batches, step function): step() does one training iteration, returns the loss tensor."""
    if model == "tiny":
        gen = torch.Generator().manual_seed(0)
        batches, net = Batches(moons(20000, 0.05, gen).to(device), 256, device), TinyVae().to(device)
        return batches, one_loss_step(net, batches, adam(net.parameters(), mode, lr=1e-3), mode)
    data = fashion_mnist_train(os.environ.get("GENC_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    if model == "vae":
        batches, net = Batches(data.to(device), 128, device), Vae().to(device)
        return batches, one_loss_step(net, batches, adam(net.parameters(), mode, lr=1e-3), mode)
    if model == "ddpm":
        return ddpm(Batches((data * 2.0 - 1.0).to(device), 128, device), mode, device)
    batches = Batches((data * 2.0 - 1.0).to(device), 64, device)
    g_net, d_net = Generator().to(device), Discriminator().to(device)
    opt_g = adam(g_net.parameters(), mode, lr=2e-4, betas=(0.5, 0.999))
    opt_d = adam(d_net.parameters(), mode, lr=2e-4, betas=(0.5, 0.999))
    # The compiled modes compile the two networks, as GAN code usually does. Inductor's
    # channels-last layout optimization breaks the G step's backward through D in 2.11 (a
    # stride assertion between the two compiled backward graphs): it is turned off.
    torch._inductor.config.layout_optimization = False
    g, d = (g_net, d_net) if mode in ("eager", "graph") else (torch.compile(g_net, mode=compile_mode(mode)),
                                                              torch.compile(d_net, mode=compile_mode(mode)))

    static = mode == "graph"  # a captured graph keeps its gradient buffers; the others free them (PyTorch's default)

    def step():
        real = batches.get()
        fake = g(torch.randn(real.shape[0], NZ, device=device))
        loss_d = F.softplus(-d(real)).mean() + F.softplus(d(fake.detach())).mean()
        loss_d.backward()
        opt_d.step()
        opt_d.zero_grad(set_to_none=not static)
        loss_g = F.softplus(-d(fake)).mean()
        loss_g.backward()
        opt_g.step()
        opt_g.zero_grad(set_to_none=not static)
        opt_d.zero_grad(set_to_none=not static)  # D's gradients from the G step are not used
        return loss_g.detach()
    return batches, step


def ddpm(batches, mode, device):
    """The DDPM's step: the UNet's loss (compiled in the compiled modes), Adam, the EMA update
    (a foreach multiply-add, captured with the rest in graph mode)."""
    model = Ddpm(device)
    opt = adam(model.net.parameters(), mode, lr=2e-4)
    net = model.net if mode in ("eager", "graph") else torch.compile(model.net, mode=compile_mode(mode))
    static = mode == "graph"

    def step():
        loss = model.loss(batches.get(), net)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=not static)
        model.update_ema()
        return loss.detach()
    return batches, step


def run(model, mode, steps, warmup, device):
    torch.manual_seed(0)
    torch.cuda.reset_peak_memory_stats()
    batches, step = build(model, mode, device)
    if mode == "graph":
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                batches.advance()
                step()
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        batches.advance()
        with torch.cuda.graph(graph):
            static_loss = step()

        def one():
            batches.advance()
            graph.replay()
            return static_loss
    else:
        def one():
            batches.advance()
            if mode == "compile-ro":
                torch.compiler.cudagraph_mark_step_begin()  # the last replay's outputs are not read again
            return step()
    for _ in range(warmup):
        loss = one()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = one()
    torch.cuda.synchronize()
    rate = steps / (time.perf_counter() - t0)
    peak = torch.cuda.max_memory_allocated() / 2**20
    print(f"RESULT system=pytorch-{mode} model={model} steps_per_s={rate:.1f} peak_mb={peak:.0f} "
          f"final_loss={loss.item():.4f}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=["tiny", "vae", "dcgan", "ddpm"], required=True)
    p.add_argument("--modes", default="eager,compile,compile-ro,graph")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=50)
    a = p.parse_args()
    for mode in a.modes.split(","):
        try:
            run(a.model, mode, a.steps, a.warmup, torch.device("cuda"))
        except Exception as e:  # a mode that fails is reported, the others still run
            print(f"RESULT system=pytorch-{mode} model={a.model} steps_per_s=n/a error={type(e).__name__}: "
                  f"{str(e).splitlines()[0][:200]}", flush=True)


if __name__ == "__main__":
    main()
