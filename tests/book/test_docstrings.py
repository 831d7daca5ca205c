"""Every public object of snnlib is documented in numpydoc form with units and references.

The API reference page of the book is generated from these docstrings, so a missing
section here would be a missing section there.
"""

import inspect

import pytest

import snnlib

#: Every namespace a reader imports from: the top level and the subpackages it does not flatten.
NAMESPACES = (snnlib, snnlib.ml, snnlib.network, snnlib.plotting, snnlib.units)


def _public():
    names = {}
    for ns in NAMESPACES:
        for name in ns.__all__:
            obj = getattr(ns, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith("snnlib"):
                names[f"{ns.__name__}.{name}"] = obj
    return names


PUBLIC = _public()


def test_every_name_in_all_exists():
    for ns in NAMESPACES:
        missing = [n for n in ns.__all__ if not hasattr(ns, n)]
        assert not missing, f"{ns.__name__}.__all__ lists missing names {missing}"


def test_public_api_is_not_empty():
    assert {"snnlib.LIF", "snnlib.EIF", "snnlib.ml.train_mlp"} <= set(PUBLIC)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_numpydoc_sections(name):
    obj = PUBLIC[name]
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


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_parameter_is_documented(name):
    obj = PUBLIC[name]
    doc = inspect.getdoc(obj) or ""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):  # pragma: no cover
        return
    for p in sig.parameters.values():
        if p.name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        assert p.name in doc, f"{name}: parameter {p.name!r} is not documented"
