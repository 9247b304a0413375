"""Writes lib/src/test/resources/org/ddlab/augment/dsa_fixtures.npz: what DSA's reference computes (Zhao & Bilen 2021,
DatasetCondensation utils.py: DiffAugment with ParamDiffAug) for fixed parameters, so DsaAgainstTorchTest compares
ddlab's DsaAugment with the reference's own code, not with our reading of it.

Run with Debian's interpreter (it has torch): /usr/bin/python3 bench/dsa_fixtures.py

The functions below are the reference's rand_brightness, rand_saturation, rand_contrast, rand_crop, rand_cutout,
rand_flip, rand_scale and rand_rotate with one change: the random tensors each draws (torch.rand / torch.randint)
are arguments, so the script hands in the values ddlab's Draw holds. ddlab restates the reference's strengths so that
zero means "no change" (see DsaParams); its values map onto the reference's draws as follows:
  brightness b      randb = b + 0.5          (x + (randb - 0.5) * brightness=1.0)
  saturation s      rands = s / 2            ((x - grey) * (rands * saturation=2.0) + grey)
  contrast c        randc = c - 0.5          ((x - mean) * (randc + contrast=0.5) + mean)
  crop shift r, c   translation = -r, -c     ddlab moves the content down/right by its shift; the reference's output
                                             pixel i reads input i + translation. The same distribution either way.
  cutout            offsets as drawn         ddlab keeps a uniform u and takes offset = floor(u * range)
  flip              randf = 0 (flip) or 1    (torch.where(randf < prob_flip=0.5, x.flip(3), x))
  scale sx, sy      theta [[sx, 0, 0], [0, sy, 0]]
  rotate t          theta [[cos t, sin(-t), 0], [sin t, cos t, 0]]
Siamese draws (one parameter set for the whole batch) are the reference's theta[:] = theta[0]: image 0's values for
every image. Scale and rotate use F.affine_grid / F.grid_sample with align_corners=True: the reference calls them
without the flag and pins torch 1.2.0 (requirements.txt), which had no flag and aligned corners; the same call on torch
>= 1.3 gets False with a warning, and copies such as MTT's pass True explicitly.
Everything is computed in float64 from the float32 parameters and stored as float32: the fixture holds the
reference's function to float32 rounding (the reference itself runs in float32, which differs by about 1e-7).

Images (non-square, so swapped axes show): gray [2,1,12,10] and rgb [2,3,10,13], N(0, 1). crop_ratio 0.25 (shifts up
to 3 px on these sides, past the reference's one-pixel pad, which its clamp extends with zeros) and cutout_ratio 0.5
(boxes of 6x5 on gray and 5x7 on rgb: odd and even sides, one box clipped by the image border).

Arrays (float32 unless said):
  x.gray, x.rgb                       the images
  w.gray, w.rgb                       weights of the scalar loss sum(w * out), whose gradient with respect to the
                                      images is stored for every operation (DSA must pass gradients to the images)
  crop_ratio [1], cutout_ratio [1]    the DsaParams ratios of the draws
  brightness, saturation, contrast [2]            ddlab's per-image values (image 0, image 1)
  shift_rows, shift_cols [2] (int64)              crop shift in pixels on both image sets
  crop_row_u, crop_col_u [2]                      ddlab's uniforms that give those shifts
  cutout_row, cutout_col [gray|rgb] [2] (int64)   the reference's offset_x, offset_y per image set: cutout_row.gray ...
  cutout_row_u, cutout_col_u [gray|rgb] [2]       ddlab's uniforms that give those offsets
  flip [2] (uint8), scale_x, scale_y, rotation [2] (radians)
  OP.SET.MODE [N,C,H,W]               the reference's output: OP color, crop, cutout, flip, scale, rotate, or all (the
                                      reference's aug_mode 'M': every group in the order color crop cutout flip scale
                                      rotate); SET gray or rgb; MODE per_image or shared (siamese: image 0's values)
  OP.SET.MODE.grad                    d sum(w.SET * out) / d x.SET
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "lib", "src", "test", "resources", "org", "ddlab", "augment",
                   "dsa_fixtures.npz")

CROP_RATIO = 0.25
CUTOUT_RATIO = 0.5


# The reference's operations (DatasetCondensation utils.py), each draw an argument. ---------------------------------

def rand_brightness(x, randb, ratio=1.0):
    return x + (randb - 0.5) * ratio


def rand_saturation(x, rands, ratio=2.0):
    x_mean = x.mean(dim=1, keepdim=True)
    return (x - x_mean) * (rands * ratio) + x_mean


def rand_contrast(x, randc, ratio=0.5):
    x_mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - x_mean) * (randc + ratio) + x_mean


def rand_crop(x, translation_x, translation_y):
    grid_batch, grid_x, grid_y = torch.meshgrid(
        torch.arange(x.size(0), dtype=torch.long),
        torch.arange(x.size(2), dtype=torch.long),
        torch.arange(x.size(3), dtype=torch.long),
        indexing="ij",
    )
    grid_x = torch.clamp(grid_x + translation_x + 1, 0, x.size(2) + 1)
    grid_y = torch.clamp(grid_y + translation_y + 1, 0, x.size(3) + 1)
    x_pad = F.pad(x, [1, 1, 1, 1, 0, 0, 0, 0])
    return x_pad.permute(0, 2, 3, 1).contiguous()[grid_batch, grid_x, grid_y].permute(0, 3, 1, 2)


def cutout_size(x, ratio=CUTOUT_RATIO):
    return int(x.size(2) * ratio + 0.5), int(x.size(3) * ratio + 0.5)


def rand_cutout(x, offset_x, offset_y, ratio=CUTOUT_RATIO):
    size = cutout_size(x, ratio)
    grid_batch, grid_x, grid_y = torch.meshgrid(
        torch.arange(x.size(0), dtype=torch.long),
        torch.arange(size[0], dtype=torch.long),
        torch.arange(size[1], dtype=torch.long),
        indexing="ij",
    )
    grid_x = torch.clamp(grid_x + offset_x - size[0] // 2, min=0, max=x.size(2) - 1)
    grid_y = torch.clamp(grid_y + offset_y - size[1] // 2, min=0, max=x.size(3) - 1)
    mask = torch.ones(x.size(0), x.size(2), x.size(3), dtype=x.dtype)
    mask[grid_batch, grid_x, grid_y] = 0
    return x * mask.unsqueeze(1)


def rand_flip(x, randf, prob=0.5):
    return torch.where(randf < prob, x.flip(3), x)


def warp(x, theta):
    grid = F.affine_grid(theta, x.shape, align_corners=True)
    return F.grid_sample(x, grid, align_corners=True)


def rand_scale(x, sx, sy):
    theta = [[[sx[i], 0, 0], [0, sy[i], 0]] for i in range(x.shape[0])]
    return warp(x, torch.tensor(theta, dtype=x.dtype))


def rand_rotate(x, theta):
    theta = [[[torch.cos(theta[i]), torch.sin(-theta[i]), 0], [torch.sin(theta[i]), torch.cos(theta[i]), 0]]
             for i in range(x.shape[0])]
    return warp(x, torch.tensor(theta, dtype=x.dtype))


# ddlab's values, as the reference's draws. -------------------------------------------------------------------------

def as_column(v, n):
    return torch.tensor(v, dtype=torch.float64)[:n].reshape(-1, 1, 1, 1)


def operations(p, set_name, n):
    """Each group of the reference's AUGMENT_FNS as a function of x, for the first n parameter sets (n = 1 and a batch
    of 2: the siamese case, theta[:] = theta[0], by broadcasting)."""
    def pick(v):
        t = torch.tensor(np.asarray(v)[:n])
        return t.repeat(2) if n == 1 else t

    def color(x):
        x = rand_brightness(x, as_column(p["brightness"], n) + 0.5)
        x = rand_saturation(x, as_column(p["saturation"], n) / 2)
        return rand_contrast(x, as_column(p["contrast"], n) - 0.5)

    def crop(x):
        return rand_crop(x, -pick(p["shift_rows"]).reshape(-1, 1, 1), -pick(p["shift_cols"]).reshape(-1, 1, 1))

    def cutout(x):
        return rand_cutout(x, pick(p["cutout_row." + set_name]).reshape(-1, 1, 1),
                           pick(p["cutout_col." + set_name]).reshape(-1, 1, 1))

    def flip(x):
        return rand_flip(x, 1.0 - as_column(p["flip"].astype(np.float64), n))

    def scale(x):
        return rand_scale(x, pick(p["scale_x"]).double(), pick(p["scale_y"]).double())

    def rotate(x):
        return rand_rotate(x, pick(p["rotation"]).double())

    groups = {"color": color, "crop": crop, "cutout": cutout, "flip": flip, "scale": scale, "rotate": rotate}

    def all_groups(x):
        for f in groups.values():
            x = f(x)
        return x

    return {**groups, "all": all_groups}


def uniform_for(index, count):
    """The middle of bin `index` of `count` equal bins of [0, 1): ddlab's floor(u * count) gives `index` back."""
    return np.float32((index + 0.5) / count)


def main():
    rng = np.random.default_rng(20210712)
    images = {"gray": rng.normal(size=(2, 1, 12, 10)), "rgb": rng.normal(size=(2, 3, 10, 13))}
    images = {k: v.astype(np.float32) for k, v in images.items()}
    weights = {k: rng.normal(size=v.shape).astype(np.float32) for k, v in images.items()}

    p = {
        "crop_ratio": np.array([CROP_RATIO], dtype=np.float32),
        "cutout_ratio": np.array([CUTOUT_RATIO], dtype=np.float32),
        "brightness": np.array([0.3, -0.45], dtype=np.float32),
        "saturation": np.array([1.7, 0.2], dtype=np.float32),
        "contrast": np.array([0.6, 1.4], dtype=np.float32),
        "shift_rows": np.array([3, -1], dtype=np.int64),
        "shift_cols": np.array([-2, 3], dtype=np.int64),
        "flip": np.array([1, 0], dtype=np.uint8),
        "scale_x": np.array([1.15, 0.85], dtype=np.float32),
        "scale_y": np.array([0.9, 1.1], dtype=np.float32),
        "rotation": np.array([0.2, -0.25], dtype=np.float32),
    }
    # Crop: the shift's largest size on both image sets (12, 10, 10 and 13 px sides) is int(side * 0.25 + 0.5) = 3.
    for axis in ("rows", "cols"):
        p[f"crop_{axis[:3]}_u"] = np.array([uniform_for(s + 3, 7) for s in p["shift_" + axis]], dtype=np.float32)
    # Cutout: the reference's offsets, one box inside the image and one clipped by the border.
    for set_name, x in images.items():
        h, w = x.shape[2:]
        size = cutout_size(torch.from_numpy(x))
        rows, cols = h + (1 - size[0] % 2), w + (1 - size[1] % 2)  # the reference's randint ranges
        offsets = {"row": [h // 2, rows - 1], "col": [w // 2 - 1, 1]}
        for axis, count in (("row", rows), ("col", cols)):
            p[f"cutout_{axis}.{set_name}"] = np.array(offsets[axis], dtype=np.int64)
            p[f"cutout_{axis}_u.{set_name}"] = np.array([uniform_for(o, count) for o in offsets[axis]],
                                                        dtype=np.float32)

    out = {}
    for set_name, x in images.items():
        out["x." + set_name] = x
        out["w." + set_name] = weights[set_name]
    out.update(p)
    for set_name, x in images.items():
        for mode, n in (("per_image", 2), ("shared", 1)):
            for op, f in operations(p, set_name, n).items():
                leaf = torch.from_numpy(x).double().requires_grad_(True)
                y = f(leaf)
                (y * torch.from_numpy(weights[set_name]).double()).sum().backward()
                key = f"{op}.{set_name}.{mode}"
                out[key] = y.detach().numpy().astype(np.float32)
                out[key + ".grad"] = leaf.grad.numpy().astype(np.float32)

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez_compressed(OUT, **out)
    print(f"wrote {os.path.normpath(OUT)} (torch {torch.__version__}, {os.path.getsize(OUT):,} bytes, "
          f"{len(out)} arrays)")


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
