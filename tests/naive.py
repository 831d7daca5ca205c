"""Slow, plainly correct reference versions of snnlib's fast kernels.

Each function here is written for clarity, not speed: explicit Python loops,
no numba. Tests compute ``ref = naive.f(...)`` and ``got = snnlib.f(...)`` on
the same inputs (same noise) and compare them; the book's "from scratch" cells
show the same code. Sections are owned by topic; add functions under yours.
"""

from __future__ import annotations

import math

import numpy as np

# ---------------------------------------------------------------------------
# Chapter 1: perceptron and multilayer perceptron
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Chapters 2-4: spike statistics
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Chapters 3-4: deterministic IF pieces and Siegert formula
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Chapter 4: Monte Carlo of Langevin dynamics
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Chapters 5-6: Fokker-Planck
# ---------------------------------------------------------------------------
