"""The from-scratch moments of the first-passage time of chapter 5 (tests/naive/fokker_planck.py) against
snnlib's closed forms, and the notebook's copy against the reference.

The scratch scheme integrates the backward equation D M_n'' + a M_n' = -n M_{n-1} for the moments
M_n = <T^n> (M_n(v_th) = 0, no escape downward) twice with the trapezoidal rule, so it is second order in
the voltage step dv: its errors must fall by 2^2 when dv halves. Independent values: 1 / siegert_rate - t_ref
for the mean first-passage time and lif_cv (nested Gauss-Kronrod quadrature of Brunel 2000's double integral, ~1e-9)
for the CV, which includes t_ref in the mean interval but not in its variance.
"""

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

import naive
import snnlib

NOTEBOOK = Path(__file__).resolve().parents[2] / "chapters" / "05_fokker_planck.ipynb"
CASES = [  # mu (mV), sigma (mV), v_lb (mV): noise-driven, the book's default, mean-driven, little noise
    (5.0, 4.0, -100.0),
    (8.0, 3.0, -100.0),
    (12.0, 3.0, -100.0),
    (20.0, 2.0, -100.0),
    (16.0, 1.0, -70.0),   # e^phi would overflow at -100 mV; -70 mV is 21 sigma below E_L + mu
]


def _mean_and_cv(model, mu, sigma, dv, v_lb):
    m1, m2 = naive.fokker_planck.passage_moments(model, mu, sigma, dv=dv, v_lb=v_lb)
    return m1, np.sqrt(m2 - m1 ** 2) / (model.t_ref + m1)


@pytest.mark.parametrize("mu, sigma, v_lb", CASES)
def test_second_order_convergence_to_closed_forms(mu, sigma, v_lb):
    lif = snnlib.LIF()
    mean_ref = 1000.0 / snnlib.siegert_rate(lif, mu, sigma) - lif.t_ref      # ms
    cv_ref = snnlib.lif_cv(lif, mu, sigma)
    got = [_mean_and_cv(lif, mu, sigma, dv, v_lb) for dv in (0.04, 0.02, 0.01)]
    err_mean = np.array([m / mean_ref - 1.0 for m, _ in got])
    err_cv = np.array([c / cv_ref - 1.0 for _, c in got])
    for err in (err_mean, err_cv):
        orders = np.log2(np.abs(err[:-1] / err[1:]))
        # second order: the observed order is 2 up to the dv^3 terms (within 0.3 at these steps)
        assert np.all(np.abs(orders - 2.0) < 0.3), (err, orders)
        # and toward the closed form: the error left at the finest step, err / 3 for an exact order 2,
        # is smaller than the change from the step before (mean-driven cases have the larger C dv^2,
        # since the variance m2 - m1^2 is then a small difference of large moments)
        assert abs(err[-1]) < abs(err[-2] - err[-1])


def test_t_ref_shifts_the_mean_not_the_variance():
    """The scratch moments do not see t_ref; the closed-form CV of two LIFs that differ only in t_ref
    must therefore follow from one pair of moments."""
    m1, m2 = naive.fokker_planck.passage_moments(snnlib.LIF(), 12.0, 3.0, dv=0.005)
    for t_ref in (0.0, 2.0, 10.0):
        cv = np.sqrt(m2 - m1 ** 2) / (t_ref + m1)
        assert cv == pytest.approx(snnlib.lif_cv(snnlib.LIF(t_ref=t_ref), 12.0, 3.0), rel=2e-6)


def test_notebook_uses_the_reference():
    """The chapter's code cell is the reference function, character for character."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    scratch = [s for s in sources if s.startswith("def passage_moments(")]
    assert len(scratch) == 1
    assert scratch[0].strip() == inspect.getsource(naive.fokker_planck.passage_moments).strip()
