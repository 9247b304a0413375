#!/usr/bin/python3
"""IDC's matching round written directly in PyTorch: the reference side of `ddlab bench idc-step`.

One matching round as IDC's reference (Kim et al., ICML 2022, condense.py) runs it, on ddlab's ConvNet
(conv3x3 padding 1 → instance norm as GroupNorm(C, C) → ReLU → 2×2 average pool, `depth` times, then a
linear layer; 28 → 14 → 7 → 3 for 1×28×28 as in org.ddlab.nn.ConvNet, where IDC's own network pads the first
layer by 3 to reach 32×32), with the same sizes as org.ddlab.idc.IdcDistiller:

  for each class c:
    a real batch of the class; the class's stored images decoded into factor² tiles each, every tile
    upsampled back bilinearly (multi-formation); both normalised and augmented with one shared draw
    (flip/colour, crop, cutout, as DiffAug(batch=True) chooses them);
    the gradients of the cross-entropy of each batch with respect to the network's parameters — the
    synthetic side's with create_graph — compared layer by layer (l1 or mse over the convolution weights);
    the distance's backward, an SGD step (momentum 0.5) on the stored images;
  then the network trains on `net_data` real images in batches of `real_batch`: per-image augmentation
  without cutout (no gradient), CutMix (p 0.5, Beta(1, 1)), SGD (lr 0.01, momentum 0.9, weight decay 5e-4).

As the reference: both gradients are taken for every parameter, and the distance's backward reaches the
network's parameters as well as the images. `--lean` computes only what ddlab computes: the gradients of
the matched weights and the second-order gradient to the images alone.

A block of `rounds` timed rounds starts as the reference's outer iteration (stored images clamped to [0, 1],
a fresh network and its optimiser), after `warmup` untimed rounds. Random data: speed does not depend on
pixel values. Prints one JSON object: ms per round (the block over its rounds), ms per round in each phase,
threads, peak resident memory.
"""
import argparse
import json
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import baseline_mb, status_mb
from frepo_step import ConvNet

MEAN, STD = 0.2861, 0.3530  # Fashion-MNIST's, as the reference normalises inside its augmentation


class Augment:
    """DiffAug's operations for strategies of flip, colour, crop and cutout (flip → colour → crop → cutout).
    Shared draws (batch=True) are Python numbers; per-image draws (batch=False) are tensors [N, 1, 1, 1]."""

    def __init__(self, strategy, rng):
        self.ops = strategy.split("_")
        self.rng = rng

    def draw(self, n, shared, h, w):
        """One draw: the random numbers every operation needs, for n images (shared: one set for all)."""
        d = {}
        r = self.rng
        if "flip" in self.ops:
            d["flip"] = r.random() < 0.5 if shared else torch.rand(n, 1, 1, 1) < 0.5
        if "color" in self.ops:
            for k in ("brightness", "saturation", "contrast"):
                d[k] = r.random() if shared else torch.rand(n, 1, 1, 1)
        if "crop" in self.ops:
            sx, sy = int(h * 0.125 + 0.5), int(w * 0.125 + 0.5)
            d["crop"] = ((r.randint(-sx, sx), r.randint(-sy, sy)) if shared
                         else (torch.randint(-sx, sx + 1, (n, 1, 1)), torch.randint(-sy, sy + 1, (n, 1, 1))))
        if "cutout" in self.ops:
            ch, cw = int(h * 0.5 + 0.5), int(w * 0.5 + 0.5)
            d["cutout"] = ((r.randrange(h + (1 - ch % 2)), r.randrange(w + (1 - cw % 2))) if shared
                           else (torch.randint(0, h + (1 - ch % 2), (n, 1, 1)), torch.randint(0, w + (1 - cw % 2), (n, 1, 1))))
        return d

    def __call__(self, x, d):
        n, _, h, w = x.shape
        if "flip" in d:
            f = d["flip"]
            x = (x.flip(3) if f else x) if isinstance(f, bool) else torch.where(f, x.flip(3), x)
        if "brightness" in d:
            x = x + (d["brightness"] - 0.5) * 1.0
            m = x.mean(dim=1, keepdim=True)
            x = (x - m) * (d["saturation"] * 2.0) + m
            m = x.mean(dim=[1, 2, 3], keepdim=True)
            x = (x - m) * (d["contrast"] + 0.5) + m
        if "crop" in d:
            tx, ty = d["crop"]
            gb, gx, gy = torch.meshgrid(torch.arange(n), torch.arange(h), torch.arange(w), indexing="ij")
            gx = torch.clamp(gx + tx + 1, 0, h + 1)
            gy = torch.clamp(gy + ty + 1, 0, w + 1)
            padded = F.pad(x, (1, 1, 1, 1))
            x = padded.permute(0, 2, 3, 1).contiguous()[gb, gx, gy].permute(0, 3, 1, 2)
        if "cutout" in d:
            ox, oy = d["cutout"]
            ch, cw = int(h * 0.5 + 0.5), int(w * 0.5 + 0.5)
            gb, gx, gy = torch.meshgrid(torch.arange(n), torch.arange(ch), torch.arange(cw), indexing="ij")
            gx = torch.clamp(gx + ox - ch // 2, min=0, max=h - 1)
            gy = torch.clamp(gy + oy - cw // 2, min=0, max=w - 1)
            mask = torch.ones(n, h, w, dtype=x.dtype)
            mask[gb, gx, gy] = 0
            x = x * mask.unsqueeze(1)
        return x.contiguous()


def decode(stored, factor, size):
    """Multi-formation: every stored image's factor × factor tiles (all first tiles, then all second, …),
    each upsampled back to size × size bilinearly (align_corners=False)."""
    s = stored.shape[-1] // factor
    tiles = [stored[:, :, i * s:(i + 1) * s, j * s:(j + 1) * s] for i in range(factor) for j in range(factor)]
    return F.interpolate(torch.cat(tiles), size=(size, size), mode="bilinear", align_corners=False)


def distance(a, b, metric):
    return (a - b).abs().sum() if metric == "l1" else (a - b).pow(2).sum()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--size", type=int, default=28)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--ipc", type=int, default=10)
    p.add_argument("--factor", type=int, default=2)
    p.add_argument("--real-batch", type=int, default=64)
    p.add_argument("--syn-batch-max", type=int, default=128)
    p.add_argument("--net-data", type=int, default=500)
    p.add_argument("--metric", default="l1")
    p.add_argument("--image-lr", type=float, default=7.65625e-5)
    p.add_argument("--augment", default="color_crop_cutout")
    p.add_argument("--mix-probability", type=float, default=0.5)
    p.add_argument("--lean", action="store_true")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    k, size = a.classes, a.size
    per_class = 600
    real = torch.rand(k * per_class, a.channels, size, size)
    labels = torch.arange(k * per_class) % k
    by_class = [torch.nonzero(labels == c).flatten() for c in range(k)]
    stored = torch.rand(k * a.ipc, a.channels, size, size, requires_grad=True)
    image_opt = torch.optim.SGD([stored], lr=a.image_lr, momentum=0.5)
    match_aug = Augment(a.augment, rng)
    net_ops = [op for op in a.augment.split("_") if op != "cutout" or a.mix_probability == 0]  # cutout goes with CutMix
    net_aug = Augment("_".join(net_ops), rng)
    baseline = baseline_mb()

    phases = {}
    clock = [time.perf_counter()]

    def lap(name):
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + (now - clock[0])
        clock[0] = now

    def block(rounds):
        clock[0] = time.perf_counter()
        with torch.no_grad():
            stored.clamp_(0, 1)
        model = ConvNet(a.channels, size, k, a.width, a.depth)
        model.train()
        params = list(model.parameters())
        matched = [q for q in params if q.dim() == 4]
        net_opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)
        lap("start")
        total = 0.0
        for _ in range(rounds):
            for c in range(k):
                idx = by_class[c][torch.randint(len(by_class[c]), (a.real_batch,))]
                draw = match_aug.draw(1, True, size, size)
                img_real = match_aug((real[idx] - MEAN) / STD, draw)
                lab_real = torch.full((a.real_batch,), c, dtype=torch.long)
                lap("real_batch")
                img_syn = decode(stored[c * a.ipc:(c + 1) * a.ipc], a.factor, size)
                if img_syn.shape[0] > a.syn_batch_max:
                    img_syn = img_syn[torch.randperm(img_syn.shape[0])[:a.syn_batch_max]]
                img_syn = match_aug((img_syn - MEAN) / STD, draw)
                lab_syn = torch.full((img_syn.shape[0],), c, dtype=torch.long)
                lap("synthetic_batch")
                wrt = matched if a.lean else params
                g_real = [g.detach() for g in torch.autograd.grad(F.cross_entropy(model(img_real), lab_real), wrt)]
                lap("real_gradient")
                g_syn = torch.autograd.grad(F.cross_entropy(model(img_syn), lab_syn), wrt, create_graph=True)
                lap("synthetic_gradient")
                loss = sum(distance(gr, gs, a.metric) for gr, gs in zip(g_real, g_syn) if gr.dim() == 4)
                total += loss.item()
                image_opt.zero_grad()
                if a.lean:
                    stored.grad = torch.autograd.grad(loss, [stored])[0]
                else:
                    loss.backward()
                lap("distance_backward")
                image_opt.step()
                lap("image_step")
            seen = 0
            while seen < a.net_data:
                idx = torch.randint(real.shape[0], (a.real_batch,))
                x, y = real[idx], labels[idx]
                with torch.no_grad():
                    x = net_aug((x - MEAN) / STD, net_aug.draw(x.shape[0], False, size, size))
                if rng.random() < a.mix_probability:
                    lam = rng.betavariate(1.0, 1.0)
                    perm = torch.randperm(x.shape[0])
                    cut = (1 - lam) ** 0.5
                    ch, cw = int(size * cut), int(size * cut)
                    cy, cx = rng.randrange(size), rng.randrange(size)
                    r0, r1 = max(cy - ch // 2, 0), min(cy + ch // 2, size)
                    c0, c1 = max(cx - cw // 2, 0), min(cx + cw // 2, size)
                    x[:, :, r0:r1, c0:c1] = x[perm, :, r0:r1, c0:c1]
                    kept = 1 - (r1 - r0) * (c1 - c0) / (size * size)
                    out = model(x)
                    loss = F.cross_entropy(out, y) * kept + F.cross_entropy(out, y[perm]) * (1 - kept)
                else:
                    loss = F.cross_entropy(model(x), y)
                net_opt.zero_grad()
                loss.backward()
                net_opt.step()
                seen += x.shape[0]
            lap("network_update")
        return total

    if a.warmup > 0:
        block(a.warmup)
    phases.clear()
    start = time.perf_counter()
    total = block(a.rounds)
    seconds = time.perf_counter() - start

    print(json.dumps({
        "implementation": "pytorch " + torch.__version__ + (" (lean)" if a.lean else ""),
        "threads": torch.get_num_threads(),
        "ms_per_round": seconds * 1000 / a.rounds,
        "phases_ms_per_round": {k2: v * 1000 / a.rounds for k2, v in phases.items()},
        "distance_per_class": total / (k * a.rounds),
        "peak_rss_mb": status_mb("VmHWM"),
        "rss_growth_mb": status_mb("VmHWM") - baseline,
    }))


if __name__ == "__main__":
    main()
