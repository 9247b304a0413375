"""What the PyTorch sides of ddlab's benchmarks share: memory figures and FRePo's kernel regression."""
import torch


def status_mb(field):
    """A /proc/self/status field (VmRSS, VmHWM) in MB. Not getrusage: ru_maxrss survives execve, so a
    child of a big JVM would report the JVM's peak; VmHWM belongs to this process image alone."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def baseline_mb():
    """The resident size now, made the start of a new peak: VmHWM is reset to it (clear_refs 5, Linux >= 4.0), so
    VmHWM read afterwards is the peak of what ran since, not of torch's import or the data's creation, which a small
    computation may never exceed (every size would then report the same peak)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass  # a kernel without the reset: the peak also covers what ran before, an upper bound
    return status_mb("VmRSS")


def krr(fs, ft, ys, ridge):
    """Kernel ridge regression with the linear kernel, in float64, ridge relative to tr(K)/n (FRePo)."""
    fs, ft, ys = fs.double(), ft.double(), ys.double()
    kss = fs @ fs.T
    n = kss.shape[0]
    reg = kss + ridge * torch.trace(kss) / n * torch.eye(n, dtype=kss.dtype)
    return (ft @ fs.T) @ torch.linalg.solve(reg, ys)
