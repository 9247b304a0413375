"""The lab as a person meets it: start `environment/lab`, open 00-welcome in headless Chromium,
run every cell, and check that the image grid shows and no cell failed. Saves a screenshot.

    /usr/bin/python3 environment/browser_test.py [--notebook 00-welcome.ipynb] [--screenshot FILE]

Needs Debian's chromium, chromium-driver and python3-selenium (environment/setup installs them).
Exit status 0 only when the notebook ran clean and its picture rendered.
"""
import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # the page may still be loading
            last = e
        time.sleep(0.5)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notebook", default="00-welcome.ipynb")
    ap.add_argument("--screenshot", type=Path, default=ROOT / "environment" / ".state" / "lab-screenshot.png")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for the whole notebook to run")
    args = ap.parse_args()

    token = secrets.token_hex(16)
    port = free_port()
    env = dict(os.environ, JUPYTER_TOKEN=token)
    log = open(ROOT / "environment" / ".state" / "lab-test.log", "w")
    lab = subprocess.Popen([str(ROOT / "environment" / "lab"), "--port", str(port), "--no-browser"],
                           env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    driver = None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).status == 200,
                 180, "environment/lab to serve")

        opts = Options()
        opts.binary_location = "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,2000"):
            opts.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        driver.get(f"{base}/notebooks/{args.notebook}?token={token}")

        wait_for(lambda: driver.execute_script(
            "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
            " && Jupyter.notebook.kernel.is_connected())"), 120, "the ddlab kernel to connect")
        # Never write outputs back into the repository's notebook.
        driver.execute_script("Jupyter.notebook.set_autosave_interval(0);"
                              "Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells();")
        done = ("var cs = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');"
                "return cs.every(c => typeof c.input_prompt_number === 'number')"
                " && !Jupyter.notebook.kernel_busy;")
        wait_for(lambda: driver.execute_script(done), args.timeout, "every cell to run")

        errors = driver.execute_script(
            "return Array.from(document.querySelectorAll('.output_error')).map(e => e.innerText.slice(0, 500));")
        images = driver.execute_script(
            "return Array.from(document.querySelectorAll('.output_png img, .output_subarea img'))"
            ".filter(i => i.complete && i.naturalWidth > 0).map(i => [i.naturalWidth, i.naturalHeight]);")
        grid = max(images, key=lambda wh: wh[0] * wh[1]) if images else None
        if grid:
            driver.execute_script(
                "var imgs = Array.from(document.querySelectorAll('.output_png img'));"
                "imgs.sort((a, b) => b.naturalWidth * b.naturalHeight - a.naturalWidth * a.naturalHeight);"
                "imgs[0].scrollIntoView();")
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(args.screenshot))

        problems = []
        if errors:
            problems.append(f"{len(errors)} cell(s) failed in the browser: {errors}")
        if not grid or grid[0] < 200 or grid[1] < 200:
            problems.append(f"no image grid rendered (images seen: {images})")
        if problems:
            print("FAIL browser test: " + "; ".join(problems), file=sys.stderr)
            return 1
        print(f"ok browser test: {args.notebook} ran in Chromium, grid {grid[0]}x{grid[1]} px, "
              f"{len(images)} picture(s); screenshot {args.screenshot}")
        return 0
    finally:
        if driver:
            driver.quit()
        try:
            os.killpg(lab.pid, signal.SIGTERM)
            lab.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(lab.pid, signal.SIGKILL)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
