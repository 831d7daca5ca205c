r"""Connectivity from correlations, and correlations from connectivity, as problems to solve (chapter 9).

Chapter 8 predicts the covariances of a network from its weights. This module turns that around:

* **forward design**, :func:`fit_hawkes_weights`: choose the weights of a linear Hawkes network
  (on a given set of allowed connections) so that its long-window count covariance
  :math:`C = (I - W)^{-1} D (I - W)^{-T}` matches a target, by gradient descent through that
  closed form (the linear response theory of chapter 8, exact for the Hawkes process);
* **inverse, Hawkes**, :func:`infer_hawkes_weights`: read the weights back from measured
  cross-spectra, through the exact identity
  :math:`C(f)^{-1} = (I - W\hat g)^H D^{-1} (I - W\hat g)`;
* **inverse, Boltzmann**, :func:`mean_field_weights`: the naive mean-field estimate
  :math:`W \approx -C^{-1}` (off the diagonal) from the means and covariances of binary samples
  (Kappen & Rodriguez 1998), good for weak coupling only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize

from .._core.validation import check_array, check_bool, check_choice, check_int, check_positive, check_scalar
from .hawkes import MAX_RADIUS, _check_process, _kernel_hat

__all__ = ["HawkesFit", "fit_hawkes_weights", "infer_hawkes_weights", "mean_field_weights"]

#: Armijo's sufficient-decrease constant of the backtracking line search.
_ARMIJO = 1e-4
#: Step-size halvings tried before a gradient step counts as failed.
_MAX_HALVINGS = 60


# ------------------------------------------------------------------------------------------------
# Forward design: weights for a target covariance
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HawkesFit:
    """Weights of a linear Hawkes network fitted to a target count covariance (:func:`fit_hawkes_weights`).

    Parameters
    ----------
    weights : ndarray, shape (n, n)
        Fitted weights (dimensionless), zero outside the mask.
    rates : ndarray, shape (n,)
        Stationary rates of the fitted network (Hz).
    count_covariance : ndarray, shape (n, n)
        Its long-window count covariance per unit time (Hz).
    loss : ndarray, shape (n_iterations + 1,)
        :math:`\\tfrac12\\|C - C^*\\|_F^2 / \\|C^*\\|_F^2` before each accepted step and after the last.
    converged : bool
        Whether the loss, or its relative decrease in a step, fell to ``tol`` within ``n_steps``
        steps (or no step could lower it).

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> target = np.array([[18.8, 10.35], [10.35, 18.8]])    # Hz
    >>> fit = snnlib.fit_hawkes_weights(10.0, target)
    >>> np.round(fit.count_covariance, 2)     # the target is met ...
    array([[18.8 , 10.35],
           [10.35, 18.8 ]])
    >>> # ... by two neurons exciting each other
    >>> np.round(fit.weights, 3)
    array([[0. , 0.3],
           [0.3, 0. ]])
    """

    weights: np.ndarray
    rates: np.ndarray
    count_covariance: np.ndarray
    loss: np.ndarray
    converged: bool


def _forward(b: np.ndarray, w: np.ndarray):
    """Propagator, rates and count covariance of a Hawkes network (rates may come out negative)."""
    prop = np.linalg.inv(np.eye(w.shape[0]) - w)
    r = prop @ b
    return prop, r, (prop * r) @ prop.T


def _loss_and_gradient(b, w, target, norm2):
    r"""Loss :math:`\tfrac12\|C - C^*\|^2/\|C^*\|^2` and its gradient in :math:`W`.

    With :math:`B = (I - W)^{-1}`, :math:`r = Bb`, :math:`C = B\,\mathrm{diag}(r)\,B^T` and
    :math:`G = (C - C^*)/\|C^*\|^2`: :math:`dB = B\,dW\,B` and :math:`dr = B\,dW\,r`, so
    :math:`\nabla_W = 2 B^T G B D B^T + B^T h\, r^T` with :math:`h = \mathrm{diag}(B^T G B)`.
    """
    prop, r, c = _forward(b, w)
    g = (c - target) / norm2
    loss = 0.5 * float(np.sum((c - target) ** 2)) / norm2
    bgb = prop.T @ g @ prop
    grad = 2.0 * (bgb * r) @ prop.T + np.outer(prop.T @ np.diag(bgb), r)
    return loss, grad, r


def _radius(w: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(w))))


def _projected_gradient(b, w, t, norm2, project, n_steps, tol, max_radius):
    """Projected gradient descent with a backtracking (Armijo) line search."""
    loss, grad, _ = _loss_and_gradient(b, w, t, norm2)
    history, step, converged = [loss], 1.0, False
    for _ in range(n_steps):
        for _ in range(_MAX_HALVINGS):
            trial = project(w - step * grad)
            if _radius(trial) < max_radius:
                new_loss, new_grad, r = _loss_and_gradient(b, trial, t, norm2)
                if np.all(r >= 0.0) and new_loss <= loss - _ARMIJO * np.sum(grad * (w - trial)):
                    break
            step *= 0.5
        else:                     # no step lowers the loss: a stationary point of the projected problem
            return w, history, True
        decrease = loss - new_loss
        w, loss, grad = trial, new_loss, new_grad
        history.append(loss)
        step *= 2.0
        if loss <= tol or decrease <= tol * history[-2]:
            converged = True
            break
    return w, history, converged


def _lbfgs(b, w0, t, norm2, allowed, nonnegative, n_steps, tol, max_radius):
    """L-BFGS-B over the allowed weights, with the same loss and gradient. A point outside the
    stationary region (spectral radius >= max_radius, or a negative rate) gets a loss far above
    any reached inside it, so the line search backs off from it."""
    idx = np.nonzero(allowed)
    n = w0.shape[0]
    wall = 1e6 * (1.0 + _loss_and_gradient(b, w0, t, norm2)[0])

    def unpack(x):
        w = np.zeros((n, n))
        w[idx] = x
        return w

    last = {}                      # the latest evaluation: the callback's iterate is usually it

    def fun(x):
        key = x.tobytes()
        if key not in last:
            w = unpack(x)
            if _radius(w) >= max_radius:
                value = wall, np.zeros_like(x)
            else:
                loss, grad, r = _loss_and_gradient(b, w, t, norm2)
                value = (loss, grad[idx]) if np.all(r >= 0.0) else (wall, np.zeros_like(x))
            last.clear()
            last[key] = value
        return last[key]

    history = [fun(w0[idx])[0]]

    def record(x):
        history.append(fun(x)[0])
        return history[-1] <= tol

    bounds = [(0.0, None) if nonnegative else (None, None)] * idx[0].size
    res = scipy.optimize.minimize(fun, w0[idx], jac=True, method="L-BFGS-B", bounds=bounds, callback=record,
                                  options=dict(maxiter=n_steps, ftol=tol, gtol=0.0, maxcor=20))
    w = unpack(res.x)
    converged = bool(history[-1] <= tol or res.status == 0)
    return w, history, converged


def fit_hawkes_weights(baseline, target, *, mask=None, weights0=None, nonnegative: bool = True,
                       method: str = "lbfgs", n_steps: int = 2000, tol: float = 1e-12,
                       max_radius: float = 0.95) -> HawkesFit:
    r"""Weights of a linear Hawkes network whose count covariance matches a target, by gradient descent.

    Parameters
    ----------
    baseline : float or array_like, shape (n,)
        Baseline rates :math:`b_i` (Hz), nonnegative, held fixed.
    target : array_like, shape (n, n)
        Target long-window count covariance per unit time :math:`C^*` (Hz), symmetric, as
        :func:`hawkes_count_covariance <snnlib.network.hawkes.hawkes_count_covariance>` or
        :func:`count_covariance <snnlib.spikes.statistics.count_covariance>` give it.
    mask : array_like of bool, shape (n, n), optional
        Connections allowed to be nonzero (``mask[i, j]``: from ``j`` to ``i``). Default: every
        connection except self-connections.
    weights0 : array_like, shape (n, n), optional
        Initial weights (default zero); entries outside the mask are ignored. Spectral radius
        below ``max_radius``.
    nonnegative : bool
        Keep the weights :math:`\ge 0` (excitatory kernels, for which the linear intensity
        never goes negative and the closed forms are exact). Default True.
    method : {"lbfgs", "gradient"}
        ``"lbfgs"``: quasi-Newton steps along the same gradient (L-BFGS-B; Byrd, Lu, Nocedal & Zhu
        1995), tens to hundreds of steps; ``"gradient"``: plain projected gradient descent, the
        learning rule of chapter 1, which can need thousands of steps on ill-conditioned
        targets.
    n_steps : int
        Most steps (iterations), at least 1.
    tol : float
        Stop when the loss falls to ``tol`` or a step lowers it by less than ``tol`` times its
        value; in [0, 1).
    max_radius : float
        Steps that would bring the spectral radius of :math:`W` to ``max_radius`` or beyond are
        shortened, so that the network stays stationary; in (0, 1).

    Returns
    -------
    HawkesFit
        ``weights``, ``rates`` (Hz), ``count_covariance`` (Hz), the ``loss`` history and
        ``converged``.

    Notes
    -----
    Minimises :math:`L(W) = \tfrac12\|C(W) - C^*\|_F^2/\|C^*\|_F^2` with
    :math:`C(W) = (I - W)^{-1} D (I - W)^{-T}`, :math:`D = \mathrm{diag}((I - W)^{-1}b)` (Hawkes
    1971). With :math:`B = (I - W)^{-1}`, :math:`r = Bb` and :math:`G = (C - C^*)/\|C^*\|^2`,
    the gradient is :math:`\nabla_W L = 2B^TGBDB^T + B^T h r^T`, :math:`h = \mathrm{diag}(B^TGB)`
    (from :math:`dB = B\,dW\,B`). ``"gradient"`` steps along :math:`-\nabla_W L`, projected onto
    the mask and, with ``nonnegative``, onto :math:`W \ge 0`, with a backtracking (Armijo) line
    search: each step is halved until the loss falls by at least :math:`10^{-4}` of the decrease
    the gradient promises, and the next step starts twice as long. The problem is not convex: different masks and starting points can reach different
    minima, and a target no network on the mask can produce is matched only as well as the
    mask allows.

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> w_true = np.array([[0.0, 0.3], [0.0, 0.0]])          # 1 -> 0
    >>> target = snnlib.hawkes_count_covariance(10.0, w_true)
    >>> fit = fit_hawkes_weights(10.0, target, mask=w_true > 0)
    >>> np.round(fit.weights, 4)
    array([[0. , 0.3],
           [0. , 0. ]])
    """
    t = check_array(target, "target", ndim=2, unit="Hz")
    n = t.shape[0]
    if t.shape != (n, n):
        raise ValueError(f"target must be a square (n, n) covariance, got shape {t.shape}")
    if not np.allclose(t, t.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.abs(t).max()))):
        raise ValueError("target must be symmetric (a covariance matrix)")
    norm2 = float(np.sum(t ** 2))
    if norm2 == 0.0:
        raise ValueError("target must not be all zero")
    b, _ = _check_process(baseline, np.zeros((n, n)))
    if mask is None:
        allowed = ~np.eye(n, dtype=bool)
    else:
        allowed = check_array(mask, "mask", shape=(n, n), dtype=bool)
    nonnegative = check_bool(nonnegative, "nonnegative")
    method = check_choice(method, "method", ("lbfgs", "gradient"))
    n_steps = check_int(n_steps, "n_steps", low=1)
    tol = check_scalar(tol, "tol", low=0.0, high=1.0, high_inclusive=False)
    max_radius = check_scalar(max_radius, "max_radius", low=0.0, high=1.0, low_inclusive=False,
                              high_inclusive=False)

    def project(w):
        w = np.where(allowed, w, 0.0)
        return np.maximum(w, 0.0) if nonnegative else w

    w = project(np.zeros((n, n)) if weights0 is None else check_array(weights0, "weights0", shape=(n, n)))
    if _radius(w) >= max_radius:
        raise ValueError(f"weights0 must have a spectral radius below max_radius = {max_radius:g}, "
                         f"got {_radius(w):.4g}")
    if method == "gradient":
        w, history, converged = _projected_gradient(b, w, t, norm2, project, n_steps, tol, max_radius)
    else:
        w, history, converged = _lbfgs(b, w, t, norm2, allowed, nonnegative, n_steps, tol, max_radius)
    prop, r, c = _forward(b, w)
    return HawkesFit(w, r, c, np.asarray(history), converged)


# ------------------------------------------------------------------------------------------------
# Inverse: Hawkes weights from cross-spectra
# ------------------------------------------------------------------------------------------------
def infer_hawkes_weights(rates, spectra, freqs, *, tau, delay) -> np.ndarray:
    r"""Weights of a linear Hawkes network read back from its cross-spectra (the exact inverse).

    Parameters
    ----------
    rates : array_like, shape (n,)
        Rates :math:`r_i` (Hz), positive.
    spectra : array_like of complex, shape (n_freqs, n, n)
        Cross-spectra :math:`C(f)` (Hz) at ``freqs``, as :func:`hawkes_cross_spectrum
        <snnlib.network.hawkes.hawkes_cross_spectrum>` gives them or
        :func:`cross_spectrum_matrix <snnlib.spikes.cross_spectrum.cross_spectrum_matrix>`
        measures them.
    freqs : array_like, shape (n_freqs,)
        Frequencies (Hz), nonnegative; at least two, at which the kernel's phase differs (see Notes).
    tau : float
        Time constant of the exponential kernels (ms), known.
    delay : float
        Their delay :math:`d` (ms), known and positive (see Notes).

    Returns
    -------
    ndarray, shape (n, n)
        Weights :math:`W_{ij}` (dimensionless), the least-squares solution over ``freqs``;
        exact (to rounding) when the spectra are.

    Notes
    -----
    From :math:`C = B D B^H` with :math:`B = (I - \hat g W)^{-1}` and :math:`\hat g(f) =
    e^{-2\pi i f d}/(1 + 2\pi i f \tau)` (Hawkes 1971),

    .. math::

        C(f)^{-1} - D^{-1} &= -\hat g\, X - \hat g^*\, X^T + |\hat g|^2\, Y, \\
        X &= D^{-1} W,\quad Y = W^T D^{-1} W,

    which is *linear* in the unknowns :math:`X` and :math:`Y`. Its imaginary part gives
    :math:`X - X^T` (coefficient :math:`-\mathrm{Im}\,\hat g`), its real part
    :math:`-\mathrm{Re}\,\hat g\,(X + X^T) + |\hat g|^2 Y`; two frequencies at which
    :math:`\mathrm{Re}\,\hat g/|\hat g|^2 = \cos 2\pi f d - 2\pi f\tau \sin 2\pi f d` differs
    separate :math:`X + X^T` from :math:`Y`. Without a delay that ratio is 1 at every frequency
    and the real parts cannot be separated: second-order statistics then still determine
    :math:`W` (through the causal factorisation of :math:`C(f)`, Bacry & Muzy 2016, IEEE Trans.
    Inf. Theory 62, 2184), but not by this linear identity, hence ``delay > 0``.

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> w = np.array([[0.0, 0.4], [0.2, 0.0]])
    >>> f = [0.0, 20.0, 50.0]
    >>> c = snnlib.hawkes_cross_spectrum(5.0, w, tau=5.0, freqs=f, delay=2.0)
    >>> r = snnlib.hawkes_rates(5.0, w)
    >>> np.round(infer_hawkes_weights(r, c, f, tau=5.0, delay=2.0), 10) + 0.0
    array([[0. , 0.4],
           [0.2, 0. ]])
    """
    r = check_array(rates, "rates", ndim=1, low=0.0, low_inclusive=False, unit="Hz")
    n = r.size
    f = check_array(freqs, "freqs", ndim=1, low=0.0, unit="Hz")
    c = check_array(spectra, "spectra", shape=(f.size, n, n), dtype=complex, unit="Hz")
    tau = check_positive(tau, "tau", unit="ms")
    delay = check_positive(delay, "delay", unit="ms")
    g = _kernel_hat(f, tau, delay)
    ratio = g.real / np.abs(g) ** 2
    if f.size < 2 or np.ptp(ratio) < 1e-6:
        raise ValueError("freqs must hold at least two frequencies at which cos(2 pi f d) - 2 pi f tau "
                         f"sin(2 pi f d) differs (got {ratio.round(6).tolist()}): only then can the real parts "
                         "of the spectra be separated")
    try:
        a = np.linalg.inv(c) - np.diag(1.0 / r)
    except np.linalg.LinAlgError:
        raise ValueError("spectra must be invertible at every frequency (a cross-spectral matrix is "
                         "positive definite)") from None
    # real parts: [-Re g, |g|^2] @ (X + X^T, Y); imaginary parts: -Im g (X - X^T)
    design = np.column_stack([-g.real, np.abs(g) ** 2])
    sym_y = np.linalg.lstsq(design, a.real.reshape(f.size, -1), rcond=None)[0]
    sym = sym_y[0].reshape(n, n)
    im = -g.imag
    if np.all(np.abs(im) < 1e-12):
        raise ValueError("freqs must include a positive frequency (the imaginary parts give X - X^T)")
    anti = (im @ a.imag.reshape(f.size, -1) / (im @ im)).reshape(n, n)
    x = 0.5 * (sym + anti)
    return r[:, None] * x


# ------------------------------------------------------------------------------------------------
# Inverse: Boltzmann weights from moments
# ------------------------------------------------------------------------------------------------
def mean_field_weights(mean, covariance) -> tuple:
    r"""Naive mean-field estimate of a Boltzmann distribution's weights and biases from its moments.

    Parameters
    ----------
    mean : array_like, shape (K,)
        Means :math:`m_k = \langle z_k\rangle` of the binary variables, in (0, 1).
    covariance : array_like, shape (K, K)
        Their covariance matrix :math:`C_{kl} = \langle z_k z_l\rangle - m_k m_l`, symmetric and
        positive definite.

    Returns
    -------
    (ndarray, ndarray)
        ``weights`` (K, K), symmetric with a zero diagonal, and ``bias`` (K,), both dimensionless,
        for :math:`p(z) \propto \exp(b^T z + \tfrac12 z^T W z)` as in
        :func:`boltzmann_probabilities <snnlib.network.sampling.boltzmann_probabilities>`.

    Notes
    -----
    The naive mean-field equations :math:`m_k = \sigma(b_k + \sum_l W_{kl} m_l)` differentiated
    with respect to :math:`b_l` give the linear-response relation :math:`C^{-1} =
    \mathrm{diag}(1/(m_k(1 - m_k))) - W` (Kappen & Rodriguez 1998, Neural Comput. 10, 1137), so

    .. math::

        W_{kl} = -(C^{-1})_{kl}\ (k \ne l), \qquad b_k = \log\frac{m_k}{1 - m_k} - \sum_l W_{kl} m_l.

    The error is of second order in the couplings: exact for independent units, good when each
    unit's total coupling is small, and biased (typically overestimating strong weights) in
    strongly coupled or small-sample cases (Roudi, Tyrcha & Hertz 2009, Phys. Rev. E 79, 051915).

    Examples
    --------
    >>> import numpy as np, snnlib
    >>> w = np.array([[0.0, 0.1], [0.1, 0.0]])
    >>> m, c = snnlib.boltzmann_statistics(w, [-0.5, 0.2])[:2]
    >>> w_mf, b_mf = mean_field_weights(m, c - np.outer(m, m))
    >>> round(float(w_mf[0, 1]), 3)                          # 0.1 up to O(w^2)
    0.1
    """
    m = check_array(mean, "mean", ndim=1, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    k = m.size
    c = check_array(covariance, "covariance", shape=(k, k))
    if not np.allclose(c, c.T, rtol=1e-10, atol=1e-14):
        raise ValueError("covariance must be symmetric")
    try:
        chol = np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        raise ValueError("covariance must be positive definite (every state's variance > 0 and no exact "
                         "linear dependence; with samples, use more of them)") from None
    inv = np.linalg.inv(chol)
    prec = inv.T @ inv
    w = -0.5 * (prec + prec.T)
    np.fill_diagonal(w, 0.0)
    b = np.log(m / (1.0 - m)) - w @ m
    return w, b
