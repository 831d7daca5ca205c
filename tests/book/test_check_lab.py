"""The pure-Python parts of the JupyterLab check (tools/check_lab.py) and of the citation helper
it installs (binder/lab_citations.py); the browser run itself is ``make lab-check``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "binder"))

import check_lab  # noqa: E402
import lab_citations  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _markdown_sources():
    for nb in CHAPTERS:
        for cell in json.loads(nb.read_text(encoding="utf8"))["cells"]:
            if cell["cell_type"] == "markdown":
                yield nb.name, "".join(cell["source"])


# --- raw MyST ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("as {cite:t}`brunel2000` showed", ["{cite:t}`"]),
    ("(see {numref}`fig-x`, {eq}`eq-lif` and {ref}`sec-a`)", ["{numref}`", "{eq}`", "{ref}`"]),
    ("```{math}\n:label: eq-lif\n\\tau \\dot V = -V\n```", ["```{math}", ":label:"]),
    (":::{exercise}\n:label: ex-1\nText\n:::", ["```{exercise}", ":label:"]),
    ("````{solution} ex-1\n:class: dropdown\n````", ["```{solution}", ":class:"]),
    # a renderer may turn the backticks into code and leave the braces
    ("as {cite:p} brunel2000 says", ["{cite:p}"]),
    ("{cite:t}`a` and {cite:t}`b`", ["{cite:t}`"]),  # each piece once
    # LaTeX between dollars that the renderer left alone (a "+ " line inside $...$ began a list)
    ("that is $\\partial_V J = -\\partial_t P\n\nr(t)$.", ["raw LaTeX $\\partial_V J = -\\partial_t P r(t)$"]),
])
def test_raw_myst_finds_markup(text, expected):
    assert check_lab.raw_myst(text) == expected


@pytest.mark.parametrize("text", [
    "Brunel (2000) showed that the asynchronous state (Fig. 3) is stable; see (5).",
    "a set {x : x > 0} and a dict {1: 2}, f(x) = {a}",
    "time: 12 ms, label: left, class: B",  # colons inside a line are prose
    "rendered maths keeps no dollars: \u03c4_{ref} and x^{eq}",  # MathML text of tau_{ref}
])
def test_raw_myst_leaves_prose_alone(text):
    assert check_lab.raw_myst(text) == []


def test_raw_myst_flags_every_role_and_directive_of_the_chapters_sources():
    """Shown unrendered, every chapter's Markdown must be flagged with each role it uses."""
    checked = 0
    for name, source in _markdown_sources():
        roles = {f"{{{r}}}`" for r in re.findall(r"\{([a-z][\w:-]*)\}`", source)}
        directives = {f"```{{{d}}}" for d in re.findall(r"(?:`{3,}|:{3,})\{([a-z][\w:-]*)\}", source)}
        found = set(check_lab.raw_myst(source))
        assert roles | directives <= found, (name, source[:200])
        checked += bool(roles | directives)
    assert checked >= len(CHAPTERS)  # every chapter has MyST markup


def test_track_problems():
    tracks = [{"label": "mu (mV)", "width": 22.0}, {"label": "T (ms)", "width": 180.0},
              {"label": "x", "width": 99.5}, {"label": "y", "width": 100.0}]
    assert check_lab.track_problems(tracks) == [
        'slider "mu (mV)": track 22 px wide (< 100 px)', 'slider "x": track 100 px wide (< 100 px)']
    assert check_lab.track_problems(tracks, min_px=10) == []
    with pytest.raises(ValueError, match="min_px"):
        check_lab.track_problems(tracks, min_px=0)


def test_free_port_is_free():
    import socket

    port = check_lab.free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # raises if something holds it


# --- the citation helper ------------------------------------------------------------------------

def test_latex_to_text():
    assert lab_citations.latex_to_text(r"Sch{\"u}z") == "Schüz"
    assert lab_citations.latex_to_text(r"Jos{\'e} Marcelo") == "José Marcelo"
    assert lab_citations.latex_to_text(r"Erd\H{o}s and \v{C}ech") == "Erdős and Čech"
    assert lab_citations.latex_to_text(r"Rodr{\'\i}guez") == "Rodríguez"
    assert lab_citations.latex_to_text(r"{IF} neurons, pp. 1--2") == "IF neurons, pp. 1\u20132"


def test_author_label_follows_author_year_style():
    assert lab_citations.author_label("Brunel, Nicolas") == "Brunel"
    assert lab_citations.author_label("Nicolas Brunel and Vincent Hakim") == "Brunel and Hakim"
    assert lab_citations.author_label("Ludwig van Beethoven") == "van Beethoven"
    assert lab_citations.author_label("{The NEST Initiative}") == "The NEST Initiative"
    assert lab_citations.author_label("A, B and C, D and E, F") == "A et al."


def test_parse_bib_rejects_unbalanced_braces():
    with pytest.raises(ValueError, match="unbalanced"):
        lab_citations.parse_bib("@article{x, title = {a {b}, year = 2000}")


def test_every_citation_of_the_chapters_has_author_and_year():
    """Every key a chapter cites gets author-year text in JupyterLab (not a bare key)."""
    table = lab_citations.citation_table((ROOT / "references.bib").read_text(encoding="utf8"))
    cited = set()
    for _, source in _markdown_sources():
        for keys in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", source):
            cited.update(k.strip() for k in keys.split(","))
    assert cited
    missing = sorted(cited - set(table))
    assert not missing, f"cited but not in references.bib: {missing}"
    for key in cited:
        entry = table[key]
        assert re.fullmatch(r"\d{4}[a-z]?", entry["year"]), (key, entry)
        assert entry["author"] and "{" not in entry["author"] and "\\" not in entry["author"], (key, entry)


def test_install_writes_the_extension(tmp_path):
    target = lab_citations.install(tmp_path)
    package = json.loads((target / "package.json").read_text())
    load = target / package["jupyterlab"]["_build"]["load"]
    assert load.is_file()
    assert f"window._JUPYTERLAB[NAME]" in load.read_text() and package["name"] == lab_citations.NAME
    table = json.loads((target / "static" / "citations.json").read_text(encoding="utf8"))
    keys = re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(encoding="utf8"), flags=re.M)
    assert sorted(table) == sorted(k.strip() for k in keys)
