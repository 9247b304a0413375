#!/usr/bin/python3
"""One repeat of the evaluation protocol written directly in PyTorch: the reference side of `ddlab bench evaluate`.

The same work as org.ddlab.eval.EvaluationProtocol without augmentation: a fresh ConvNet (conv3x3 → instance
norm → ReLU → 2×2 average pool, `depth` times, then a linear layer) trained on IPC × 10 images with SGD
(lr 0.01, momentum 0.9, weight decay 5e-4, batch 256, lr ÷ 10 after half the epochs, cross-entropy), then
tested on `test` images in batches of 256. Random data: speed does not depend on pixel values.

Prints one JSON object: seconds to train and to test, threads, peak resident memory and its growth.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import baseline_mb, status_mb
from frepo_step import ConvNet


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--ipc", type=int, default=10)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--test", type=int, default=10000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    n = a.ipc * a.classes
    x = torch.randn(n, a.channels, a.size, a.size)
    y = torch.arange(n) // a.ipc
    test = torch.randn(a.test, a.channels, a.size, a.size)
    test_labels = torch.randint(0, a.classes, (a.test,))
    baseline = baseline_mb()

    model = ConvNet(a.channels, a.size, a.classes, a.width, a.depth)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    start = time.perf_counter()
    for epoch in range(a.epochs):
        if epoch == a.epochs // 2:
            for g in opt.param_groups:
                g["lr"] = 0.001
        perm = torch.randperm(n)
        for b in range(0, n, 256):
            idx = perm[b:b + 256]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    trained = time.perf_counter()
    correct = 0
    with torch.no_grad():
        for b in range(0, a.test, 256):
            correct += (model(test[b:b + 256]).argmax(1) == test_labels[b:b + 256]).sum().item()
    tested = time.perf_counter()

    print(json.dumps({
        "implementation": "pytorch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "train_seconds": trained - start,
        "test_seconds": tested - trained,
        "accuracy": correct / a.test,
        "peak_rss_mb": status_mb("VmHWM"),
        "rss_growth_mb": status_mb("VmHWM") - baseline,
    }))


if __name__ == "__main__":
    main()
