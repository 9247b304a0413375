#!/usr/bin/python3
"""Writes lib/src/main/resources/org/ddlab/data/symmetric_eigen.pt, the TorchScript module behind
org.ddlab.data.Zca: the eigendecomposition of a symmetric matrix, torch.linalg.eigh, which DJL does
not expose. ZCA whitening needs it once per dataset (a 3072 x 3072 covariance for CIFAR-10).

Run with Debian's python3-torch:
    /usr/bin/python3 lib/src/main/torchscript/symmetric_eigen.py
ZcaTest checks that the committed archive holds the code this script writes.
"""
import io
import sys
import zipfile
from pathlib import Path
from typing import Tuple

import torch


class SymmetricEigen(torch.nn.Module):
    def forward(self, a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        # Eigenvalues ascending, eigenvectors as columns: a = v @ diag(w) @ v.T
        w, v = torch.linalg.eigh(a)
        return w, v


def main():
    default = Path(__file__).resolve().parents[1] / "resources/org/ddlab/data/symmetric_eigen.pt"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(SymmetricEigen()), buffer)
    buffer.seek(0)
    # Drop the debug tables: they hold this script's absolute path, and libtorch loads without them.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if not info.filename.endswith(".debug_pkl"):
                dst.writestr(info, src.read(info))
    print(target)


if __name__ == "__main__":
    main()
