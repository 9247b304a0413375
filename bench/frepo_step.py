#!/usr/bin/python3
"""FRePo's outer step written directly in PyTorch: the reference side of `ddlab bench frepo-step`.

The same step as org.ddlab.frepo.FrepoDistiller, on the same network (ConvNet: conv3x3 → instance
norm → ReLU → 2×2 average pool, `depth` times, then a linear layer), with the same sizes:
features of a real batch (no grad), features of the synthetic set (grad to the pixels only), kernel
ridge regression solved in float64, MSE plus label margin, Adam on images and labels, then one Adam
step of the model on the synthetic set. Random data: speed does not depend on pixel values.

Prints one JSON object: milliseconds per step (median and mean over the timed steps), threads,
peak resident memory of the process and its growth over the baseline before the first step.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn

from common import baseline_mb, krr, status_mb


def peak_mb():
    return status_mb("VmHWM")


class ConvNet(nn.Module):
    def __init__(self, channels, size, classes, width, depth):
        super().__init__()
        layers = []
        c = channels
        for _ in range(depth):
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.GroupNorm(width, width), nn.ReLU(), nn.AvgPool2d(2)]
            c = width
            size //= 2
        self.body = nn.Sequential(*layers, nn.Flatten())
        self.head = nn.Linear(width * size * size, classes)

    def forward(self, x):
        return self.head(self.body(x))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--real-batch", type=int, default=256)
    p.add_argument("--ipc", type=int, default=10)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--size", type=int, default=28)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    c, k = a.classes, a.classes
    real = torch.randn(6000, a.channels, a.size, a.size)
    real_labels = torch.randint(0, c, (6000,))
    n = a.ipc * c
    x = torch.randn(n, a.channels, a.size, a.size, requires_grad=True)
    y = (torch.nn.functional.one_hot(torch.arange(n) // a.ipc, c).float() - 1 / c).requires_grad_(True)
    outer = torch.optim.Adam([x, y], lr=3e-3)
    model = ConvNet(a.channels, a.size, k, a.width, a.depth)
    online = torch.optim.Adam(model.parameters(), lr=3e-4)
    baseline = baseline_mb()

    times = []
    for step in range(a.warmup + a.steps):
        start = time.perf_counter()
        idx = torch.randint(0, real.shape[0], (a.real_batch,))
        xt = real[idx]
        yt = torch.nn.functional.one_hot(real_labels[idx], c).float() - 1 / c
        with torch.no_grad():
            ft = model.body(xt)
        for prm in model.parameters():
            prm.requires_grad_(False)  # the meta-gradient needs input gradients only
        pred = krr(model.body(x), ft, y, 1e-6)
        sorted_y = torch.sort(y, dim=1).values
        margin = -torch.clamp(sorted_y[:, -1] - sorted_y[:, -2], max=1 / c).mean()
        loss = 0.5 * ((pred - yt.double()) ** 2).sum(1).mean() + margin
        outer.zero_grad()
        loss.backward()
        outer.step()
        for prm in model.parameters():
            prm.requires_grad_(True)
        out = model(x.detach())
        online_loss = 0.5 * ((out - y.detach()) ** 2).sum(1).mean()
        online.zero_grad()
        online_loss.backward()
        online.step()
        if step >= a.warmup:
            times.append((time.perf_counter() - start) * 1000)

    print(json.dumps({
        "implementation": "pytorch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "ms_per_step_median": statistics.median(times),
        "ms_per_step_mean": statistics.fmean(times),
        "peak_rss_mb": peak_mb(),
        "rss_growth_mb": peak_mb() - baseline,
        "loss": float(loss),
    }))


if __name__ == "__main__":
    main()
