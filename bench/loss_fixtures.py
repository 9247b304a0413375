"""Writes what PyTorch computes for ddlab's distillation objectives and their gradients, through small ConvNets
with fixed weights, so the Java tests compare the objectives with autograd on an independent implementation:

  lib/src/test/resources/org/ddlab/matching/loss_fixtures.npz   DC's gradient distances, DM's loss
  lib/src/test/resources/org/ddlab/idc/idc_loss_fixtures.npz     IDC's distances through multi-formation decoding
  lib/src/test/resources/org/ddlab/frepo/frepo_fixtures.npz      kernel ridge regression, FRePo's outer loss

Run with Debian's interpreter (it has torch): /usr/bin/python3 bench/loss_fixtures.py

The network is org.ddlab.nn.ConvNet: `depth` blocks of [conv 3x3, padding 1, with bias -> instance norm (GroupNorm
with one group per channel, eps 1e-5, affine) -> ReLU -> 2x2 average pool], flatten, linear. Its parameters are
stored as <net>.<i>.<kind>, i in ddlab's parameter order (per block conv weight, conv bias, norm gamma, norm beta;
then the linear weight [classes, F] and bias), kind the last part of the parameter's name. Inputs are float32; the
objectives and gradients are computed in float64 from them, so the fixtures hold the exact answer to float32
rounding, and each script run prints how far PyTorch's own float32 computation is from it (the scale of error a
correct float32 implementation shows).

loss_fixtures.npz (net dc: 1x28x28, width 8, depth 2, 4 classes; net dm: 3x32x32, width 8, depth 3, 4 classes):
  dc_real [6,1,28,28], dc_syn [2,1,28,28], dc_class [1]
      the real and synthetic batch of one class; DC's matching of that class: the weight gradients of the
      cross-entropy (mean over the batch) of each batch, every trainable parameter, the synthetic side with
      create_graph; the distance of DC's match_loss
  dc_ours, dc_ours_grad       'ours': per layer and output channel 1 - cosine (+1e-6 in the denominator),
                              summed; 1-D parameters (biases, norm gamma and beta) contribute 0
  dc_mse, dc_mse_grad         'mse': squared distance of all gradients concatenated
  dc_cos, dc_cos_grad         'cos': 1 - cosine of all gradients concatenated
  dm_real [8,3,32,32], dm_syn [3,3,32,32]
  dm_loss, dm_loss_grad       DM: |mean embedding(real) - mean embedding(syn)|^2, embedding = flattened body output;
                              no augmentation (ddlab's DSA draw is random; its geometry is tested on its own)
idc_loss_fixtures.npz (net idc: 3x32x32, width 8, depth 2, 4 classes):
  idc_real [6,3,32,32], idc_stored [1,3,32,32], idc_class [1]
      the stored (multi-formation) image of one class, decoded with IDC's decode_zoom, factor 2, into 4 images
  idc_<metric>, idc_<metric>_grad    IDC's matchloss ('grad') with dist(method): mse, l1, cos over the convolution
                                     weights only (IDC's default), gradient with respect to the stored image
  idc_cos_all, idc_cos_all_grad      cos with --bias and --fc: every parameter matched
frepo_fixtures.npz (net frepo: 1x28x28, width 8, depth 3, 4 classes):
  krr_a_support [8,16], krr_a_query [5,16], krr_a_targets [8,4], krr_a_ridge [1] -> krr_a_prediction [5,4]
  krr_b_support [12,6], krr_b_query [5,6], krr_b_targets [12,4], krr_b_ridge [1] -> krr_b_prediction [5,4]
      kernel ridge regression, linear kernel, ridge scaled by tr(K)/n (bench/common.py krr); case b has more
      support points than feature dimensions (a singular kernel only the ridge makes solvable)
  frepo_syn [8,1,28,28], frepo_labels [8,4] (learned labels), frepo_real [10,1,28,28], frepo_real_labels [10]
  frepo_prediction [10,4]     regression of the real batch's features onto the synthetic features and labels
  frepo_kernel_loss           1/2 |prediction - centred one-hot(real labels)|^2 per image, mean over the batch
  frepo_margin_loss           -mean(min(top1 - top2 of each learned label, 1/C))
  frepo_loss                  their sum, ddlab's FRePo outer loss (FrepoDistiller)
  frepo_grad_syn, frepo_grad_labels   its gradient with respect to the synthetic images and the learned labels
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

from common import krr
from idc_fixtures import decode_zoom

RESOURCES = os.path.join(os.path.dirname(__file__), "..", "lib", "src", "test", "resources", "org", "ddlab")
KINDS = ("weight", "bias", "gamma", "beta")


class ConvNet:
    """ddlab's ConvNet as plain functions of a parameter list, so the same weights run in float32 and float64."""

    def __init__(self, channels, size, width, depth, classes, gen):
        self.depth = depth
        self.params, self.kinds = [], []
        c = channels
        for _ in range(depth):
            self.add(torch.randn(width, c, 3, 3, generator=gen) * (2 / (9 * c)) ** 0.5, "weight")
            self.add(0.1 * torch.randn(width, generator=gen), "bias")
            self.add(1 + 0.2 * torch.randn(width, generator=gen), "gamma")
            self.add(0.2 * torch.randn(width, generator=gen), "beta")
            c = width
            size //= 2
        features = width * size * size
        self.add(torch.randn(classes, features, generator=gen) / features ** 0.5, "weight")
        self.add(0.1 * torch.randn(classes, generator=gen), "bias")

    def add(self, p, kind):
        self.params.append(p.float())
        self.kinds.append(kind)

    def weights(self, dtype):
        """Fresh leaves of the parameters in dtype."""
        return [p.to(dtype).requires_grad_(True) for p in self.params]

    def features(self, x, ws):
        for d in range(self.depth):
            w, b, g, beta = ws[4 * d:4 * d + 4]
            x = F.conv2d(x, w, b, padding=1)
            x = F.group_norm(x, w.shape[0], g, beta, eps=1e-5)
            x = F.avg_pool2d(F.relu(x), 2)
        return x.flatten(1)

    def logits(self, x, ws):
        return F.linear(self.features(x, ws), ws[-2], ws[-1])

    def store(self, out, name):
        for i, (p, kind) in enumerate(zip(self.params, self.kinds)):
            out[f"{name}.{i}.{kind}"] = p


def ce_gradients(net, ws, x, c, create_graph):
    labels = torch.full((x.shape[0],), c, dtype=torch.long)
    loss = F.cross_entropy(net.logits(x, ws), labels)
    return torch.autograd.grad(loss, ws, create_graph=create_graph)


def dc_distance(gw_syn, gw_real, metric):
    """DC's match_loss (utils.py of VICO-UoE/DatasetCondensation) with its distance_wb."""
    if metric == "ours":
        dis = 0
        for gwr, gws in zip(gw_real, gw_syn):
            if gwr.dim() == 1:
                continue  # distance_wb returns 0 for biases and norm parameters
            gwr = gwr.reshape(gwr.shape[0], -1)
            gws = gws.reshape(gws.shape[0], -1)
            dis = dis + torch.sum(1 - torch.sum(gwr * gws, dim=-1)
                                  / (torch.norm(gwr, dim=-1) * torch.norm(gws, dim=-1) + 0.000001))
        return dis
    r = torch.cat([g.reshape(-1) for g in gw_real])
    s = torch.cat([g.reshape(-1) for g in gw_syn])
    if metric == "mse":
        return torch.sum((s - r) ** 2)
    return 1 - torch.sum(r * s, dim=-1) / (torch.norm(r, dim=-1) * torch.norm(s, dim=-1) + 0.000001)


def idc_dist(x, y, method):
    """IDC's dist (condense.py of snu-mllab/Efficient-Dataset-Condensation)."""
    if method == "mse":
        return (x - y).pow(2).sum()
    if method == "l1":
        return (x - y).abs().sum()
    x = x.reshape(x.shape[0], -1)
    y = y.reshape(y.shape[0], -1)
    return torch.sum(1 - torch.sum(x * y, dim=-1) / (torch.norm(x, dim=-1) * torch.norm(y, dim=-1) + 1e-6))


def idc_matchloss(net, ws, real, syn, c, method, bias, fc):
    """IDC's matchloss with match='grad': gradients of every parameter, layers chosen by rank."""
    g_real = [g.detach() for g in ce_gradients(net, ws, real, c, False)]
    g_syn = ce_gradients(net, ws, syn, c, True)
    loss = 0
    for gr, gs in zip(g_real, g_syn):
        if gr.dim() == 1 and not bias:
            continue
        if gr.dim() == 2 and not fc:
            continue
        loss = loss + idc_dist(gr, gs, method)
    return loss


def value_and_grad(objective, inputs, dtype):
    """objective(*leaves) and its gradients with respect to each input, in dtype."""
    leaves = [x.to(dtype).requires_grad_(True) for x in inputs]
    value = objective(*leaves)
    grads = torch.autograd.grad(value, leaves)
    return value.detach(), [g.detach() for g in grads]


def record(out, name, objective, inputs, grad_names, report):
    """Stores the float64 value and gradients; reports how far float32 PyTorch is from them (relative to the
    largest magnitude of each array)."""
    v64, g64 = value_and_grad(objective, inputs, torch.float64)
    v32, g32 = value_and_grad(objective, inputs, torch.float32)
    out[name] = v64.reshape(1)
    errors = [abs(float(v32) - float(v64)) / max(abs(float(v64)), 1e-30)]
    for gname, a, b in zip(grad_names, g64, g32):
        out[gname] = a
        errors.append(float((a - b.double()).abs().max() / a.abs().max()))
    report.append(f"{name} {float(v64):.6g}: float32 torch off by {max(errors):.1e} (relative to each array's max)")


def matching_fixtures(gen, report):
    out = {}
    dc = ConvNet(1, 28, 8, 2, 4, gen)
    dc.store(out, "dc")
    real = torch.randn(6, 1, 28, 28, generator=gen)
    syn = torch.randn(2, 1, 28, 28, generator=gen)
    c = 1
    out.update(dc_real=real, dc_syn=syn, dc_class=torch.tensor([c]))
    for metric in ("ours", "mse", "cos"):
        def objective(s, metric=metric):
            ws = dc.weights(s.dtype)
            gw_real = [g.detach() for g in ce_gradients(dc, ws, real.to(s.dtype), c, False)]
            return dc_distance(ce_gradients(dc, ws, s, c, True), gw_real, metric)
        record(out, f"dc_{metric}", objective, [syn], [f"dc_{metric}_grad"], report)

    dm = ConvNet(3, 32, 8, 3, 4, gen)
    dm.store(out, "dm")
    real = torch.randn(8, 3, 32, 32, generator=gen)
    syn = torch.randn(3, 3, 32, 32, generator=gen)
    out.update(dm_real=real, dm_syn=syn)

    def dm_loss(s):
        ws = [p.to(s.dtype) for p in dm.params]
        real_mean = dm.features(real.to(s.dtype), ws).mean(0).detach()
        return torch.sum((real_mean - dm.features(s, ws).mean(0)) ** 2)
    record(out, "dm_loss", dm_loss, [syn], ["dm_loss_grad"], report)
    return out


def idc_fixtures(gen, report):
    out = {}
    net = ConvNet(3, 32, 8, 2, 4, gen)
    net.store(out, "idc")
    real = torch.randn(6, 3, 32, 32, generator=gen)
    stored = torch.rand(1, 3, 32, 32, generator=gen)
    c = 2
    out.update(idc_real=real, idc_stored=stored, idc_class=torch.tensor([c]))
    for name, method, bias, fc in (("mse", "mse", False, False), ("l1", "l1", False, False),
                                   ("cos", "cos", False, False), ("cos_all", "cos", True, True)):
        def objective(s, method=method, bias=bias, fc=fc):
            ws = net.weights(s.dtype)
            return idc_matchloss(net, ws, real.to(s.dtype), decode_zoom(s, 2), c, method, bias, fc)
        record(out, f"idc_{name}", objective, [stored], [f"idc_{name}_grad"], report)
    return out


def frepo_fixtures(gen, report):
    out = {}
    for case, n, f, ridge, scale in (("a", 8, 16, 1e-6, 3.0), ("b", 12, 6, 1e-2, 0.5)):
        support = scale * torch.randn(n, f, generator=gen)
        query = scale * torch.randn(5, f, generator=gen)
        targets = torch.randn(n, 4, generator=gen)
        out.update({f"krr_{case}_support": support, f"krr_{case}_query": query, f"krr_{case}_targets": targets,
                    f"krr_{case}_ridge": torch.tensor([ridge], dtype=torch.float64),
                    f"krr_{case}_prediction": krr(support, query, targets, ridge)})

    classes = 4
    net = ConvNet(1, 28, 8, 3, classes, gen)
    net.store(out, "frepo")
    syn = torch.randn(8, 1, 28, 28, generator=gen)
    onehot = F.one_hot(torch.arange(8) // 2, classes).float()
    labels = (onehot - 1 / classes) / (classes / 10) ** 0.5 + 0.05 * torch.randn(8, classes, generator=gen)
    real = torch.randn(10, 1, 28, 28, generator=gen)
    real_labels = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
    targets = F.one_hot(real_labels, classes).double() - 1 / classes
    out.update(frepo_syn=syn, frepo_labels=labels, frepo_real=real, frepo_real_labels=real_labels)

    def parts(x, y):
        ws = [p.to(x.dtype) for p in net.params]
        real_features = net.features(real.to(x.dtype), ws).detach()
        prediction = krr(net.features(x, ws), real_features, y, 1e-6)
        kernel = 0.5 * ((prediction - targets) ** 2).sum(1).mean()
        top = torch.sort(y, dim=1).values
        margin = -torch.minimum(top[:, -1] - top[:, -2], torch.tensor(1 / classes, dtype=y.dtype)).mean()
        return prediction, kernel, margin

    prediction, kernel, margin = parts(syn.double(), labels.double())
    out.update(frepo_prediction=prediction.detach(), frepo_kernel_loss=kernel.detach().reshape(1),
               frepo_margin_loss=margin.detach().reshape(1))
    record(out, "frepo_loss", lambda x, y: sum(parts(x, y)[1:]), [syn, labels],
           ["frepo_grad_syn", "frepo_grad_labels"], report)
    return out


def save(path, arrays):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path, **{k: (v.numpy().astype(np.int64) if v.dtype == torch.long else v.detach().numpy().astype(np.float32))
                      for k, v in arrays.items()})
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


def main():
    torch.manual_seed(0)
    report = []
    gen = torch.Generator().manual_seed(20261207)
    save(os.path.join(RESOURCES, "matching", "loss_fixtures.npz"), matching_fixtures(gen, report))
    save(os.path.join(RESOURCES, "idc", "idc_loss_fixtures.npz"), idc_fixtures(gen, report))
    save(os.path.join(RESOURCES, "frepo", "frepo_fixtures.npz"), frepo_fixtures(gen, report))
    print(f"torch {torch.__version__}")
    print("\n".join(report))


if __name__ == "__main__":
    main()
