#!/usr/bin/python3
"""Writes lib/src/main/resources/org/ddlab/matching/autograd_grad.pt, the TorchScript module behind
org.ddlab.matching.Gradients.

DJL exposes backward() only, which accumulates gradients into every leaf's .grad. With
create_graph=True that makes the reference cycle PyTorch warns about (a leaf holds a gradient whose
graph holds the leaf), and DJL has no way to set .grad back to None, so each gradient matching leaked
its forward pass. torch.autograd.grad returns the gradients instead of accumulating them: nothing is
stored on the leaves, nothing cycles. DJL can run a TorchScript module on its own tensors, graph and
all, so this module is that one call.

Run with Debian's python3-torch (any version the libtorch DJL ships can read; 1.13 here):
    /usr/bin/python3 lib/src/main/torchscript/autograd_grad.py
GradientsTest checks that the committed archive holds the code this script writes.
"""
import sys
from pathlib import Path
from typing import List

import torch

import archive


class AutogradGrad(torch.nn.Module):
    def forward(self, output: torch.Tensor, inputs: List[torch.Tensor], create_graph: bool) -> List[torch.Tensor]:
        # retain_graph follows create_graph: a differentiable gradient is back-propagated through later.
        grads = torch.autograd.grad([output], inputs, create_graph=create_graph, allow_unused=True)
        out: List[torch.Tensor] = []
        for i in range(len(inputs)):
            g = grads[i]
            if g is None:  # an input the output does not depend on
                out.append(torch.zeros_like(inputs[i]))
            else:
                out.append(g)
        return out


def main():
    default = Path(__file__).resolve().parents[1] / "resources/org/ddlab/matching/autograd_grad.pt"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    archive.save(AutogradGrad(), target)


if __name__ == "__main__":
    main()
