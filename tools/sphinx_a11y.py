"""Sphinx extension: accessible markup where docutils' HTML writer falls short (issue 15).

docutils (0.21) writes a bibliography as ``<div role="list" class="citation-list">`` holding
``<div class="citation" role="doc-biblioentry">`` entries. DPUB-ARIA 1.1 deprecates
``doc-biblioentry`` (it is only allowed inside ``doc-bibliography``), so a screen reader and
axe-core see a list without list items (axe: "aria-required-children", critical, and one
"aria-deprecated-role" per entry). Each entry becomes a ``listitem``, which it is.
"""

from __future__ import annotations

import re

#: Replacements applied to the body of every HTML page: (pattern docutils writes, accessible markup).
REPLACEMENTS = ((re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"'), r'\1 role="listitem"'),)


def fix_body(body: str) -> str:
    """The page body with :data:`REPLACEMENTS` applied.

    >>> fix_body('<div role="list" class="citation-list"><div class="citation" id="id3" role="doc-biblioentry">')
    '<div role="list" class="citation-list"><div class="citation" id="id3" role="listitem">'
    """
    for pattern, new in REPLACEMENTS:
        body = pattern.sub(new, body)
    return body


def _page_context(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = fix_body(context["body"])


def setup(app):
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
