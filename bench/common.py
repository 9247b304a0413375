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


def krr(fs, ft, ys, ridge):
    """Kernel ridge regression with the linear kernel, in float64, ridge relative to tr(K)/n (FRePo)."""
    fs, ft, ys = fs.double(), ft.double(), ys.double()
    kss = fs @ fs.T
    n = kss.shape[0]
    reg = kss + ridge * torch.trace(kss) / n * torch.eye(n, dtype=kss.dtype)
    return (ft @ fs.T) @ torch.linalg.solve(reg, ys)
