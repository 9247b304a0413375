"""Executes the course's notebooks headless with the ddlab kernel and fails loudly when a cell raises.

Used by the kernel module's NotebooksIT (quick profile, in `environment/test`) and by
`environment/render`. With --out and --html it also writes each notebook's page for a reader (stamped,
pictures embedded, equations typeset, no script: environment/course_pages.py). Run with Debian's python3:

    /usr/bin/python3 environment/execute_notebooks.py [--out DIR] [--html] [--timeout S] [--trace-memory] NOTEBOOK...

Prints one line per notebook (time, and the kernel's peak resident memory when it can be read)
and exits non-zero when any notebook fails, after showing the failing cell and its error.
"""
import argparse
import os
import sys
import threading
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def peak_rss_mb(pid):
    """Peak resident memory (VmHWM) of a live process, in MB, or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


class PeakWatcher(threading.Thread):
    """Samples the kernel's VmHWM until stopped, since the process is gone when execution ends."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.peak = None
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(0.5):
            km = getattr(self.client, "km", None)
            proc = getattr(getattr(km, "provisioner", None), "process", None) if km else None
            pid = getattr(proc, "pid", None)
            if pid:
                v = peak_rss_mb(pid)
                if v is not None:
                    self.peak = v if self.peak is None else max(self.peak, v)


def rss_mb(pid):
    """Current and peak resident memory (VmRSS, VmHWM) of a live process, in MB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return values.get("VmRSS"), values.get("VmHWM")


def execute(path, out_dir, timeout, kernel, trace_memory=False):
    nb = nbformat.read(path, as_version=4)
    # No widget state in the executed notebook: nbconvert would turn it into a script loaded from the network, and a
    # page must load nothing (the controls need a live kernel anyway).
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, store_widget_state=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    watcher = PeakWatcher(client)
    if trace_memory:
        # Which cell raised the peak: the kernel's resident and peak memory after every code cell.
        def after_cell(cell, cell_index, **_):
            proc = getattr(getattr(client.km, "provisioner", None), "process", None)
            rss, hwm = rss_mb(proc.pid) if proc else (None, None)
            if rss is not None and cell.cell_type == "code":
                first = next(iter(cell.source.splitlines()), "")[:60]
                print(f"  cell {cell_index:3}  rss {rss:6.0f} MB  peak {hwm:6.0f} MB  {first}", flush=True)
        client.on_cell_executed = after_cell
    watcher.start()
    start = time.monotonic()
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        error = e
    finally:
        watcher.stop.set()
        watcher.join()
    seconds = time.monotonic() - start
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out_dir / Path(path).name)
    return seconds, watcher.peak, error, nb


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--out", type=Path, help="write executed notebooks (and HTML) here")
    ap.add_argument("--html", action="store_true",
                    help="also write each notebook's page, course.css and index.html (environment/course_pages.py)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds one cell may take")
    ap.add_argument("--kernel", default="ddlab")
    ap.add_argument("--trace-memory", action="store_true",
                    help="print the kernel's resident and peak memory after every code cell")
    args = ap.parse_args()

    if args.html:
        # Pages need nbconvert, Chromium and Selenium; executing alone needs none of them.
        sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the repository
        import course_pages
        from chromium import headless_chromium
    failed = []
    for nb in args.notebooks:
        facts = course_pages.machine_facts() if args.html else None
        seconds, peak, error, executed = execute(nb, args.out, args.timeout, args.kernel, args.trace_memory)
        mem = f"{peak:.0f} MB peak" if peak else "peak memory unknown"
        status = "FAILED" if error else "ok"
        print(f"{status:6} {Path(nb).name:40} {seconds:7.1f} s  {mem}  "
              f"(profile {os.environ.get('DDLAB_PROFILE', 'default')})", flush=True)
        if error:
            print(str(error), file=sys.stderr, flush=True)
            failed.append(nb)
        if args.out and args.html:
            record = course_pages.run_record(nb, executed, seconds, peak, error is not None, facts)
            try:
                with headless_chromium() as driver:
                    page = course_pages.write_page(args.out, executed, record, driver)
                index = course_pages.write_index(args.out)
                print(f"       page {page}  (index {index})", flush=True)
            except (ValueError, OSError, TimeoutError) as e:
                print(f"FAILED page of {Path(nb).name}: {e}", file=sys.stderr, flush=True)
                if nb not in failed:
                    failed.append(nb)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
