"""The course as pages a reader can open anywhere: one HTML page per executed notebook and an index.

A page is nbconvert's lab page with three changes (environment/pages/notebook.html.j2):
- a stamp on top, made here from the run itself: when, profile, dataset, commit, machine, run time, peak memory;
- pictures stay inside the page as data: URIs, as nbconvert embeds them;
- equations are typeset once, at render time, by Debian's MathJax 2 (libjs-mathjax, the copy the notebook
  server uses) in headless Chromium, into SVG; then every script is removed. The page runs no code and loads
  nothing but course.css beside it, so it shows its equations in any browser or file viewer, offline, with
  scripts blocked. A TeX error fails the render instead of shipping a red formula.

The stylesheet nbconvert inlines in every page (about 0.55 MB) is written once, to course.css.
`check_page` is what a good page is; the render checks every page it writes with it, and so does the browser test.
"""
import base64
import copy
import datetime
import html
import json
import os
import re
import subprocess
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown import markdown2html

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "pages"
MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")  # Debian's libjs-mathjax 2.7
CSS_START, CSS_END = "<!-- course.css -->", "<!-- /course.css -->"
STYLESHEET = "course.css"


def _git(*args):
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _first_line(path, prefix):
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_facts():
    """What the stamp says about the run's setting, read once per process."""
    commit = _git("rev-parse", "--short=12", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    memory_kb = _first_line("/proc/meminfo", "MemTotal:")
    cpu = _first_line("/proc/cpuinfo", "model name") or "unknown CPU"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "started": now_utc(),
        # The defaults the kernel applies when these are unset: Profile.current() and Datasets.DEFAULT.
        "profile": (os.environ.get("DDLAB_PROFILE") or "default").strip().lower(),
        "dataset": (os.environ.get("DDLAB_DATASET") or "fashion-mnist").strip(),
        "commit": commit,
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory_kb.split()[0]) / 1024 / 1024) if memory_kb else None,
        "threads": f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}" if os.environ.get("OMP_NUM_THREADS")
        else "OMP_NUM_THREADS unset",
        "load": f"{load:.1f}" if load is not None else "unknown",
    }


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def notebook_title(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def displayed_equations(nb):
    """Displayed equations in the notebook's Markdown ($$…$$ and \\[…\\]): the page must show each typeset."""
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return text.count("$$") // 2 + len(re.findall(r"(?<!\\)\\\[", text))


def teaches():
    """notebook name -> what it teaches, from the course table of notebooks/README.md (its one place)."""
    rows = {}
    readme = ROOT / "notebooks" / "README.md"
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and re.match(r"^\d\d-", cells[0]):
            rows[cells[0]] = cells[1]
    return rows


def _size(mb):
    return "unknown" if mb is None else f"{mb / 1024:.2f} GB" if mb >= 1024 else f"{mb:.0f} MB"


def _duration(seconds):
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min ({seconds:.0f} s)"


def run_record(path, nb, seconds, peak_mb, failed, facts):
    """What the stamp and the index say about one executed notebook."""
    name = Path(path).stem
    return dict(facts, name=name, title=notebook_title(nb, name), made=now_utc(), seconds=seconds,
                time=_duration(seconds), peak=_size(peak_mb), peak_mb=peak_mb, failed=failed,
                equations=displayed_equations(nb))


def _exporter():
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATES)],
                            template_file="notebook.html.j2")
    exporter.mathjax_url = MATHJAX.as_uri() + "?config=TeX-AMS_SVG"
    return exporter


def base64_attachments(nb):
    """A copy of nb whose Markdown attachments are all base64. nbformat keeps image/svg+xml as text, but
    nbconvert 6.5 (like Notebook 6.4) writes every attachment as data:<mime>;base64,<data> as it stands."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for bundle in cell.get("attachments", {}).values():
            for mime, data in bundle.items():
                text = "".join(data) if isinstance(data, list) else data
                if text.lstrip().startswith("<"):
                    bundle[mime] = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return nb


def untypeset_page(nb, record):
    """nbconvert's page with the stamp, MathJax still to run, and its inlined stylesheet cut out.
    Returns (page, stylesheet)."""
    body, _ = _exporter().from_notebook_node(
        base64_attachments(nb), resources={"metadata": {"name": record["title"]}, "ddlab": record})
    start, end = body.index(CSS_START), body.index(CSS_END) + len(CSS_END)
    css = re.sub(r"</?style[^>]*>", "", body[start:end].replace(CSS_START, "").replace(CSS_END, ""))
    own = (TEMPLATES / "course.css").read_text(encoding="utf-8")
    page = body[:start] + f'<link rel="stylesheet" href="{STYLESHEET}">' + body[end:]
    return page, css.strip() + "\n\n" + own


# After MathJax: drop the scripts (its own, the config, the TeX sources it keeps), its message box and empty
# previews, and the MathML copies its menu would show (assistive MathML for screen readers stays).
STRIP = """
document.documentElement.removeAttribute('data-typeset');
document.querySelectorAll('script, #MathJax_Message, .MathJax_Preview').forEach(e => e.remove());
document.querySelectorAll('[data-mathml]').forEach(e => e.removeAttribute('data-mathml'));
return '<!DOCTYPE html>\\n' + document.documentElement.outerHTML;
"""


def typeset(driver, page_path, timeout=300):
    """Typesets the page at page_path in place; raises ValueError naming the TeX that MathJax could not read."""
    if not MATHJAX.exists():
        raise FileNotFoundError(f"{MATHJAX} is missing: apt-get install libjs-mathjax")
    from chromium import wait_for
    driver.get(Path(page_path).resolve().as_uri())
    wait_for(lambda: driver.execute_script("return document.documentElement.getAttribute('data-typeset')"),
             timeout, f"MathJax to typeset {page_path}")
    errors = driver.execute_script("return window.ddlabMathErrors")
    if errors:
        raise ValueError(f"{page_path}: MathJax could not typeset: {errors}")
    Path(page_path).write_text(driver.execute_script(STRIP), encoding="utf-8")


def write_page(out_dir, nb, record, driver):
    """Writes out_dir/<name>.html, its record out_dir/<name>.json (what the index says of it) and
    out_dir/course.css, typeset and checked; returns the page's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page, css = untypeset_page(nb, record)
    _write_atomically(out_dir / STYLESHEET, css)
    target = out_dir / f"{record['name']}.html"
    target.write_text(page, encoding="utf-8")
    typeset(driver, target)
    problems = check_page(driver, target)
    if problems:
        raise ValueError(f"{target}: " + "; ".join(problems))
    _write_atomically(out_dir / f"{record['name']}.json", json.dumps(record, indent=1) + "\n")
    return target


def _write_atomically(target, text):
    # Two renders may share a directory (one stream per core); neither may leave the other half a file.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def records_in(out_dir):
    """The records of every page in out_dir (written by write_page), whichever render made each."""
    out_dir = Path(out_dir)
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out_dir.glob("*.json"))
            if (out_dir / f"{p.stem}.html").exists()]


def write_index(out_dir):
    """out_dir/index.html: every page in out_dir, what its notebook teaches, its run time and peak memory. Pages
    may come from several renders (one per core, or one notebook made again); the index says which commits."""
    taught = teaches()
    records = sorted(records_in(out_dir), key=lambda r: r["name"])
    rows = [dict(r, teaches=markdown2html(taught[r["name"]]) if r["name"] in taught else "") for r in records]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    first = min(records, key=lambda r: r["started"]) if records else {}
    text = env.get_template("index.html.j2").render(
        rows=rows, run=first, made=now_utc(), total=_duration(sum(r["seconds"] for r in records)),
        commits=", ".join(sorted({r["commit"] for r in records})),
        profiles=", ".join(sorted({r["profile"] for r in records})),
        stylesheet=STYLESHEET)
    target = Path(out_dir) / "index.html"
    _write_atomically(target, text)
    return target


# What a good page is, checked in the browser on the page as written (file://, network cut off):
# no script; every <img> decoded; every displayed equation typeset and no TeX left in the prose; the stamp;
# nothing loaded from outside the page but course.css beside it, and course.css applied.
CHECK = r"""
const page = document.documentElement;
const imgs = Array.from(document.images);
const prose = Array.from(document.querySelectorAll('.jp-MarkdownOutput')).map(e => {
  const c = e.cloneNode(true); c.querySelectorAll('code, pre').forEach(x => x.remove()); return c.textContent; });
const outside = Array.from(document.querySelectorAll('[src], link[href]')).map(e => e.getAttribute('src') || e.getAttribute('href'))
  .filter(u => !u.startsWith('data:') && u !== arguments[0]);
const meta = document.querySelector('meta[name="ddlab-displayed-equations"]');
const TEX = /\$\$|\\(begin|frac|sum|mathbf)\b/;
return {
  scripts: document.scripts.length,
  images: imgs.length,
  broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 60)),
  displays: Array.from(document.querySelectorAll('.MathJax_SVG_Display svg'))
    .filter(s => s.getBoundingClientRect().width > 0).length,
  expected: meta ? parseInt(meta.content, 10) : null,
  raw: prose.map(t => t.search(TEX)).map((at, i) => at < 0 ? null : prose[i].substr(Math.max(0, at - 30), 80))
    .filter(t => t !== null),
  stamp: (document.querySelector('.ddlab-stamp') || {}).textContent || '',
  outside: outside,
  styled: getComputedStyle(document.body).getPropertyValue('--jp-cell-prompt-width').trim() !== '',
  index: page.hasAttribute('data-course-index'),
};
"""


def check_page(driver, path):
    """Problems with the page at path as a reader's browser shows it (empty list: none)."""
    driver.get(Path(path).resolve().as_uri())
    r = driver.execute_script(CHECK, STYLESHEET)
    problems = []
    if r["scripts"]:
        problems.append(f"{r['scripts']} script(s) in the page (it must run no code)")
    if r["broken"]:
        problems.append(f"{len(r['broken'])} of {r['images']} picture(s) did not load: {r['broken']}")
    if not r["index"] and r["images"] == 0:
        problems.append("no picture in the page")
    if r["expected"] is None and not r["index"]:
        problems.append("no count of displayed equations (meta ddlab-displayed-equations)")
    elif r["expected"] is not None and r["displays"] < r["expected"]:
        problems.append(f"{r['displays']} typeset displayed equation(s), the notebook has {r['expected']}")
    if r["raw"]:
        problems.append(f"TeX shown raw in the text: {r['raw']}")
    if not all(w in r["stamp"] for w in ("Made", "profile", "dataset", "commit", "cores")):
        problems.append(f"no stamp (made, profile, dataset, commit, cores) on top: {r['stamp'][:200]!r}")
    if r["outside"]:
        problems.append(f"loads from outside the page: {r['outside']}")
    if not r["styled"]:
        problems.append(f"{STYLESHEET} is not applied")
    return problems


if __name__ == "__main__":
    # environment/render --pages NOTEBOOK...: the index of docs/course again, after some of its pages changed.
    import sys
    if len(sys.argv) != 3 or sys.argv[1] != "index":
        sys.exit("usage: course_pages.py index DIR   (rewrites DIR/index.html from the records of DIR's pages)")
    print(write_index(sys.argv[2]))
