#!/usr/bin/python3
"""Cost of one meta-gradient d(loss on real data)/d(synthetic images), two ways, in plain PyTorch:

  frepo     FRePo: features of the synthetic set under the current network, kernel ridge regression
            onto a real batch, backward — one forward/backward, whatever the training horizon;
  unrolled  back-propagation through K inner SGD steps of the network on the synthetic set (the
            original dataset distillation, KIP-free): every step's graph is kept for the backward.

Unrolling needs torch.autograd.grad(..., create_graph=True) on intermediate weights, which DJL does not
expose without traversing the whole history at every step; so both sides run here, in Debian's PyTorch,
like for like. One method and K per process: VmHWM (peak resident memory) is per process.
Prints one JSON object.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

from common import baseline_mb, krr, status_mb


def init_weights(channels, width, depth, size, classes, gen):
    ws = []
    c = channels
    for _ in range(depth):
        ws += [torch.randn(width, c, 3, 3, generator=gen) * (2 / (c * 9)) ** 0.5, torch.zeros(width),
               torch.ones(width), torch.zeros(width)]
        c = width
        size //= 2
    ws += [torch.randn(classes, width * size * size, generator=gen) * (1 / (width * size * size)) ** 0.5, torch.zeros(classes)]
    return ws


def features(x, ws, depth):
    for d in range(depth):
        w, b, g, beta = ws[4 * d: 4 * d + 4]
        x = F.avg_pool2d(F.relu(F.group_norm(F.conv2d(x, w, b, padding=1), w.shape[0], g, beta)), 2)
    return x.flatten(1)


def logits(x, ws, depth):
    return F.linear(features(x, ws, depth), ws[-2], ws[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--method", choices=["frepo", "unrolled"], required=True)
    p.add_argument("--k", type=int, default=1, help="inner steps (unrolled)")
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--ipc", type=int, default=10)
    p.add_argument("--real-batch", type=int, default=256)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(0)
    classes, size = 10, 28
    n = a.ipc * classes
    x = torch.randn(n, 1, size, size, generator=gen, requires_grad=True)
    y = F.one_hot(torch.arange(n) // a.ipc, classes).float() - 1 / classes
    xt = torch.randn(a.real_batch, 1, size, size, generator=gen)
    yt = F.one_hot(torch.randint(0, classes, (a.real_batch,), generator=gen), classes).float() - 1 / classes
    ws0 = init_weights(1, a.width, a.depth, size, classes, gen)
    baseline = baseline_mb()

    times = []
    for _ in range(a.repeats):
        x.grad = None
        start = time.perf_counter()
        if a.method == "frepo":
            with torch.no_grad():
                ft = features(xt, ws0, a.depth).double()
            pred = krr(features(x, ws0, a.depth), ft, y, 1e-6)
            loss = 0.5 * ((pred - yt.double()) ** 2).sum(1).mean()
        else:
            ws = [w.clone().requires_grad_(True) for w in ws0]
            for _ in range(a.k):
                inner = 0.5 * ((logits(x, ws, a.depth) - y) ** 2).sum(1).mean()
                grads = torch.autograd.grad(inner, ws, create_graph=True)
                ws = [w - 0.01 * g for w, g in zip(ws, grads)]
            loss = 0.5 * ((logits(xt, ws, a.depth) - yt) ** 2).sum(1).mean()
        loss.backward()
        times.append((time.perf_counter() - start) * 1000)

    print(json.dumps({"method": a.method, "k": a.k if a.method == "unrolled" else 0,
                      "ms": statistics.median(times), "peak_rss_mb": status_mb("VmHWM"),
                      "growth_mb": status_mb("VmHWM") - baseline, "grad_norm": float(x.grad.norm()),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
