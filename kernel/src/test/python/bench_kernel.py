#!/usr/bin/env python3
"""Start-up and round-trip benchmark of Jupyter kernels, side by side (not a test).

    /usr/bin/python3 kernel/src/test/python/bench_kernel.py --kernels ddlab python3 --repeats 5

For each kernel: seconds from start_kernel to the first kernel_info reply, the first cell
(`1+1`, which for ddlab includes the rest of JShell's start), and median/mean round trip of
`1+1` over N runs. Without --jupyter-path the ddlab kernelspec is installed into a temp dir
with java KernelSpecInstaller from kernel/target (build first: mvn -o install -DskipTests).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
KERNEL_TARGET = HERE.parents[3] / "target"
DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"


def install_ddlab_spec(java):
    jupyter_path = tempfile.mkdtemp(prefix="ddlab-bench-")
    cp = f"{KERNEL_TARGET / 'ddlab-kernel.jar'}:{KERNEL_TARGET / 'lib'}/*"
    subprocess.run([java, "-cp", cp, "org.ddlab.kernel.KernelSpecInstaller",
                    "--dir", os.path.join(jupyter_path, "kernels"), "--java", java],
                   check=True, stdout=subprocess.DEVNULL)
    return jupyter_path


def bench(kernel_name, repeats, timeout):
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.kernel_info()
        while True:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["msg_type"] == "kernel_info_reply":
                break
        startup = time.perf_counter() - t0
        # IOPub is a PUB/SUB socket: until the subscription is through, a cell's output (and
        # its idle status) can be lost. wait_for_ready repeats kernel_info until IOPub answers.
        kc.wait_for_ready(timeout=timeout)

        def roundtrip():
            t = time.perf_counter()
            r = kc.execute_interactive("1+1", timeout=timeout, output_hook=lambda m: None)
            assert r["content"]["status"] == "ok", r["content"]
            return time.perf_counter() - t

        first = roundtrip()
        times = [roundtrip() for _ in range(repeats)]
        return startup, first, statistics.median(times), statistics.mean(times)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernels", nargs="+", default=["ddlab", "python3"])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--jupyter-path", help="a dir with kernels/ddlab/kernel.json (else one is installed)")
    ap.add_argument("--java", default=DEFAULT_JAVA if os.path.exists(DEFAULT_JAVA) else "java")
    args = ap.parse_args()

    if "ddlab" in args.kernels:
        jp = args.jupyter_path or install_ddlab_spec(args.java)
        os.environ["JUPYTER_PATH"] = jp + (os.pathsep + os.environ["JUPYTER_PATH"] if os.environ.get("JUPYTER_PATH") else "")

    rows = []
    for k in args.kernels:
        startup, first, med, mean = bench(k, args.repeats, args.timeout)
        rows.append((k, startup, first, med, mean))

    head = ("kernel", "start→kernel_info (s)", "first 1+1 (ms)", f"median 1+1 (ms, n={args.repeats})", "mean 1+1 (ms)")
    table = [head] + [(k, f"{s:.2f}", f"{f * 1000:.1f}", f"{m * 1000:.1f}", f"{a * 1000:.1f}") for k, s, f, m, a in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table[1:]:
        print(line(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
