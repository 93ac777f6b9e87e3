#!/usr/bin/python3
"""The PyTorch peer of examples/text_gpt.gen: the same byte-level GPT (learned positions,
pre-norm blocks of nn.MultiheadAttention with a causal mask and a GELU MLP of 4x, final
layernorm and linear), the same data (windows of `context` bytes at every offset of the
first 90% of the file; the last 10% as consecutive windows), teacher forcing with the
start token 0, AdamW, and cross-entropy in nats per byte.

  /usr/bin/python3 bench/peer_gpt.py --text FILE [--steps 2000] [--context 128] [--d 128]
      [--heads 4] [--layers 4] [--batch 32] [--lr 3e-4] [--seed 0] [--warmup 0]
      [--device cpu|cuda] [--compile none|default|reduce-overhead]
Prints one JSON line: {"steps", "train_s", "steps_per_s", "test_nll"}; steps/s counts the steps
after the first `warmup` (where torch.compile compiles).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, h, mask):
        a = self.ln1(h)
        h = h + self.attn(a, a, a, attn_mask=mask, need_weights=False)[0]
        return h + self.mlp(self.ln2(h))


class Gpt(nn.Module):
    def __init__(self, context, d, heads, layers):
        super().__init__()
        self.embed = nn.Embedding(256, d)
        self.pos = nn.Parameter(torch.randn(context, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln, self.out = nn.LayerNorm(d), nn.Linear(d, 256)
        self.register_buffer('mask', torch.ones(context, context, dtype=torch.bool).triu(1))

    def forward(self, x):  # x [B, L] -> logits [B, L, 256] of x[t] given x[<t]
        shifted = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], 1)
        h = self.embed(shifted) + self.pos
        for b in self.blocks:
            h = b(h, self.mask)
        return self.out(self.ln(h))


def windows(path, context, holdout=0.1):
    data = torch.tensor(list(open(path, 'rb').read()), dtype=torch.long)
    n_test = int(len(data) * holdout)
    train, test = data[:len(data) - n_test], data[len(data) - n_test:]
    return train.unfold(0, context, 1), test.unfold(0, context, context)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--text', required=True)
    for k, v in [('steps', 2000), ('context', 128), ('d', 128), ('heads', 4), ('layers', 4), ('batch', 32),
                 ('seed', 0)]:
        ap.add_argument('--' + k, type=int, default=v)
    ap.add_argument('--warmup', type=int, default=0)
    ap.add_argument('--lr', type=float, default=3e-4)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--compile', default='none', choices=['none', 'default', 'reduce-overhead'])
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    train, test = windows(a.text, a.context)
    train, test = train.to(dev), test.to(dev)
    model = Gpt(a.context, a.d, a.heads, a.layers).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, **({'fused': True} if dev.type == 'cuda' else {}))
    net = model if a.compile == 'none' else torch.compile(model, mode=a.compile)
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
    g = torch.Generator().manual_seed(a.seed)
    order = torch.randperm(len(train), generator=g)
    pos = 0
    t0 = time.time()
    for step in range(a.steps):
        if step == a.warmup:
            sync()
            t0 = time.time()
        if pos + a.batch > len(order):
            order, pos = torch.randperm(len(train), generator=g), 0
        x = train[order[pos:pos + a.batch].to(dev)]
        pos += a.batch
        if a.compile == 'reduce-overhead':
            torch.compiler.cudagraph_mark_step_begin()
        loss = F.cross_entropy(net(x).reshape(-1, 256), x.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    sync()
    train_s = time.time() - t0
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(test), 256):
            x = test[i:i + 256]
            total += F.cross_entropy(model(x).reshape(-1, 256), x.reshape(-1), reduction='sum').item()
            count += x.numel()
    print(json.dumps({'steps': a.steps, 'train_s': train_s, 'steps_per_s': (a.steps - a.warmup) / train_s,
                      'test_nll': total / count}))


if __name__ == '__main__':
    main()
