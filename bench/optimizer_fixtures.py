"""Writes lib/src/test/resources/org/ddlab/train/optimizer_fixtures.npz: five steps of PyTorch's own optimisers
on fixed parameters and gradients, so the Java tests compare Adam and SGD with torch.optim, not with our reading
of it.

Run with Debian's interpreter (it has torch): /usr/bin/python3 bench/optimizer_fixtures.py

Arrays (float32):
  p0 [3,4]            the starting parameters
  grads [5,3,4]       the gradient of each step (magnitudes from 1e-4 to 10, both signs)
  adam [5,3,4]        parameters after each step of torch.optim.Adam(lr=0.01) (betas 0.9/0.999, eps 1e-8)
  sgd [5,3,4]         the same for torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=5e-4)
  sgd_plain [5,3,4]   torch.optim.SGD(lr=0.1): no momentum, no decay
"""
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "lib", "src", "test", "resources", "org", "ddlab", "train",
                   "optimizer_fixtures.npz")


def run(make, p0, grads):
    p = torch.nn.Parameter(torch.tensor(p0))
    opt = make([p])
    out = []
    for g in grads:
        p.grad = torch.tensor(g).clone()
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.stack(out)


def main():
    rng = np.random.default_rng(20261206)
    p0 = rng.normal(size=(3, 4)).astype(np.float32)
    scales = np.array([1e-4, 1e-2, 1.0, 10.0, 0.3], dtype=np.float32)
    grads = (rng.normal(size=(5, 3, 4)) * scales[:, None, None]).astype(np.float32)
    arrays = {
        "p0": p0,
        "grads": grads,
        "adam": run(lambda ps: torch.optim.Adam(ps, lr=0.01), p0, grads),
        "sgd": run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=5e-4), p0, grads),
        "sgd_plain": run(lambda ps: torch.optim.SGD(ps, lr=0.1), p0, grads),
    }
    np.savez(OUT, **{k: v.astype(np.float32) for k, v in arrays.items()})
    print("wrote", os.path.normpath(OUT), {k: v.shape for k, v in arrays.items()})


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
