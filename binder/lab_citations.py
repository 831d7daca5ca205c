"""Install the book's citation helper for JupyterLab: author-year text instead of bare keys.

jupyterlab-myst renders the chapters' MyST markup in JupyterLab and on Binder, but it cannot read
a bibliography: ``{cite:t}`brunel2000``` shows as the bare key ``brunel2000``. The small prebuilt
JupyterLab extension in ``binder/labextension`` (no build step, no Node.js) replaces each such key
with "Brunel (2000)" ({cite:t}) or "(Brunel, 2000)" ({cite:p}), as the HTML book does, with the
full reference as tooltip. It reads ``citations.json``, which this script writes from
``references.bib``.

``python binder/lab_citations.py`` installs the extension into this environment
(``<sys.prefix>/share/jupyter/labextensions/snnlib-lab-citations``), where JupyterLab finds it;
``--dest DIR`` writes it into ``DIR/snnlib-lab-citations`` instead (for
``jupyter lab --LabApp.extra_labextensions_path=DIR``). ``make lab`` and Binder's ``postBuild``
run it, so the table always matches references.bib.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXTENSION = HERE / "labextension"
NAME = "snnlib-lab-citations"

#: LaTeX accents found in BibTeX names and titles, as Unicode combining marks.
_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303",
            "c": "\u0327", "v": "\u030c", "=": "\u0304", ".": "\u0307", "u": "\u0306", "H": "\u030b"}
_SYMBOLS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł",
            "L": "Ł", "i": "ı", "&": "&", "%": "%", "_": "_"}


def latex_to_text(value: str) -> str:
    """Plain Unicode text of a BibTeX field value (accents, braces and ``--`` resolved).

    >>> latex_to_text(r"Fourcaud-Trocm{\\'e}, Sch{\\"u}z and {M}arkov--chain")
    'Fourcaud-Trocmé, Schüz and Markov–chain'
    """
    import unicodedata

    def accent(m: re.Match) -> str:
        mark, letter = m.group(1), m.group(2) or m.group(3)
        if letter in ("\\i", "\\j"):
            letter = letter[1]
        return unicodedata.normalize("NFC", letter + _ACCENTS[mark])

    out = re.sub(r"\\([`'\"^~=.])\s*(?:\{(\\?\w)\}|(\\i(?![A-Za-z])|\w))", accent, value)
    out = re.sub(r"\\([cvuH])\s*(?:\{(\w)\}|\s(\w))", accent, out)
    out = re.sub(r"\\(ss|ae|AE|aa|AA|[oOlLi&%_])(?![A-Za-z])\s*", lambda m: _SYMBOLS[m.group(1)], out)
    out = out.replace("---", "\u2014").replace("--", "\u2013").replace("~", "\u00a0")
    out = out.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", out).strip()


def _split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` at ``sep`` (a regex) outside braces."""
    parts, depth, start = [], 0, 0
    pattern = re.compile(sep)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            m = pattern.match(text, i)
            if m:
                parts.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    parts.append(text[start:])
    return parts


def parse_bib(text: str) -> dict[str, dict[str, str]]:
    """Entries of a BibTeX file: ``{key: {"type": ..., field: raw value, ...}}``.

    Field values keep their LaTeX (see :func:`latex_to_text`); ``@comment``, ``@string`` and
    ``@preamble`` are skipped. Raises ValueError naming the entry when its braces do not balance.

    >>> parse_bib('@article{a1, author = {Brunel, N.}, year = 2000, title = "X {Y}"}')
    {'a1': {'type': 'article', 'author': 'Brunel, N.', 'year': '2000', 'title': 'X {Y}'}}
    """
    entries: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"@(\w+)\s*\{", text):
        kind = m.group(1).lower()
        if kind in ("comment", "string", "preamble"):
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth:
            raise ValueError(f"references: unbalanced braces in the entry at character {m.start()}")
        body = text[m.end():i - 1]
        key, _, rest = body.partition(",")
        fields = {"type": kind}
        for item in _split_top(rest, r","):
            name, eq, value = item.partition("=")
            if not eq:
                continue
            value = value.strip()
            if value[:1] == "{" and value[-1:] == "}" or value[:1] == '"' and value[-1:] == '"':
                value = value[1:-1]
            fields[name.strip().lower()] = value.strip()
        entries[key.strip()] = fields
    return entries


def _last_name(name: str) -> str:
    """Family name of one BibTeX author ("Last, First", "First von Last" or "{Institution}")."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return latex_to_text(name)
    parts = _split_top(name, r"\s*,\s*")
    if len(parts) > 1:
        return latex_to_text(parts[0])
    words = _split_top(name, r"\s+")
    # "First von Last": the von part starts at the first lower-case word after the first name
    for j, word in enumerate(words[1:-1], start=1):
        if word[:1].islower():
            return latex_to_text(" ".join(words[j:]))
    return latex_to_text(words[-1])


def author_label(authors: str) -> str:
    """The author part of an author-year citation, as sphinxcontrib-bibtex's author_year style.

    >>> author_label("Brunel, Nicolas")
    'Brunel'
    >>> author_label("Brunel, Nicolas and Hakim, Vincent")
    'Brunel and Hakim'
    >>> author_label(r"Fourcaud-Trocm{\\'e}, Nicolas and Hansel, David and van Vreeswijk, Carl")
    'Fourcaud-Trocmé et al.'
    """
    names = [n for n in _split_top(authors, r"\s+and\s+") if n.strip()]
    if not names:
        return ""
    last = [_last_name(n) for n in names]
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


def citation_table(bib: str) -> dict[str, dict[str, str]]:
    """``{key: {"author": ..., "year": ..., "reference": ...}}`` for every entry of ``bib``."""
    table = {}
    for key, f in parse_bib(bib).items():
        people = f.get("author") or f.get("editor") or f.get("organization") or key
        author = author_label(people)
        year = latex_to_text(f.get("year", "n.d."))
        title = latex_to_text(f.get("title", ""))
        where = latex_to_text(f.get("journal") or f.get("booktitle") or f.get("publisher") or "")
        full = ", ".join(latex_to_text(_last_name(n)) for n in _split_top(people, r"\s+and\s+"))
        reference = f"{full} ({year}). {title}." + (f" {where}." if where else "")
        table[key] = {"author": author, "year": year, "reference": reference}
    return table


def install(dest: Path, bib: Path = ROOT / "references.bib") -> Path:
    """Copy the extension into ``dest/snnlib-lab-citations`` with a citations.json from ``bib``."""
    target = dest / NAME
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(EXTENSION, target)
    table = citation_table(bib.read_text(encoding="utf8"))
    (target / "static" / "citations.json").write_text(json.dumps(table, ensure_ascii=False, indent=0),
                                                      encoding="utf8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=Path(sys.prefix) / "share" / "jupyter" / "labextensions",
                        help="labextensions directory (default: this environment's)")
    parser.add_argument("--bib", type=Path, default=ROOT / "references.bib")
    args = parser.parse_args(argv)
    target = install(args.dest, args.bib)
    count = len(json.loads((target / "static" / "citations.json").read_text(encoding="utf8")))
    print(f"{NAME}: {count} references installed in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
