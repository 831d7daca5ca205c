"""Naive twins of snnlib.fokker_planck: Siegert by scipy quad, threshold integration (also in mpmath, where
doubles overflow), closed forms."""

from __future__ import annotations

import math

import numpy as np


def siegert_rate(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma):
    """LIF rate (Hz) from scipy quad of the UNSPLIT Siegert integral (Brunel 2000, eq. 21).

    The integrand e^{u^2}(1 + erf u) is written e^{u^2} erfc(-u) (the same number, without
    the cancellation of 1 + erf u for u < -3). Valid while |y| <= 26 (no overflow of e^{u^2}).
    """
    from scipy.integrate import quad
    from scipy.special import erfc

    y_th = (v_th - e_l - mu) / (math.sqrt(2.0) * sigma)
    y_r = (v_reset - e_l - mu) / (math.sqrt(2.0) * sigma)
    assert max(abs(y_th), abs(y_r)) <= 26.0, "naive Siegert integral would overflow"
    integral, _ = quad(lambda u: math.exp(u * u) * erfc(-u), y_r, y_th,
                       epsabs=0.0, epsrel=1e-13, limit=500)
    return 1000.0 / (t_ref + tau_m * math.sqrt(math.pi) * integral)


def lif_cv(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma):
    """LIF ISI CV from a quad of a quad (Brunel 2000, appendix A; Tuckwell 1988).

    CV^2 = 2 pi (nu tau_m)^2 int_{y_r}^{y_th} e^{x^2} int_{-inf}^x e^{y^2}(1 + erf y)^2 dy dx.
    The inner lower limit -inf is replaced by min(x, 0) - 10 (the integrand there is below
    e^{-100} of its peak); valid while |y| <= 15.
    """
    from scipy.integrate import quad
    from scipy.special import erfc

    y_th = (v_th - e_l - mu) / (math.sqrt(2.0) * sigma)
    y_r = (v_reset - e_l - mu) / (math.sqrt(2.0) * sigma)
    assert max(abs(y_th), abs(y_r)) <= 15.0, "naive CV integral would overflow"

    def inner(x):
        val, _ = quad(lambda y: math.exp(y * y) * erfc(-y) ** 2, min(x, 0.0) - 10.0, x,
                      epsabs=0.0, epsrel=1e-12, limit=500)
        return val

    outer, _ = quad(lambda x: math.exp(x * x) * inner(x), y_r, y_th,
                    epsabs=0.0, epsrel=1e-11, limit=500)
    nu_ms = siegert_rate(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma) / 1000.0
    return math.sqrt(2.0 * math.pi * (nu_ms * tau_m) ** 2 * outer)


def fp_stationary_threshold_integrate(f_mid, h, i_reset, d):
    """Unit-flux density p (ms/mV), moments T1 (ms), T2 (ms^2) and step averages pbar of p.

    Plain loops, one grid: from v_th (p = 0) downwards, each step of width h solves
    p' = (f p - j)/D exactly with f frozen at the step midpoint (f_mid, mV/ms; D = d
    mV^2/ms): p_bottom = p_top e^{-x} + (j h/D)(1 - e^{-x})/x, x = f h/D, and adds the
    step's exact integral of p. j = 1 above v_{i_reset}, 0 below. The second sweep uses
    the flux k1(v) = -int_{v_lb}^v p (mean of the step ends) and gives T2 = -2 int q.
    """
    def phi1(x):                       # (1 - e^{-x}) / x
        return 1.0 - x / 2.0 if abs(x) < 1e-8 else -math.expm1(-x) / x

    def phi2(x):                       # (x - 1 + e^{-x}) / x^2
        if abs(x) < 1e-3:
            return 0.5 - x / 6.0 + x * x / 24.0 - x ** 3 / 120.0
        return (x + math.expm1(-x)) / (x * x)

    n = len(f_mid)
    p = [0.0] * (n + 1)
    pbar = [0.0] * n                   # exact average of p over each step
    above = [0.0] * (n + 1)            # above[i] = int_{v_i}^{v_th} p
    for k in range(n, 0, -1):
        x = f_mid[k - 1] * h / d
        j = 1.0 if k > i_reset else 0.0
        p[k - 1] = p[k] * math.exp(-x) + j * h / d * phi1(x)
        pbar[k - 1] = p[k] * phi1(x) + j * h / d * phi2(x)
        above[k - 1] = above[k] + h * pbar[k - 1]
    t1 = above[0]
    q, mass_q = 0.0, 0.0
    for k in range(n, 0, -1):
        x = f_mid[k - 1] * h / d
        j = 0.5 * (above[k] + above[k - 1]) - t1
        mass_q += q * h * phi1(x) + j * h * h / d * phi2(x)
        q = q * math.exp(-x) + j * h / d * phi1(x)
    return np.array(p), t1, -2.0 * mass_q, np.array(pbar)


def fp_stationary_log_density_mp(f_mid, h, i_reset, d, dps=30):
    """log p and log pbar of :func:`fp_stationary_threshold_integrate`'s first sweep, in mpmath.

    The same exponential step p_{k-1} = p_k e^{-x} + (j h/D)(1 - e^{-x})/x and step average
    pbar = p_k (1 - e^{-x})/x + (j h/D)(x - 1 + e^{-x})/x^2, x = f h/D, evaluated in
    arbitrary-precision numbers whose exponent cannot overflow: a reference for the log-space
    sweep where p exceeds 1e308 (rates below ~1e-300 Hz). Plain loops; returns float arrays.
    """
    import mpmath

    mpmath.mp.dps = dps
    n = len(f_mid)
    src = mpmath.mpf(h) / mpmath.mpf(d)
    p = [mpmath.mpf(0)] * (n + 1)
    pbar = [mpmath.mpf(0)] * n
    for k in range(n, 0, -1):
        x = mpmath.mpf(f_mid[k - 1]) * h / d
        e = mpmath.exp(-x)
        phi1 = (1 - e) / x if x != 0 else mpmath.mpf(1)
        phi2 = (x - 1 + e) / (x * x) if x != 0 else mpmath.mpf(0.5)
        j = 1 if k > i_reset else 0
        p[k - 1] = p[k] * e + j * src * phi1
        pbar[k - 1] = p[k] * phi1 + j * src * phi2
    log = lambda z: float(mpmath.log(z)) if z > 0 else -math.inf   # noqa: E731
    return np.array([log(z) for z in p]), np.array([log(z) for z in pbar])


def fp_stationary_lif_density(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma, v):
    """Closed-form LIF stationary density (1/mV) at the voltages v, one quad per point.

    Solving J = f P - D P' with J = r above v_reset, 0 below, P(v_th) = 0:
    P(v) = (r/D) int_{max(v, v_r)}^{v_th} exp([(m - u)^2 - (m - v)^2] / (2 sigma^2)) du,
    m = e_l + mu, D = sigma^2/tau_m (Brunel & Hakim 1999, eq. 13, in our sigma).
    """
    from scipy.integrate import quad

    r = siegert_rate(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma) / 1000.0
    m = e_l + mu
    d = sigma * sigma / tau_m
    out = []
    for vv in np.atleast_1d(v):
        lo = max(vv, v_reset)
        val, _ = quad(lambda u: math.exp(((m - u) ** 2 - (m - vv) ** 2) / (2 * sigma ** 2)), lo, v_th,
                      epsabs=0.0, epsrel=1e-12)
        out.append(r / d * val)
    return np.array(out)


def fp_stationary_quad_rate(model, mu, sigma, v_lb):
    """Stationary rate (Hz) of an LIF or EIF from a double quad of the unit-flux density.

    T1 = int_{v_lb}^{v_th} dv (1/D) int_{max(v, v_r)}^{v_th} exp(-[Phi(u) - Phi(v)]) du,
    Phi' = f/D, with Phi in closed form (EIF: Delta_T^2 e^{(v - v_T)/Delta_T} term);
    r = 1/(t_ref + T1) (Richardson 2007, eq. 21; Fourcaud-Trocme et al. 2003, appendix).
    """
    from scipy.integrate import quad

    m = model.e_l + mu
    s2 = sigma * sigma
    d = s2 / model.tau_m

    def phi(v):
        val = (m * v - 0.5 * v * v) / s2
        if model.kind == "eif":
            val += model.delta_t ** 2 * math.exp((v - model.v_t) / model.delta_t) / s2
        return val

    # the EIF upswing: breakpoints where exp((v - v_T)/Delta_T) changes by e^5 and e^20, so that quad
    # sees the super-exponential cut-off of the integrands (a small Delta_T makes it abrupt)
    knots = [model.v_t + k * model.delta_t for k in (0.0, 5.0, 20.0)] if model.kind == "eif" else []

    def pieces(a, b):
        cuts = [a] + [k for k in knots if a < k < b] + [b]
        return zip(cuts[:-1], cuts[1:])

    def p_unit(v):
        pv = phi(v)
        return sum(quad(lambda u: math.exp(pv - phi(u)), a, b, epsabs=0.0, epsrel=1e-12, limit=200)[0]
                   for a, b in pieces(max(v, model.v_reset), model.v_th)) / d

    t1 = 0.0
    for lo, hi in ((v_lb, model.v_reset), (model.v_reset, model.v_th)):
        for a, b in pieces(lo, hi):
            t1 += quad(p_unit, a, b, epsabs=0.0, epsrel=1e-11, limit=200)[0]
    return 1000.0 / (model.t_ref + t1)


def fp_chi_threshold_integrate(omega, t_ref, tau_m, f_mid, pbar, h, i_reset, d):
    """Susceptibility (1/(ms mV)) and ISI Fourier transform on one grid, by plain loops.

    Three solutions (P, J) of the linearised FP equation at angular frequency omega
    (rad/ms), integrated from v_th (P = 0) down to v_lb; M = int_v^{v_th} P, J = J0 + i w M:
      a: J0 = 1;  r: J0 = 1, dropping by e^{-i w t_ref} at v_reset (delayed reinjection);
      e: J0 = 0 with the source S = pbar / tau_m (pbar: step average of the unit-flux
         stationary density, ms/mV).
    Each step freezes f (midpoint), S and J, solves P' = (f P - J + S)/D exactly and adds
    the exact integral of P to M; J is taken at the mean of M at both step ends (found by
    fixed-point iteration here, in closed form in the kernel). The rate response to
    mu + eps e^{i w t} is r1 = -J_e/J_r at v_lb (unit flux), so chi = r0 r1 with
    r0 = 1/(t_ref + int p); the ISI Fourier transform is F = 1 - J_r/J_a. For omega > 0.
    """
    def phi1(x):
        return 1.0 - x / 2.0 if abs(x) < 1e-8 else -math.expm1(-x) / x

    def phi2(x):
        if abs(x) < 1e-3:
            return 0.5 - x / 6.0 + x * x / 24.0 - x ** 3 / 120.0
        return (x + math.expm1(-x)) / (x * x)

    n = len(f_mid)
    c_ref = np.exp(-1j * omega * t_ref)
    state = {"a": [0j, 0j, 1.0], "r": [0j, 0j, 1.0], "e": [0j, 0j, 0.0]}   # P, M, J0
    mass = sum(pbar) * h
    for k in range(n, 0, -1):
        x = f_mid[k - 1] * h / d
        s_src = pbar[k - 1] / tau_m
        for name, st in state.items():
            pp, mm, j0 = st
            src = s_src if name == "e" else 0.0
            j_star = j0 + 1j * omega * mm
            for _ in range(100):                # J* = J0 + i w (M + dM/2), a contraction
                dm = pp * h * phi1(x) + (j_star - src) * h * h / d * phi2(x)
                j_new = j0 + 1j * omega * (mm + dm / 2)
                done = abs(j_new - j_star) <= 1e-17 * abs(j_new)
                j_star = j_new
                if done:
                    break
            dm = pp * h * phi1(x) + (j_star - src) * h * h / d * phi2(x)
            st[0] = pp * math.exp(-x) + (j_star - src) * h / d * phi1(x)
            st[1] = mm + dm
        if k - 1 == i_reset:
            state["r"][2] = 1.0 - c_ref
    j_end = {name: st[2] + 1j * omega * st[1] for name, st in state.items()}
    r0 = 1.0 / (t_ref + mass)
    return -r0 * j_end["e"] / j_end["r"], 1.0 - j_end["r"] / j_end["a"]


def _fp_chi_pcf_integrals(nu_im, z):
    """e^{z^2/4} Gamma(1 - nu) D_{nu-1}(z) and e^{z^2/4} Gamma(1 - nu) D_nu(z), nu = i nu_im.

    Parabolic cylinder functions of complex order from the integral representation
    D_a(z) = e^{-z^2/4} / Gamma(-a) int_0^inf t^{-a-1} e^{-z t - t^2/2} dt, Re a < 0
    (Abramowitz & Stegun 19.5.3 / DLMF 12.5.1), for a = nu - 1 and a = nu - 2, then the
    recurrence D_nu = z D_{nu-1} - (nu - 1) D_{nu-2} (DLMF 12.8.1). With t = e^u the
    factor t^{-i nu_im} = e^{-i nu_im u} becomes a Fourier weight (scipy quad, QAWO).
    """
    from scipy.integrate import quad

    u_lo = -40.0
    u_hi = math.log(max(-z, 0.0) + 45.0)
    peak = -0.5 * max(-z, 0.0) ** 2      # scale out e^{z^2/2} for negative z

    def moment(power):                   # int_0^inf t^{power - i nu_im} e^{-z t - t^2/2} dt
        g = lambda u: math.exp((power + 1) * u - z * math.exp(u) - 0.5 * math.exp(2 * u) + peak)
        re, _ = quad(g, u_lo, u_hi, weight="cos", wvar=nu_im, epsabs=0.0, epsrel=1e-12, limit=2000)
        im, _ = quad(g, u_lo, u_hi, weight="sin", wvar=nu_im, epsabs=0.0, epsrel=1e-12, limit=2000)
        return (re - 1j * im) * math.exp(-peak)

    i1 = moment(0)                      # Gamma(1-nu) e^{z^2/4} D_{nu-1}(z)
    i2 = moment(1)                      # Gamma(2-nu) e^{z^2/4} D_{nu-2}(z) = (1-nu) Gamma(1-nu) ...
    return i1, z * i1 + i2              # D_nu = z D_{nu-1} - (nu-1) D_{nu-2}


def fp_chi_lif_spectrum_closed_form(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma, freq):
    """LIF spike-train spectrum S(f) (Hz) from the closed-form ISI Fourier transform, f > 0.

    The first-passage time of the OU process from v_reset to v_th has the Laplace transform
    E[e^{-s T}] = e^{(y_R^2 - y_T^2)/4} D_{-s tau}(y_R) / D_{-s tau}(y_T), y = (e_l + mu - v)/sigma
    (Darling & Siegert 1953; Lindner, Schimansky-Geier & Longtin 2002, eq. 12); with s = i w
    and the refractory delay F = e^{-i w t_ref} E[e^{-i w T}], S = r Re[(1 + F)/(1 - F)].
    Uses mpmath.pcfd (parabolic cylinder function of complex order).
    """
    import mpmath

    mpmath.mp.dps = 30
    w = 2.0 * math.pi * freq / 1000.0
    y_t = (e_l + mu - v_th) / sigma
    y_r = (e_l + mu - v_reset) / sigma
    nu = mpmath.mpc(0, -w * tau_m)
    f0 = complex(mpmath.exp((y_r ** 2 - y_t ** 2) / 4) * mpmath.pcfd(nu, y_r) / mpmath.pcfd(nu, y_t))
    f = np.exp(-1j * w * t_ref) * f0
    r = siegert_rate(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma)
    return r * ((1 + f) / (1 - f)).real


def fp_chi_lif_closed_form(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma, freq, method="mpmath"):
    """LIF susceptibility chi(f) (Hz/mV) from parabolic cylinder functions, f > 0 (Hz).

    Lindner & Schimansky-Geier (2001, Phys Rev Lett 86:2934, eq. 9; Brunel & Hakim 1999)
    in units of tau_m with noise intensity D = sigma^2 (our sigma; sigma_B^2/2):
    chi = r0/sigma * i w/(i w - 1) * [D_{iw-1}(y_T) - e^Delta D_{iw-1}(y_R)]
                                   / [D_{iw}(y_T) - e^Delta D_{iw}(y_R)],
    y = (e_l + mu - v)/sigma, Delta = (y_R^2 - y_T^2)/4, w = 2 pi f tau_m, for a modulation
    e^{-i w t}; for ours, e^{+i w t}, w -> -w (complex conjugate). The factor
    e^{-i w t_ref} delays the reinjected flux by the refractory period. ``method``:
    "mpmath" (mpmath.pcfd, complex order, 30 digits) or "integral" (the integral
    representation below with scipy quad; reliable for w = 2 pi f tau_m up to ~30).
    """
    w = 2.0 * math.pi * freq / 1000.0 * tau_m
    y_t = (e_l + mu - v_th) / sigma
    y_r = (e_l + mu - v_reset) / sigma
    r0 = siegert_rate(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma) / 1000.0
    c_ref = np.exp(-1j * w * t_ref / tau_m)
    # LSG write the modulation as e^{-i w t}; ours is e^{+i w t}: w -> -w in their formula
    if method == "mpmath":
        import mpmath

        mpmath.mp.dps = 30
        nu = mpmath.mpc(0, -w)
        e_delta = mpmath.exp((y_r ** 2 - y_t ** 2) / 4)
        num = mpmath.pcfd(nu - 1, y_t) - e_delta * mpmath.pcfd(nu - 1, y_r)
        den = mpmath.pcfd(nu, y_t) - complex(c_ref) * e_delta * mpmath.pcfd(nu, y_r)
        ratio = complex(num / den)
    else:
        a_t, b_t = _fp_chi_pcf_integrals(-w, y_t)
        a_r, b_r = _fp_chi_pcf_integrals(-w, y_r)
        ratio = (a_t - a_r) / (b_t - c_ref * b_r)
    chi = r0 / sigma * (-1j * w / (-1j * w - 1.0)) * ratio
    return chi * 1000.0
def fp_td_bernoulli(x):
    """B(x) = x / (exp(x) - 1), with B(0) = 1 (Scharfetter & Gummel 1969)."""
    if x == 0.0:
        return 1.0
    if x > 700.0:
        return x * math.exp(-x)
    return x / math.expm1(x)


def fp_td_operator(v_if, psi_if, e_l, tau_m, mu, sigma):
    """Dense finite-volume Fokker-Planck matrix A (dP/dt = A P) and threshold-flux row g.

    Cells between the interfaces ``v_if`` (uniform spacing h); Scharfetter-Gummel flux
    J = (D/h) [B(-Pe) P_left - B(Pe) P_right], Pe = f h / D at each interior interface,
    zero flux at v_if[0], ghost P = 0 at distance h/2 beyond the last cell (absorbing).
    """
    n = len(v_if) - 1
    h = v_if[1] - v_if[0]
    d = sigma ** 2 / tau_m
    flux = np.zeros((n + 1, n))          # row j: flux through interface j as a function of P
    for j in range(1, n):
        f = (e_l - v_if[j] + psi_if[j] + mu) / tau_m
        flux[j, j - 1] = d / h * fp_td_bernoulli(-f * h / d)
        flux[j, j] = -d / h * fp_td_bernoulli(f * h / d)
    f = (e_l - v_if[n] + psi_if[n] + mu) / tau_m
    flux[n, n - 1] = d / (h / 2) * fp_td_bernoulli(-f * (h / 2) / d)
    a = np.zeros((n, n))
    for i in range(n):
        a[i, :] = (flux[i, :] - flux[i + 1, :]) / h
    return a, flux[n, :]


def fp_td_solve(v_if, psi_if, e_l, tau_m, mu, sigma, dt, n_ref, i_reset, u0, r_hist, refr0, theta=0.0):
    """TR-BDF2 time stepping of the dense system, one np.linalg.solve per stage.

    ``mu``/``sigma`` hold one value per step. The refractory period is t_ref = (n_ref + theta) dt,
    0 <= theta < 1: the outflux of step j is reinjected, half into each cell next to interface
    ``i_reset``, with weight 1 - theta in step j + n_ref and weight theta in step j + n_ref + 1,
    each time using the outflux at the start, TR stage and end of step j. ``r_hist`` lists such
    triples for the n_ref + 1 steps before t = 0 (oldest first). A share of the current step
    (n_ref = 0, weight 1 - theta) enters the implicit matrix. Returns the instantaneous rate
    (1/ms), the outflowing mass per step, the refractory and total mass and the final density.
    """
    gam = 2.0 - math.sqrt(2.0)
    ca = 1.0 / (gam * (2.0 - gam))
    cb = (1.0 - gam) ** 2 / (gam * (2.0 - gam))
    cc = (1.0 - gam) / (2.0 - gam)
    n = len(u0)
    h = v_if[1] - v_if[0]
    e = np.zeros(n)
    e[i_reset - 1] = e[i_reset] = 0.5 / h
    eye = np.eye(n)
    u = np.array(u0, dtype=float)
    assert len(r_hist) == n_ref + 1
    hist = [np.array(x, dtype=float) for x in r_hist]     # hist[j + n_ref + 1] = samples of step j
    refr = refr0
    rates, out, refrs, masses = [], [], [refr0], [u.sum() * h + refr0]
    for k in range(len(mu)):
        a, g = fp_td_operator(v_if, psi_if, e_l, tau_m, mu[k], sigma[k])
        if k == 0:
            rates.append(g @ u)
        alpha = gam * dt / 2.0
        r0 = g @ u
        s = theta * hist[k]                              # step k - n_ref - 1
        if n_ref > 0:
            s = s + (1.0 - theta) * hist[k + 1]          # step k - n_ref
            c_now = 0.0
        else:
            c_now = 1.0 - theta                          # the current step itself: implicit
        s0, s1, s2 = s
        m = a + c_now * np.outer(e, g)
        us = np.linalg.solve(eye - alpha * m, u + alpha * (a @ u) + alpha * (s0 + s1 + c_now * r0) * e)
        r1 = g @ us
        u_new = np.linalg.solve(eye - cc * dt * m, ca * us - cb * u + cc * dt * s2 * e)
        r2 = g @ u_new
        w_out = ca * alpha * (r0 + r1) + cc * dt * r2
        w_in = ca * alpha * (s0 + s1) + cc * dt * s2 + c_now * w_out
        hist.append(np.array([r0, r1, r2]))
        refr += w_out - w_in
        u = u_new
        rates.append(r2)
        out.append(w_out)
        refrs.append(refr)
        masses.append(u.sum() * h + refr)
    return np.array(rates), np.array(out), np.array(refrs), np.array(masses), u


def fp_td_stationary(v_if, psi_if, e_l, tau_m, mu, sigma, t_ref, i_reset):
    """Stationary density (1/mV) and rate (1/ms) of the dense system: A P = -r e, mass + r t_ref = 1."""
    a, g = fp_td_operator(v_if, psi_if, e_l, tau_m, mu, sigma)
    n = a.shape[0]
    h = v_if[1] - v_if[0]
    e = np.zeros(n)
    e[i_reset - 1] = e[i_reset] = 0.5 / h
    p = np.linalg.solve(a, -e)           # unit reinjection rate
    r = 1.0 / (p.sum() * h + t_ref)
    return p * r, r


def fp_td_siegert_rate_lif(tau_m, e_l, v_th, v_reset, t_ref, mu, sigma):
    """Stationary LIF rate (Hz) from Siegert's formula by quadrature (Brunel 2000, eq. 21).

    With our noise convention sigma_B = sqrt(2) sigma:
    1/r = t_ref + tau_m sqrt(pi) int_{y_r}^{y_th} exp(x^2) (1 + erf x) dx,
    y = (v - e_l - mu) / (sqrt(2) sigma); exp(x^2)(1 + erf x) = erfcx(-x).
    """
    from scipy.integrate import quad
    from scipy.special import erfcx

    y_th = (v_th - e_l - mu) / (math.sqrt(2.0) * sigma)
    y_r = (v_reset - e_l - mu) / (math.sqrt(2.0) * sigma)
    integral, _ = quad(lambda x: erfcx(-x), y_r, y_th, epsabs=0.0, epsrel=1e-12, limit=200)
    return 1000.0 / (t_ref + tau_m * math.sqrt(math.pi) * integral)


# The from-scratch threshold integration of chapter 5 ("Stationary solutions"), character for character
# as the notebook writes it (tests/fokker_planck/test_threshold_scratch.py checks that the two agree).
def threshold_integration(model, mu, sigma, dv=0.01, v_lb=-100.0):
    "Stationary rate (Hz), grid (mV) and density (1/mV), from v_th down."
    d = sigma ** 2 / model.tau_m                  # diffusion (mV^2/ms)
    v = np.arange(model.v_th, v_lb - dv / 2, -dv)     # top down (mV)
    v_mid = v[1:] + dv / 2                        # step midpoints (mV)
    x = model.drift(v_mid, mu) * dv / d           # frozen drift x step / D
    j = (v_mid > model.v_reset).astype(float)     # unit current above reset
    p = np.zeros(v.size)                          # P / r (ms/mV); 0 at v_th
    for k in range(1, v.size):                    # exact step, frozen drift
        p[k] = (p[k - 1] * np.exp(-x[k - 1])
                - j[k - 1] * dv / d * np.expm1(-x[k - 1]) / x[k - 1])
    t_pass = np.sum(p[1:] + p[:-1]) * dv / 2      # mean reset -> v_th (ms)
    r = 1.0 / (model.t_ref + t_pass)              # rate (1/ms)
    return 1000.0 * r, v, r * p


# The from-scratch moments of the first-passage time of chapter 5 ("Interspike intervals"): the backward
# equation D M_n'' + a M_n' = -n M_{n-1} for the moments M_n = <T^n>, integrated twice with the trapezoidal
# rule (second order in dv), character for character as the notebook writes it
# (tests/fokker_planck/test_passage_moments.py checks that the two agree). Only where the potential stays
# within the double range (|phi| < ~700 on the grid: the LIF at moderate mu / sigma; not the EIF, whose
# exponential makes e^(+-phi) overflow).
from scipy.integrate import cumulative_trapezoid as cumtrapz  # noqa: E402


def passage_moments(model, mu, sigma, dv=0.01, v_lb=-100.0):
    "<T> (ms), <T^2> (ms^2) from v_reset to v_th: the backward equation."
    d = sigma ** 2 / model.tau_m                       # mV^2/ms
    v = np.arange(v_lb, model.v_th + dv / 2, dv)       # bottom up (mV)
    phi = -cumtrapz(model.drift(v, mu) / d, v, initial=0.0)  # potential
    t_prev, moments = np.ones(v.size), []              # T_0 = 1
    for n in (1, 2):
        inner = cumtrapz(np.exp(-phi) * t_prev, v, initial=0.0)
        slope = -n / d * np.exp(phi) * inner           # dM_n/dV
        t_n = cumtrapz(slope[::-1], v[::-1], initial=0.0)[::-1]  # 0 at v_th
        moments.append(np.interp(model.v_reset, v, t_n))
        t_prev = t_n
    return moments
