"""The course as a person meets it, in headless Chromium with the network cut off (127.0.0.1 only):

1. the course's pages (docs/course/*.html, and a page of 00-welcome rendered now) opened as files: every picture
   loaded, every displayed equation typeset, no TeX left raw, the stamp on top, no script, nothing fetched from
   outside the page but its course.css (environment/course_pages.py says what a good page is);
2. `environment/lab` serving the course: the notebook with the most displayed equations shows them typeset by
   the MathJax the notebook server serves (Debian's libjs-mathjax), none left raw;
3. 00-welcome run cell by cell in the lab: no cell fails, every picture loads and the image grid shows.
   Saves a screenshot.

    /usr/bin/python3 environment/browser_test.py [--notebook 00-welcome.ipynb] [--screenshot FILE]
        [--pages DIR ...] [--lab-arg=--NotebookApp.OPTION=VALUE ...]

Needs Debian's chromium, chromium-driver and python3-selenium (environment/setup installs them).
Exit status 0 only when every check passed.
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
import warnings
from pathlib import Path

import nbformat

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the repository
import course_pages  # noqa: E402
from chromium import headless_chromium, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", message="Code cell is missing an id field")  # nbformat, on reading the course
LAB = ROOT / "environment" / "lab"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_pages(driver, page_dirs, fresh_dir):
    """Problems with the pages in page_dirs and with a page of 00-welcome rendered into fresh_dir."""
    problems, checked = [], []
    run = subprocess.run([sys.executable, str(ROOT / "environment" / "execute_notebooks.py"), "--out", str(fresh_dir),
                          "--html", str(ROOT / "notebooks" / "00-welcome.ipynb")],
                         capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        problems.append(f"rendering 00-welcome's page failed:\n{run.stdout}\n{run.stderr}")
    for d in [fresh_dir, *page_dirs]:
        pages = sorted(Path(d).glob("*.html"))
        index = Path(d) / "index.html"
        if index.exists():
            # Every page the index lists is there.
            driver.get(index.resolve().as_uri())
            links = driver.execute_script(
                "return Array.from(document.querySelectorAll('a[href$=\".html\"]')).map(a => a.getAttribute('href'))")
            problems += [f"{index} links {link}, which is missing" for link in links if not (Path(d) / link).exists()]
        elif pages:
            problems.append(f"{d} has pages but no index.html")
        if d != fresh_dir and pages:
            # The course's pages are the whole course: a notebook without its page is a page missing.
            names = {p.stem for p in pages}
            problems += [f"{d} has no page of {nb.name} (environment/render --pages {nb.relative_to(ROOT)})"
                         for nb in sorted((ROOT / "notebooks").glob("*.ipynb")) if nb.stem not in names]
        for page in pages:
            problems += [f"{page}: {p}" for p in course_pages.check_page(driver, page)]
            checked.append(page)
    return problems, checked


# The notebook server saves an open notebook every two minutes once anything marks it changed (running cells,
# cell ids it adds): the test turns autosave off as soon as the notebook exists, and never saves.
NO_AUTOSAVE = ("if (!(window.Jupyter && Jupyter.notebook)) return false;"
               "Jupyter.notebook.set_autosave_interval(0);")


# Notebook 6.4 renders Markdown cells on load and MathJax typesets them after; the predicate returns the counts
# once every displayed equation of the source is typeset and MathJax's queue is idle.
LIVE_MATH = """
const mj = window.MathJax && MathJax.Hub;
const cells = Array.from(document.querySelectorAll('.text_cell_render'));
const displays = cells.reduce((n, c) =>
  n + c.querySelectorAll('.MathJax_Display, .MathJax_SVG_Display, .MJXc-display').length, 0);
const raw = cells.map(c => { const k = c.cloneNode(true);
  k.querySelectorAll('code, pre, script').forEach(x => x.remove()); return k.textContent; })
  .filter(t => t.includes('$$')).map(t => t.slice(0, 80));
const errors = document.querySelectorAll('.MathJax_Error, .text_cell_render [style*="color: red"]').length;
const src = (Array.from(document.scripts).find(s => /MathJax\\.js/.test(s.src)) || {}).src || '';
const idle = !!mj && mj.queue.pending === 0 && !mj.queue.running;
return {loaded: !!mj, idle: idle, displays: displays, raw: raw, errors: errors, src: src, cells: cells.length};
"""


def check_live_math(driver, base, token, timeout=120):
    """Problems with the equations of the course notebook that has the most, as the notebook server shows them."""
    counts = {p.name: course_pages.displayed_equations(nbformat.read(p, as_version=4))
              for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    name, expected = max(counts.items(), key=lambda kv: kv[1])
    if expected == 0:
        return [f"no notebook has a displayed equation ($$…$$) to check: {counts}"], name, None
    driver.get(f"{base}/notebooks/{name}?token={token}")
    try:
        wait_for(lambda: driver.execute_script(NO_AUTOSAVE + "return Jupyter.notebook._fully_loaded;"),
                 120, f"{name} to load")
        r = wait_for(lambda: (lambda r: r if r["idle"] and r["displays"] >= expected else None)(
            driver.execute_script(LIVE_MATH)), timeout, f"MathJax to typeset {expected} displayed equations")
    except TimeoutError as e:
        return [f"{name}: {e}; now {driver.execute_script(LIVE_MATH)}"], name, None
    finally:
        # The notebook's kernel is not needed for its Markdown: stop it before the next notebook starts one.
        driver.execute_script("if (window.Jupyter && Jupyter.notebook && Jupyter.notebook.session)"
                              " { Jupyter.notebook.session.delete(); }")
    problems = []
    if not r["src"].startswith(f"{base}/static/components/MathJax/"):
        problems.append(f"{name}: MathJax is not the copy the notebook server serves: {r['src']!r}")
    if r["raw"]:
        problems.append(f"{name}: TeX shown raw: {r['raw']}")
    if r["errors"]:
        problems.append(f"{name}: {r['errors']} equation(s) MathJax could not typeset")
    return problems, name, r


def run_welcome(driver, base, token, notebook, timeout, screenshot):
    """Problems running notebook cell by cell in the lab, and the size of its largest picture."""
    driver.get(f"{base}/notebooks/{notebook}?token={token}")
    wait_for(lambda: driver.execute_script(
        NO_AUTOSAVE + "return !!(Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected());"),
        120, "the ddlab kernel to connect")
    driver.execute_script("Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells();")
    done = ("var cs = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');"
            "return cs.every(c => typeof c.input_prompt_number === 'number')"
            " && !Jupyter.notebook.kernel_busy;")
    wait_for(lambda: driver.execute_script(done), timeout, "every cell to run")

    errors = driver.execute_script(
        "return Array.from(document.querySelectorAll('.output_error')).map(e => e.innerText.slice(0, 500));")
    images = driver.execute_script(
        "return Array.from(document.querySelectorAll('.output_png img, .output_subarea img'))"
        ".filter(i => i.complete && i.naturalWidth > 0).map(i => [i.naturalWidth, i.naturalHeight]);")
    broken = driver.execute_script(
        "return Array.from(document.querySelectorAll('#notebook-container img'))"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 60));")
    grid = max(images, key=lambda wh: wh[0] * wh[1]) if images else None
    if grid:
        driver.execute_script(
            "var imgs = Array.from(document.querySelectorAll('.output_png img'));"
            "imgs.sort((a, b) => b.naturalWidth * b.naturalHeight - a.naturalWidth * a.naturalHeight);"
            "imgs[0].scrollIntoView();")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(screenshot))
    problems = []
    if errors:
        problems.append(f"{len(errors)} cell(s) failed in the browser: {errors}")
    if broken:
        problems.append(f"{len(broken)} picture(s) in {notebook} did not load: {broken}")
    if not grid or grid[0] < 200 or grid[1] < 200:
        problems.append(f"no image grid rendered (images seen: {images})")
    return problems, grid, images


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notebook", default="00-welcome.ipynb")
    ap.add_argument("--screenshot", type=Path, default=ROOT / "environment" / ".state" / "lab-screenshot.png")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for the whole notebook to run")
    ap.add_argument("--pages", type=Path, nargs="*", default=[ROOT / "docs" / "course"],
                    help="folders of course pages to check (default: docs/course)")
    ap.add_argument("--lab-arg", action="append", default=[],
                    help="an extra option for the notebook server, e.g. --lab-arg=--NotebookApp.mathjax_url=URL")
    args = ap.parse_args()

    problems = []
    (ROOT / "environment" / ".state").mkdir(parents=True, exist_ok=True)
    course = {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    with headless_chromium() as driver, tempfile.TemporaryDirectory(prefix="ddlab-pages-") as fresh:
        page_problems, checked = check_pages(driver, args.pages, Path(fresh))
        problems += page_problems
        print(f"pages: {len(checked)} checked offline ({', '.join(p.name for p in checked)})"
              + ("" if any(Path(d).glob("*.html") for d in args.pages) else
                 f"; none in {', '.join(map(str, args.pages))} yet (environment/render --pages)"), flush=True)

        token = secrets.token_hex(16)
        port = free_port()
        env = dict(os.environ, JUPYTER_TOKEN=token)
        log = open(ROOT / "environment" / ".state" / "lab-test.log", "w")
        lab = subprocess.Popen([str(LAB), "--port", str(port), "--no-browser", *args.lab_arg],
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).status == 200,
                     180, "environment/lab to serve")
            math_problems, math_notebook, math = check_live_math(driver, base, token)
            problems += math_problems
            if math:
                print(f"live equations: {math_notebook}: {math['displays']} displayed equation(s) typeset by "
                      f"{math['src'].replace(base, '')}", flush=True)
            run_problems, grid, images = run_welcome(driver, base, token, args.notebook, args.timeout, args.screenshot)
            problems += run_problems
        finally:
            try:
                os.killpg(lab.pid, signal.SIGTERM)
                lab.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(lab.pid, signal.SIGKILL)
            log.close()

    problems += [f"{p} was written while the lab had it open" for p, b in course.items() if p.read_bytes() != b]
    if problems:
        print("FAIL browser test:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"ok browser test: {args.notebook} ran in Chromium, grid {grid[0]}x{grid[1]} px, "
          f"{len(images)} picture(s); screenshot {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
