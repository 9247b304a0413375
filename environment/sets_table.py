"""Rewrites the table in data/sets/README.md from every made.json under data/sets (environment/measure/sets runs it).

The table sits between two marker lines, so the prose around it is written by hand and kept."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
readme = root / "README.md"
rows = ["| set | images | test accuracy (default protocol, 3 runs) | distil command (seed 0) | distil time |",
        "|---|---|---|---|---|"]
for made_path in sorted(root.glob("*/ipc*/*/made.json"), key=lambda p: (p.parts[-4], int(p.parts[-3][3:]), p.parts[-2])):
    made = json.loads(made_path.read_text())
    meta = json.loads((made_path.parent / "synthetic.json").read_text())
    ev = made["evaluation"]
    folder = made_path.parent.relative_to(root).as_posix()
    acc = f"{100 * ev['mean']:.2f} ± {100 * ev['std']:.2f} %"
    threads = made.get("engine_threads", "all")
    seconds = made["distil_seconds_this_invocation"]
    # Under a minute means the run was complete when the script found it: its time is not this invocation's.
    took = f"{seconds} s ({threads} thread{'' if threads == '1' else 's'})" if seconds >= 60 else "—"
    rows.append(f"| [`{folder}`]({folder}) | {meta['num_images']} | {acc} | `{made['command']}` | {took} |")
begin, end = "<!-- sets table: environment/measure/sets -->", "<!-- end of sets table -->"
text = readme.read_text() if readme.exists() else f"{begin}\n{end}\n"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
tmp = readme.with_suffix(".tmp")
tmp.write_text(head + begin + "\n" + "\n".join(rows) + "\n" + end + tail)
tmp.replace(readme)
