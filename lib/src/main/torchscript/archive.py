"""What ddlab's TorchScript generators share: saving a scripted module as the archive libtorch loads.

The debug tables are dropped: they hold the generating script's absolute path, and libtorch loads without them,
so the committed archive depends only on the module's code.
"""
import io
import zipfile

import torch


def save(module, target):
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if not info.filename.endswith(".debug_pkl"):
                dst.writestr(info, src.read(info))
    print(target)
