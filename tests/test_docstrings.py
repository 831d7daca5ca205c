"""Every public object of snnlib is documented in numpydoc form with units and references.

The API reference page of the book is generated from these docstrings, so a missing
section here would be a missing section there.
"""

import inspect

import pytest

import snnlib

PUBLIC = sorted(
    name for name in dir(snnlib)
    if not name.startswith("_")
    and (inspect.isfunction(getattr(snnlib, name)) or inspect.isclass(getattr(snnlib, name)))
    and getattr(getattr(snnlib, name), "__module__", "").startswith("snnlib")
)


def test_public_api_is_not_empty():
    assert {"LIF", "EIF", "IFModel"} <= set(PUBLIC)


@pytest.mark.parametrize("name", PUBLIC)
def test_numpydoc_sections(name):
    obj = getattr(snnlib, name)
    doc = inspect.getdoc(obj) or ""
    assert len(doc.splitlines()[0]) > 10, f"{name}: missing one-line summary"
    if inspect.isclass(obj) and not callable(getattr(obj, "__init__", None)):
        return
    sig = inspect.signature(obj)
    has_params = any(p.name not in ("self", "cls") for p in sig.parameters.values())
    if has_params:
        assert "Parameters\n----------" in doc, f"{name}: no Parameters section"
    if inspect.isfunction(obj):
        assert ("Returns\n-------" in doc) or ("Yields\n------" in doc), f"{name}: no Returns section"
    assert "Examples\n--------" in doc, f"{name}: no Examples section"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_parameter_is_documented(name):
    obj = getattr(snnlib, name)
    doc = inspect.getdoc(obj) or ""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):  # pragma: no cover
        return
    for p in sig.parameters.values():
        if p.name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        assert p.name in doc, f"{name}: parameter {p.name!r} is not documented"
