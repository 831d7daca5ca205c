"""snnlib.models: LIF, EIF and IFModel on one base class; drift, psi, input checks, equality and hash."""

import dataclasses
import math
import warnings

import numpy as np
import pytest

from snnlib import EIF, LIF, IFModel
from snnlib.models import IntegrateAndFire, check_model

EPS = np.finfo(np.float64).eps


def _quadratic(v):
    # quadratic integrate-and-fire current (mV), psi = 0.1 (V + 55)^2
    return 0.1 * (v + 55.0) ** 2


MODELS = [
    LIF(tau_m=15.0, e_l=-70.0, v_th=-52.0, v_reset=-68.0),
    EIF(tau_m=12.0, e_l=-68.0, delta_t=1.5, v_t=-52.0),
    IFModel(psi_func=_quadratic, tau_m=10.0, v_th=-40.0),
]


def _psi_closed_form(model, v):
    """psi (mV) written out for each model, independently of snnlib."""
    if isinstance(model, LIF):
        return 0.0 * v
    if isinstance(model, EIF):
        return model.delta_t * np.exp((v - model.v_t) / model.delta_t)
    return 0.1 * (v + 55.0) ** 2


# ---------------------------------------------------------------------------- drift and psi

@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.kind)
def test_drift_matches_closed_form(model):
    # (E_L - V + psi(V) + mu)/tau_m on seeded random V and mu, mu broadcast over a second axis. The sum of
    # four terms is rounded at most 4 times, each by eps of the largest magnitude involved.
    rng = np.random.default_rng(3)
    v = rng.uniform(-90.0, model.v_th, size=50)
    mu = rng.uniform(-20.0, 40.0, size=(7, 1))
    psi = _psi_closed_form(model, v)
    ref = (model.e_l - v + psi + mu) / model.tau_m
    got = model.drift(v, mu)
    assert got.shape == (7, 50)
    scale = (abs(model.e_l) + np.abs(v) + np.abs(psi) + np.abs(mu)) / model.tau_m
    assert np.all(np.abs(got - ref) <= 4 * EPS * scale)
    # scalar in, scalar out (a NumPy float), same value
    assert float(model.drift(-60.0, 10.0)) == pytest.approx(
        float((model.e_l + 60.0 + _psi_closed_form(model, -60.0) + 10.0) / model.tau_m), rel=4 * EPS, abs=4 * EPS)


def test_lif_drift_values():
    # (-65 + 60 + 10)/20 = 0.25 mV/ms; the fixed point e_l + mu has zero drift
    m = LIF()
    assert float(m.drift(-60.0, 10.0)) == 0.25
    assert float(m.drift(-45.0, 20.0)) == 0.0


@pytest.mark.parametrize("delta_t, v_t", [(2.0, -50.0), (1.5, -52.0), (0.1, -55.0)])
def test_eif_psi_exp_formula(delta_t, v_t):
    # psi(v_t) = delta_t exactly, psi(v_t + delta_t ln 2) = 2 delta_t, and the exp formula elsewhere
    # (one exp and two roundings: a few eps relative)
    m = EIF(delta_t=delta_t, v_t=v_t, v_th=v_t + 30.0, v_reset=v_t - 20.0)
    assert float(m.psi(v_t)) == delta_t
    assert float(m.psi(v_t + delta_t * math.log(2.0))) == pytest.approx(2.0 * delta_t, rel=8 * EPS)
    v = np.linspace(v_t - 30.0, v_t + 5.0, 71)
    np.testing.assert_allclose(m.psi(v), [delta_t * math.exp((x - v_t) / delta_t) for x in v], rtol=4 * EPS)


def test_eif_psi_overflow_is_inf_without_warning():
    # exp((V - v_t)/delta_t) beyond ~709.78: the upswing's value is +inf, as the solvers expect; far below
    # v_t it underflows to exactly 0
    m = EIF(delta_t=0.02)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        psi = m.psi([-80.0, -50.0, -35.0, -30.0])
        drift = m.drift([-35.0], 10.0)
    assert psi[0] == 0.0 and psi[1] == 0.02 and np.isposinf(psi[2]) and np.isposinf(psi[3])
    assert np.isposinf(drift[0])


def test_lif_psi_is_zero_with_input_shape():
    psi = LIF().psi(np.full((2, 3), -60.0))
    assert psi.shape == (2, 3) and np.all(psi == 0.0)
    assert LIF().psi([]).shape == (0,)


# ---------------------------------------------------------------------------- bad input (probe row 20)

BAD_VALUES = [
    (None, TypeError, "must be an array of numbers, got NoneType"),
    ("abc", TypeError, "must be an array of numbers, got str"),
    (True, TypeError, "must be an array of numbers, got booleans"),
    (np.nan, ValueError, r"must contain only finite values \(no NaN or inf\)"),
    ([-60.0, np.inf], ValueError, r"must contain only finite values \(no NaN or inf\)"),
    (1j, TypeError, "must be real-valued"),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.kind)
@pytest.mark.parametrize("bad, err, match", BAD_VALUES)
def test_psi_and_drift_reject_bad_v(model, bad, err, match):
    # row 20: None/NaN used to return 0, NaN or a raw NumPy error
    with pytest.raises(err, match="v " + match):
        model.psi(bad)
    with pytest.raises(err, match="v " + match):
        model.drift(bad, 10.0)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.kind)
@pytest.mark.parametrize("bad, err, match", BAD_VALUES)
def test_drift_rejects_bad_mu(model, bad, err, match):
    with pytest.raises(err, match="mu " + match):
        model.drift(-60.0, bad)


def test_drift_rejects_mu_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"mu must be a scalar or broadcast against v, got mu of shape \(3,\) "
                                         r"and v of shape \(2,\)"):
        LIF().drift([-60.0, -55.0], [1.0, 2.0, 3.0])


# ---------------------------------------------------------------------------- IFModel's psi_func

@pytest.mark.parametrize("psi_func, err, match", [
    (lambda v: np.where(v < -80.0, np.nan, 0.0), ValueError,
     r"psi_func returned NaN at v = -90 mV: psi\(v\) must be a number"),
    (lambda v: np.zeros(5), ValueError, r"psi_func must return an array of v's shape \(2,\) \(or one number\), "
                                        r"got shape \(5,\)"),
    (lambda v: None, TypeError, r"psi_func\(v\) must be an array of numbers, got NoneType"),
    (lambda v: v > -70.0, TypeError, r"psi_func\(v\) must be an array of numbers, got booleans"),
    (lambda v: v * 1j, TypeError, r"psi_func\(v\) must be real-valued"),
])
def test_ifmodel_checks_what_psi_func_returns(psi_func, err, match):
    model = IFModel(psi_func=psi_func)
    with pytest.raises(err, match=match):
        model.psi([-90.0, -60.0])
    with pytest.raises(err, match=match):
        model.drift([-90.0, -60.0], 10.0)


def test_ifmodel_psi_constant_and_inf():
    # a single number is a constant psi; +inf (an overflowing steep psi) is passed on, like the EIF's
    const = IFModel(psi_func=lambda v: 1.5)
    np.testing.assert_array_equal(const.psi([-70.0, -60.0, -55.0]), [1.5, 1.5, 1.5])
    assert float(const.drift(-60.0, 0.0)) == (-65.0 + 60.0 + 1.5) / 20.0
    steep = IFModel(psi_func=lambda v: np.where(v > -45.0, np.inf, 0.0), v_th=-40.0)
    np.testing.assert_array_equal(steep.psi([-60.0, -42.0]), [0.0, np.inf])


def test_ifmodel_psi_func_sees_a_copy():
    # a psi_func that writes into its argument cannot change the caller's array
    def rude(v):
        v[...] = 0.0
        return 0.0 * v

    v = np.array([-70.0, -60.0])
    IFModel(psi_func=rude).psi(v)
    np.testing.assert_array_equal(v, [-70.0, -60.0])


@pytest.mark.parametrize("make, match", [
    (lambda: IFModel(psi_func=3.0), r"psi_func must be a callable psi\(v\) -> array \(mV -> mV\).*got float"),
    (lambda: IFModel(), r"psi_func must be a callable .*got NoneType"),
    (lambda: IFModel(_quadratic), r"psi_func must be a callable .*passed by keyword"),
])
def test_ifmodel_requires_a_callable_psi_func(make, match):
    with pytest.raises(TypeError, match=match):
        make()


# ---------------------------------------------------------------------------- parameters, equality, hash

def test_fields_defaults_and_kind():
    def defaults(cls):
        return {f.name: f.default for f in dataclasses.fields(cls)}

    lif_defaults = dict(tau_m=20.0, e_l=-65.0, v_th=-50.0, v_reset=-65.0, t_ref=2.0)
    assert defaults(LIF) == lif_defaults
    assert defaults(EIF) == dict(lif_defaults, v_th=-30.0, v_reset=-68.0, delta_t=2.0, v_t=-50.0)
    assert defaults(IFModel) == dict(lif_defaults, psi_func=None)
    assert (LIF.kind, EIF.kind, IFModel.kind) == ("lif", "eif", "custom")
    assert all(isinstance(m, IntegrateAndFire) for m in MODELS)
    with pytest.raises(TypeError, match="Can.t instantiate abstract class IntegrateAndFire"):
        IntegrateAndFire()


def test_equality_and_hash_make_models_cache_keys():
    # equal class and parameters -> equal and same hash; ints are stored as floats, so LIF(tau_m=20) is LIF()
    assert LIF() == LIF(tau_m=20, t_ref=np.float64(2.0))
    assert hash(LIF()) == hash(LIF(tau_m=20))
    assert LIF() != LIF(tau_m=10.0)
    assert EIF() != EIF(delta_t=1.0)
    # same membrane parameters, different model: never equal
    assert LIF() != IFModel(psi_func=lambda v: 0.0 * v)
    assert LIF(v_th=-30.0, v_reset=-68.0) != EIF(delta_t=2.0)
    cache = {LIF(): "lif", EIF(): "eif", IFModel(psi_func=_quadratic): "quad"}
    assert cache[LIF()] == "lif" and cache[EIF()] == "eif" and cache[IFModel(psi_func=_quadratic)] == "quad"
    assert type(LIF().tau_m) is float and type(EIF(delta_t=1).delta_t) is float


def test_models_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        EIF().delta_t = 1.0


@pytest.mark.parametrize("cls, kwargs, err, match", [
    (LIF, {"tau_m": 0.0}, ValueError, r"tau_m must lie in \(0, inf\) ms, got 0"),
    (LIF, {"t_ref": -0.1}, ValueError, r"t_ref must lie in \[0, inf\) ms, got -0.1"),
    (LIF, {"e_l": np.nan}, ValueError, r"e_l must be finite"),
    (LIF, {"v_th": None}, TypeError, r"v_th must be a real number, got NoneType"),
    (LIF, {"v_reset": -50.0}, ValueError, r"v_reset must be below v_th, got v_reset=-50 mV >= v_th=-50 mV"),
    (EIF, {"delta_t": -1.0}, ValueError, r"delta_t must lie in \(0, inf\) mV"),
    (EIF, {"v_t": -30.0}, ValueError, r"v_t must be below the cut-off v_th, got v_t=-30 mV >= v_th=-30 mV"),
    (IFModel, {"psi_func": _quadratic, "tau_m": True}, TypeError, r"tau_m must be a real number, got bool"),
])
def test_bad_parameters(cls, kwargs, err, match):
    with pytest.raises(err, match=match):
        cls(**kwargs)


@pytest.mark.parametrize("model, allowed, ok", [
    (LIF(), ("lif",), True), (EIF(), ("lif", "eif"), True), (MODELS[2], ("lif", "eif", "custom"), True),
    (EIF(), ("lif",), False), (MODELS[2], ("lif", "eif"), False),
])
def test_check_model(model, allowed, ok):
    if ok:
        assert check_model(model, "model", allowed) is model
    else:
        names = {"lif": "LIF", "eif": "EIF", "custom": "IFModel"}
        expect = ", ".join(names[k] for k in allowed)
        match = rf"neuron must be an snnlib model \({expect}\), got {type(model).__name__}"
        with pytest.raises(TypeError, match=match):
            check_model(model, "neuron", allowed)


@pytest.mark.parametrize("bad", ["lif", None, LIF])
def test_check_model_rejects_non_models(bad):
    with pytest.raises(TypeError, match=r"model must be an snnlib model \(LIF, EIF, IFModel\)"):
        check_model(bad)
