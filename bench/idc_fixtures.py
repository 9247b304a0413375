"""Writes lib/src/test/resources/org/ddlab/idc/idc_fixtures.npz: what PyTorch computes for IDC's
multi-formation, so the Java tests compare against the library IDC runs on, not against our reading of it.

Run with Debian's interpreter (it has torch): /usr/bin/python3 bench/idc_fixtures.py

Arrays (float32; shapes small so the file stays a few kB):
  tiles [2,3,4,4] -> up_tiles [2,3,8,8]       F.interpolate(mode='bilinear', align_corners=False)
  rect [1,2,3,5] -> up_rect [1,2,7,6]         the same, non-square both ways (catches swapped axes)
  rgb [2,3,8,8] -> dec_rgb_f2 [8,3,8,8]       IDC's decode_zoom, factor 2 (nn.Upsample(size, mode='bilinear'))
               -> dec_rgb_f3 [18,3,8,8]       factor 3: padded to 9x9 with 0.5, tiles 3x3
  gray7 [1,1,7,7] -> dec_gray7_f2 [4,1,7,7]   factor 2 on an odd side: padded to 8x8 with 0.5
  w_rgb_f2, w_gray7_f2                        weights of the loss sum(w * decoded^2)
  grad_rgb_f2, grad_gray7_f2                  its gradient with respect to the stored pixels
  real_rgb [8,3,8,8] -> near_rgb [8,3,4,4]    F.interpolate(size=(4,4)), default mode 'nearest'
  real_gray7 [4,1,7,7] -> near_gray7 [4,1,3,5] nearest to a size that does not divide 7
  init_rgb [2,3,8,8]                          IDC's 'mix' initialisation of 2 stored images from real_rgb
  init_gray7 [1,1,7,7]                        the same for 1 stored image from real_gray7 (tiles 4 and 3)
  warp [2,2,6,7] -> warp_zoom_edges, warp_rot_edges   F.affine_grid/F.grid_sample, align_corners=False (IDC):
                                                     zoom x 1.1, y 0.8; rotation by 0.3 rad
                 -> warp_zoom_ac, warp_rot_ac         the same with align_corners=True (DSA)
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "lib", "src", "test", "resources", "org", "ddlab", "idc",
                   "idc_fixtures.npz")


def decode_zoom(img, factor):
    """IDC's decode_zoom (condense.py): pad bottom/right with 0.5 to a multiple of factor, cut factor^2
    tiles row by row (all first tiles of the batch, then all second ones...), upsample each to the input size."""
    size = img.shape[-2:]
    h = img.shape[-1]
    remained = h % factor
    if remained > 0:
        img = F.pad(img, pad=(0, factor - remained, 0, factor - remained), value=0.5)
    s = math.ceil(h / factor)
    tiles = [img[:, :, i * s:(i + 1) * s, j * s:(j + 1) * s] for i in range(factor) for j in range(factor)]
    return nn.Upsample(size=size, mode='bilinear')(torch.cat(tiles))


def mix_init(real, ipc, factor):
    """IDC's 'mix' initialisation (Synthesizer.init): chunk k of ipc real images, nearest-downsampled, fills tile k."""
    c, h, w = real.shape[1:]
    data = torch.zeros(ipc, c, h, w)
    s = h // factor
    remained = h % factor
    k = 0
    h_loc = 0
    for i in range(factor):
        h_r = s + 1 if i < remained else s
        w_loc = 0
        for j in range(factor):
            w_r = s + 1 if j < remained else s
            data[:, :, h_loc:h_loc + h_r, w_loc:w_loc + w_r] = F.interpolate(real[k * ipc:(k + 1) * ipc], size=(h_r, w_r))
            w_loc += w_r
            k += 1
        h_loc += h_r
    return data


def main():
    g = torch.Generator().manual_seed(20220707)

    def rand(*shape):
        return torch.rand(*shape, generator=g)

    out = {}
    tiles = rand(2, 3, 4, 4)
    out["tiles"] = tiles
    out["up_tiles"] = F.interpolate(tiles, size=(8, 8), mode='bilinear', align_corners=False)
    rect = rand(1, 2, 3, 5)
    out["rect"] = rect
    out["up_rect"] = F.interpolate(rect, size=(7, 6), mode='bilinear', align_corners=False)

    for name, shape, factors in (("rgb", (2, 3, 8, 8), (2, 3)), ("gray7", (1, 1, 7, 7), (2,))):
        stored = rand(*shape)
        out[name] = stored
        for f in factors:
            out[f"dec_{name}_f{f}"] = decode_zoom(stored, f)
        leaf = stored.clone().requires_grad_(True)
        decoded = decode_zoom(leaf, 2)
        w = rand(*decoded.shape) - 0.5
        (w * decoded.pow(2)).sum().backward()
        out[f"w_{name}_f2"] = w
        out[f"grad_{name}_f2"] = leaf.grad

    real_rgb = rand(8, 3, 8, 8)
    out["real_rgb"] = real_rgb
    out["near_rgb"] = F.interpolate(real_rgb, size=(4, 4))
    out["init_rgb"] = mix_init(real_rgb, 2, 2)
    real_gray7 = rand(4, 1, 7, 7)
    out["real_gray7"] = real_gray7
    out["near_gray7"] = F.interpolate(real_gray7, size=(3, 5))
    out["init_gray7"] = mix_init(real_gray7, 1, 2)

    # IDC's scale and rotate (its DiffAug): F.affine_grid + F.grid_sample with PyTorch's default align_corners=False,
    # and DSA's reference with True; zoom (1.1, 0.8) and a rotation of 0.3 rad on a non-square image.
    warp = rand(2, 2, 6, 7)
    out["warp"] = warp
    t = 0.3
    thetas = {"zoom": [[1.1, 0.0, 0.0], [0.0, 0.8, 0.0]],
              "rot": [[math.cos(t), math.sin(-t), 0.0], [math.sin(t), math.cos(t), 0.0]]}
    for name, theta in thetas.items():
        th = torch.tensor([theta], dtype=torch.float32).expand(2, 2, 3)
        for align in (False, True):
            grid = F.affine_grid(th, list(warp.shape), align_corners=align)
            out[f"warp_{name}_{'ac' if align else 'edges'}"] = F.grid_sample(warp, grid, align_corners=align)

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez(OUT, **{k: v.detach().numpy().astype(np.float32) for k, v in out.items()})
    print(f"wrote {os.path.normpath(OUT)} (torch {torch.__version__}): "
          + ", ".join(f"{k} {list(v.shape)}" for k, v in out.items()))


if __name__ == "__main__":
    main()
