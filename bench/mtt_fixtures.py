"""Writes lib/src/test/resources/org/ddlab/mtt/mtt_fixtures.npz: one MTT outer step as PyTorch computes it, so the
Java tests compare ddlab's trajectory matching with autograd itself, not with our reading of distill.py.

Run with Debian's interpreter (it has torch): /usr/bin/python3 bench/mtt_fixtures.py

The student is ddlab's mlp:width=8 on 1x8x8 images with 4 classes (flatten, linear 8, ReLU, linear 8, ReLU,
linear 4; DJL's linear weights are [out, in]), its trainable parameters one flat vector in ddlab's order
(weight, bias of each layer). As distill.py does, without augmentation: from theta = start, for each minibatch
theta <- theta - syn_lr * d CE(f(images[batch]; theta), labels[batch]) / d theta (create_graph=True), then
loss = sum((theta - target)^2) / sum((start - target)^2). Computed in float64, stored as float32.

Two cases, suffix a and b:
  images_X [n,1,8,8], labels_X [n] (int32)     the synthetic set
  start_X, target_X [P]                        an expert's epoch t and t + M, flat (P = 628)
  lr_X [1]                                     the student's rate syn_lr
  batches_X [steps, batch] (int32)             each student step's minibatch (a: all 4 images in order, 3 steps;
                                               b: 6 images in chunks of 2, as a permutation would give them)
  loss_X [1], grad_images_X [n,1,8,8], grad_lr_X [1]   the loss and its gradients
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "lib", "src", "test", "resources", "org", "ddlab", "mtt",
                   "mtt_fixtures.npz")

SHAPES = [(8, 64), (8,), (8, 8), (8,), (4, 8), (4,)]


def unflatten(theta):
    out, at = [], 0
    for s in SHAPES:
        n = int(np.prod(s))
        out.append(theta[at:at + n].reshape(s))
        at += n
    return out


def forward(theta, x):
    w1, b1, w2, b2, w3, b3 = unflatten(theta)
    h = F.relu(F.linear(x.reshape(x.shape[0], -1), w1, b1))
    h = F.relu(F.linear(h, w2, b2))
    return F.linear(h, w3, b3)


def outer_step(images, labels, start, target, lr, batches):
    images = images.clone().requires_grad_(True)
    lr = lr.clone().requires_grad_(True)
    theta = start.clone().requires_grad_(True)
    for batch in batches:
        idx = torch.tensor(batch, dtype=torch.long)
        ce = F.cross_entropy(forward(theta, images[idx]), labels[idx])
        g = torch.autograd.grad(ce, theta, create_graph=True)[0]
        theta = theta - lr * g
    loss = ((theta - target) ** 2).sum() / ((start - target) ** 2).sum()
    gi, gl = torch.autograd.grad(loss, [images, lr])
    return loss.detach(), gi, gl


def case(g, n, labels, lr, batches):
    p = sum(int(np.prod(s)) for s in SHAPES)
    images = torch.randn(n, 1, 8, 8, generator=g, dtype=torch.float64)
    # A start like a network's initialisation, and an expert that moved a little from it.
    start = torch.randn(p, generator=g, dtype=torch.float64) * 0.3
    target = start + torch.randn(p, generator=g, dtype=torch.float64) * 0.05
    # Round the inputs to float32 first: the Java side starts from exactly these values.
    images, start, target = (t.float().double() for t in (images, start, target))
    labels = torch.tensor(labels, dtype=torch.long)
    lr_t = torch.tensor([lr], dtype=torch.float64)
    loss, gi, gl = outer_step(images, labels, start, target, lr_t, batches)
    return {"images": images, "labels": labels.int(), "start": start, "target": target, "lr": lr_t,
            "batches": torch.tensor(batches, dtype=torch.int32), "loss": loss.reshape(1), "grad_images": gi,
            "grad_lr": gl.reshape(1)}


def main():
    g = torch.Generator().manual_seed(20220319)
    out = {}
    for suffix, arrays in (("a", case(g, 4, [0, 1, 2, 3], 0.1, [[0, 1, 2, 3]] * 3)),
                           ("b", case(g, 6, [0, 0, 1, 1, 2, 3], 0.05, [[4, 1], [0, 5], [2, 3]]))):
        for k, v in arrays.items():
            v = v.detach().numpy()
            out[k + "_" + suffix] = v.astype(np.int32) if v.dtype.kind == "i" else v.astype(np.float32)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez(OUT, **out)
    print(f"wrote {os.path.normpath(OUT)} (torch {torch.__version__}): loss a {out['loss_a'][0]:.6f}, "
          f"b {out['loss_b'][0]:.6f}")


if __name__ == "__main__":
    main()
