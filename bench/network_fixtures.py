"""Writes lib/src/test/resources/org/ddlab/nn/network_fixtures.npz: what PyTorch computes for every architecture ddlab
registers (org.ddlab.nn.Architectures), re-implemented here layer for layer, on fixed weights and fixed images, so
NetworksAgainstTorchTest compares ddlab's networks with torch.nn, not with our reading of it.

Run with Debian's interpreter (it has torch): /usr/bin/python3 bench/network_fixtures.py

Each ddlab spec below is built for both input shapes, 1x28x28 and 3x32x32, with 10 classes: 26 cases, numbered 00-25
in the order spec-major, shape-minor. Widths are small to keep the file small; every code path the options select
(norm, pool, depth, padding below 32 px, projection shortcuts, convolutions with fewer and with at least 16 filters)
is in.

Arrays:
  case_spec [26]          ddlab's canonical spec of each case (unicode), as Network.spec() spells it
  case_shape [26,3]       its input shape (C, H, W) (int64)
  x.1x28x28 [3,1,28,28]   the three input images of every 1x28x28 case (float32, N(0, 1))
  x.3x32x32 [3,3,32,32]   the same for 3x32x32
  KK.codes [n]            every parameter value of case KK as an integer code (int8), the parameters concatenated
                          in ddlab's order (Network.parameters()), each flattened row-major
  KK.sizes [P]            the number of values of each parameter (int64)
  KK.steps [P], KK.centres [P]   parameter j is centres[j] + steps[j] * its codes (float32; steps are powers of
                          two, so every value is exact in float32 and torch and Java compute with the same numbers;
                          one byte per weight keeps the file small)
  KK.logits [3,10]        torch's logits in training mode (float32)
  KK.features [3,F]       the input of the last linear layer, what Network.features returns (float32)
  cases with batch norm only (its training mode uses the batch's statistics, evaluation the running ones):
  KK.logits_eval, KK.features_eval   the same in evaluation mode, with the running statistics the codes hold
  KK.running_after        every running mean and variance after one training-mode forward pass of the images
                          (momentum 0.1, unbiased variance: torch's BatchNorm2d), concatenated in parameter order
Instance, layer and no normalisation keep no running statistics: training and evaluation are one function
(checked here), so KK.logits and KK.features stand for both modes.

Weights are drawn at PyTorch's default scale, uniform in about +-1/sqrt(fan_in) (127 levels on each side of zero,
steps of 2^round(log2 bound) / 128), so activations stay of order one through every layer. Unlike ddlab's
initialisation, biases, norm shifts and running means are not zero and norm scales and running variances not one
(in [0.5, 1.5]): a parameter read into the wrong place changes the result.
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "lib", "src", "test", "resources", "org", "ddlab", "nn",
                   "network_fixtures.npz")

SPECS = [
    "convnet:width=16,depth=3,norm=instance,pool=avg",  # the default ConvNet; 16 filters: oneDNN's unpadded path
    "convnet:width=8,depth=3,norm=batch,pool=avg",
    "convnet:width=8,depth=3,norm=layer,pool=avg",
    "convnet:width=8,depth=2,norm=none,pool=max",
    "convnet:width=1,depth=1,norm=instance,pool=none",
    "mlp:width=8",
    "lenet",
    "alexnet:width=4",
    "vgg11:width=2,norm=instance",
    "vgg11:width=2,norm=batch",
    "vgg11:width=2,norm=none",
    "resnet18:width=2,norm=instance",
    "resnet18:width=2,norm=batch",
]
SHAPES = [(1, 28, 28), (3, 32, 32)]
CLASSES = 10
IMAGES = 3


def parse(spec):
    name, _, rest = spec.partition(":")
    options = dict(kv.split("=") for kv in rest.split(",")) if rest else {}
    return name, options


def norm_layer(norm, channels):
    """ddlab's Norm: instance is DC's nn.GroupNorm(C, C, affine=True); layer is GroupNorm(1, C) with a per-channel
    affine. DC's 'layernorm' is nn.LayerNorm([C, H, W]) with an elementwise affine over C, H and W: the same function
    at initialisation, different parameters after training. The fixture follows ddlab."""
    if norm == "instance":
        return nn.GroupNorm(channels, channels, affine=True)
    if norm == "layer":
        return nn.GroupNorm(1, channels, affine=True)
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    return nn.Identity()


class Classifier(nn.Module):
    """body: images -> features (flattened), head: features -> logits, as ddlab's Network splits them."""

    def __init__(self, body, head):
        super().__init__()
        self.body = body
        self.head = head

    def forward(self, x):
        f = self.body(x)
        return f, self.head(f)


def convnet(o, c, h, w):
    """DC/FRePo ConvNet as ddlab builds it: [conv 3x3 pad 1 -> norm -> ReLU -> pool 2x2] x depth, flatten, linear.
    Differs from DC's reference, which pads 28x28 inputs by 3 in the first convolution (to 32x32): ddlab pads every
    convolution by 1, as FRePo does (28 -> 14 -> 7 -> 3)."""
    width, depth, pool = int(o["width"]), int(o["depth"]), o["pool"]
    layers = []
    for d in range(depth):
        layers += [nn.Conv2d(c if d == 0 else width, width, 3, padding=1), norm_layer(o["norm"], width), nn.ReLU()]
        if pool != "none":
            layers.append(nn.AvgPool2d(2, 2) if pool == "avg" else nn.MaxPool2d(2, 2))
            h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    return Classifier(nn.Sequential(*layers), nn.Linear(width * h * w, CLASSES))


def mlp(o, c, h, w):
    """DC's MLP with width w (DC: 128): flatten, linear w, ReLU, linear w, ReLU (the features), linear."""
    width = int(o["width"])
    body = nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU())
    return Classifier(body, nn.Linear(width, CLASSES))


def lenet(o, c, h, w):
    """DC's LeNet. DC pads the first convolution by 2 for 1-channel images, ddlab for images below 32 px: the same
    for the two shapes here."""
    pad = 2 if min(h, w) < 32 else 0
    body = nn.Sequential(nn.Conv2d(c, 6, 5, padding=pad), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                         nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU())
    return Classifier(body, nn.Linear(84, CLASSES))


def alexnet(o, c, h, w):
    """DC's AlexNet with every layer scaled by width/128 (w, 1.5w, 2w, 1.5w, 1.5w channels); DC pads the first
    convolution by 4 for 1-channel images, ddlab for images below 32 px (the same here)."""
    width = int(o["width"])
    wide = width * 3 // 2
    pad = 4 if min(h, w) < 32 else 2
    body = nn.Sequential(nn.Conv2d(c, width, 5, padding=pad), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Conv2d(width, wide, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Conv2d(wide, 2 * width, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(2 * width, wide, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(wide, wide, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten())
    return Classifier(body, nn.Linear(wide * 4 * 4, CLASSES))


def vgg11(o, c, h, w):
    """DC's VGG11 with channels scaled by width/64: [w, M, 2w, M, 4w, 4w, M, 8w, 8w, M, 8w, 8w, M], each number conv
    3x3 -> norm -> ReLU; the first convolution pads by 3 below 32 px (DC: for 1-channel images; the same here).
    DC's final AvgPool2d(1, 1) is the identity and left out. norm=none is ddlab's addition (DC has instance or batch)."""
    width = int(o["width"])
    layers, in_ch, first = [], c, True
    for m in (1, 0, 2, 0, 4, 4, 0, 8, 8, 0, 8, 8, 0):
        if m == 0:
            layers.append(nn.MaxPool2d(2, 2))
            continue
        pad = (3 if min(h, w) < 32 else 1) if first else 1
        layers += [nn.Conv2d(in_ch, m * width, 3, padding=pad), norm_layer(o["norm"], m * width), nn.ReLU()]
        in_ch, first = m * width, False
    layers.append(nn.Flatten())
    return Classifier(nn.Sequential(*layers), nn.Linear(8 * width, CLASSES))


class BasicBlock(nn.Module):
    """DC's BasicBlock (Kuang Liu's CIFAR ResNet): relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut x); bias-free
    convolutions, a 1x1 convolution and norm on the shortcut when the shape changes. Attributes are declared in
    ddlab's parameter order."""

    def __init__(self, in_planes, planes, stride, norm):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = norm_layer(norm, planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = norm_layer(norm, planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                                          norm_layer(norm, planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


def resnet18(o, c, h, w):
    """DC's ResNet18 with width w (DC: 64): 3x3 stem, no max-pool, stages of w, 2w, 4w, 8w channels (strides 1, 2, 2,
    2), average pool over the whole map (DC's avg_pool2d(out, 4) on the 4x4 map both shapes reach), linear."""
    width, norm = int(o["width"]), o["norm"]
    layers = [nn.Conv2d(c, width, 3, padding=1, bias=False), norm_layer(norm, width), nn.ReLU()]
    in_planes = width
    for stage, m in enumerate((1, 2, 4, 8)):
        layers.append(BasicBlock(in_planes, m * width, 1 if stage == 0 else 2, norm))
        layers.append(BasicBlock(m * width, m * width, 1, norm))
        in_planes = m * width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return Classifier(nn.Sequential(*layers), nn.Linear(8 * width, CLASSES))


BUILDERS = {"convnet": convnet, "mlp": mlp, "lenet": lenet, "alexnet": alexnet, "vgg11": vgg11, "resnet18": resnet18}


def fixed_state(model, rng):
    """Codes, step and centre of every tensor of the state dict (its order is ddlab's parameter order; batch norm's
    step counter, which ddlab does not have, is left out): value = centre + step * code, code uniform in [-127, 127]."""
    out = []
    step = None
    for name, t in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        module = model.get_submodule(name.rpartition(".")[0])
        kind = name.rpartition(".")[2]
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            if kind == "weight":  # the bias keeps its weight's step
                step = 2.0 ** round(math.log2(1 / math.sqrt(np.prod(t.shape[1:])))) / 128
            centre_step = (0.0, step)
        elif kind in ("weight", "running_var"):  # norm scale, running variance: in [0.5, 1.5]
            centre_step = (1.0, 1 / 256)
        else:  # norm shift, running mean: in [-0.5, 0.5]
            centre_step = (0.0, 1 / 256)
        out.append((rng.integers(-127, 128, size=tuple(t.shape)).astype(np.int8),) + centre_step)
    return out


def load(model, codes):
    keys = [k for k in model.state_dict() if not k.endswith("num_batches_tracked")]
    state = model.state_dict()
    for k, (code, centre, step) in zip(keys, codes):
        state[k] = torch.from_numpy((centre + code.astype(np.float64) * step).astype(np.float32))
    model.load_state_dict(state)


def running_statistics(model):
    return [v.reshape(-1) for n, v in model.state_dict().items() if n.endswith(("running_mean", "running_var"))]


def main():
    rng = np.random.default_rng(20261207)
    inputs = {s: rng.normal(size=(IMAGES,) + s).astype(np.float32) for s in SHAPES}
    out = {
        "case_spec": np.array([spec for spec in SPECS for _ in SHAPES]),
        "case_shape": np.array([s for _ in SPECS for s in SHAPES], dtype=np.int64),
    }
    for s, x in inputs.items():
        out["x." + "x".join(map(str, s))] = x
    k = 0
    for spec in SPECS:
        name, options = parse(spec)
        for shape in SHAPES:
            key = f"{k:02d}"
            model = BUILDERS[name](options, *shape)
            codes = fixed_state(model, rng)
            load(model, codes)
            out[key + ".codes"] = np.concatenate([c.reshape(-1) for c, _, _ in codes])
            out[key + ".sizes"] = np.array([c.size for c, _, _ in codes], dtype=np.int64)
            out[key + ".centres"] = np.array([centre for _, centre, _ in codes], dtype=np.float32)
            out[key + ".steps"] = np.array([step for _, _, step in codes], dtype=np.float32)
            x = torch.from_numpy(inputs[shape])
            batch_norm = any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
            with torch.no_grad():
                model.eval()
                f_eval, y_eval = model(x)
                model.train()
                f, y = model(x)
            if batch_norm:
                out[key + ".logits_eval"] = y_eval
                out[key + ".features_eval"] = f_eval
                out[key + ".running_after"] = torch.cat(running_statistics(model))
            else:
                assert torch.equal(y, y_eval) and torch.equal(f, f_eval), spec + ": no running statistics, one function"
            out[key + ".logits"] = y
            out[key + ".features"] = f
            k += 1

    arrays = {n: (v.numpy() if torch.is_tensor(v) else v) for n, v in out.items()}
    for n, v in arrays.items():
        if v.dtype == np.float64:
            raise AssertionError(n + " is float64")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {os.path.normpath(OUT)} (torch {torch.__version__}, {os.path.getsize(OUT):,} bytes, "
          f"{len(arrays)} arrays, {k} cases)")


if __name__ == "__main__":
    torch.manual_seed(0)
    torch.set_num_threads(1)  # one reduction order, whatever the machine
    main()
