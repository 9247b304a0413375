#!/usr/bin/python3
"""Writes lib/src/main/resources/org/ddlab/engine/symmetric_eigen.pt, the TorchScript module behind
org.ddlab.engine.SymmetricEigen: the eigendecomposition of a symmetric matrix, torch.linalg.eigh, which DJL
does not expose. PCA pictures use it, and ZCA whitening needs it once per dataset (a 3072 x 3072
covariance for CIFAR-10).

Run with Debian's python3-torch:
    /usr/bin/python3 lib/src/main/torchscript/symmetric_eigen.py
ZcaTest checks that the committed archive holds the code this script writes.
"""
import sys
from pathlib import Path
from typing import Tuple

import torch

import archive


class SymmetricEigen(torch.nn.Module):
    def forward(self, a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        # Eigenvalues ascending, eigenvectors as columns: a = v @ diag(w) @ v.T
        w, v = torch.linalg.eigh(a)
        return w, v


def main():
    default = Path(__file__).resolve().parents[1] / "resources/org/ddlab/engine/symmetric_eigen.pt"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    archive.save(SymmetricEigen(), target)


if __name__ == "__main__":
    main()
