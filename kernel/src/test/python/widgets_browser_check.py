"""Widgets in the classic notebook as a student meets them, in headless Chromium: a slider and an output
area shown by the ddlab kernel, the slider moved with the keyboard, and the output area redrawn by the
kernel's callback (its old text replaced, not appended).

    JUPYTER_PATH=DIR /usr/bin/python3 kernel/src/test/python/widgets_browser_check.py [--screenshot FILE]

JUPYTER_PATH names a directory whose kernels/ddlab/kernel.json runs the kernel to check. Needs Debian's
jupyter-nbextension-jupyter-js-widgets (enabled for every notebook server by its package), chromium,
chromium-driver and python3-selenium. Exit status 0 only when the output area followed the slider.
"""
import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[4]
sys.dont_write_bytecode = True
sys.path.insert(0, str(ROOT / "environment"))
from chromium import headless_chromium, wait_for  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

CELL = ('var s = new IntSlider("n", 0, 10, 3);\n'
        'var out = new Output();\n'
        's.onChange(v -> out.replace(() -> System.out.println("value is " + v)));\n'
        'display(Box.vertical(s, out));')

AREA_TEXT = ("return Array.from(document.querySelectorAll('.widget-area .output_subarea'))"
             ".map(e => e.innerText).join('|');")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--screenshot", type=Path, default=Path(tempfile.gettempdir()) / "ddlab-widgets.png")
    args = ap.parse_args()
    problems = []
    with tempfile.TemporaryDirectory(prefix="ddlab-widgets-") as d:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "ddlab", "display_name": "Java (ddlab)", "language": "java"}
        nb.cells = [nbformat.v4.new_code_cell(CELL)]
        nbformat.write(nb, os.path.join(d, "widgets.ipynb"))
        token, port = secrets.token_hex(16), free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--NotebookApp.port_retries=0", f"--notebook-dir={d}"]
            # Jupyter refuses to run as root unless told; containers and CI machines often are root.
            + (["--allow-root"] if os.geteuid() == 0 else []),
            env=dict(os.environ, JUPYTER_TOKEN=token), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).status == 200,
                     120, "the notebook server")
            with headless_chromium() as driver:
                driver.get(f"{base}/notebooks/widgets.ipynb?token={token}")
                wait_for(lambda: driver.execute_script(
                    "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                    " && Jupyter.notebook.kernel.is_connected());"), 120, "the kernel to connect")
                driver.execute_script("Jupyter.notebook.set_autosave_interval(0); Jupyter.notebook.execute_all_cells();")
                wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".widget-area .ui-slider-handle"),
                         120, "the slider to show")
                handle = driver.find_element(By.CSS_SELECTOR, ".widget-area .ui-slider-handle")
                for expected in ("value is 4", "value is 5"):
                    handle.send_keys(Keys.ARROW_RIGHT)
                    try:
                        wait_for(lambda: expected in driver.execute_script(AREA_TEXT), 60,
                                 f"the output area to show '{expected}'")
                    except Exception as e:  # noqa: BLE001 - reported below with what the area shows
                        problems.append(f"{e}; the output area shows {driver.execute_script(AREA_TEXT)!r}")
                        break
                shown = driver.execute_script(AREA_TEXT)
                if not problems and "value is 4" in shown:
                    problems.append(f"the output area kept the old text: {shown!r}")
                errors = driver.execute_script(
                    "return Array.from(document.querySelectorAll('.output_error, .output_stderr'))"
                    ".map(e => e.innerText.slice(0, 300));")
                if errors:
                    problems.append(f"errors in the notebook: {errors}")
                args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(args.screenshot))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    if problems:
        print("FAIL widgets in the browser:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"ok widgets in the browser: the output area followed the slider; screenshot {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
