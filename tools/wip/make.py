"""Build chapters/08_correlations_from_connectivity.ipynb (outputs stripped)."""
import json
import sys

cells = []


def md(text, **meta):
    cells.append(dict(cell_type="markdown", metadata=meta, source=text.strip("\n")))


def code(text, caption=None, name=None, alt=None, tags=None):
    meta = {}
    if caption is not None:
        meta["mystnb"] = {"figure": {"caption": caption, "name": name}, "image": {"alt": alt}}
    if tags:
        meta["tags"] = tags
    cells.append(dict(cell_type="code", metadata=meta, source=text.strip("\n"), outputs=[],
                      execution_count=None))


from pathlib import Path
HERE = Path(__file__).resolve().parent
exec((HERE / "content.py").read_text())

for c in cells:
    if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", []):
        for line in c["source"].splitlines():
            if len(line) > 78:
                sys.exit(f"line too long ({len(line)}): {line}")
nb = dict(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                "name": "python3"}, "language_info": {"name": "python"}},
          nbformat=4, nbformat_minor=5)
for i, c in enumerate(nb["cells"]):
    c["id"] = f"ch08-{i:02d}"
    src = c["source"]
    c["source"] = [line + "\n" for line in src.split("\n")[:-1]] + [src.split("\n")[-1]]
json.dump(nb, open(HERE.parents[1] / "chapters" / "08_correlations_from_connectivity.ipynb", "w"), indent=1,
          ensure_ascii=False)
print(len(cells), "cells")
