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

def train_perceptron(x, y_pm1, orders, eta=1.0):
    """Rosenblatt's rule point by point on inputs augmented with a constant 1.

    ``orders[e]`` is the presentation order of epoch e; stops after the first epoch
    without a mistake. Returns (augmented weights (w, b), list of mistakes per epoch).
    """
    d = len(x[0])
    w = [0.0] * (d + 1)
    mistakes = []
    for order in orders:
        count = 0
        for i in order:
            xa = [float(v) for v in x[i]] + [1.0]
            a = 0.0
            for j in range(d + 1):
                a += w[j] * xa[j]
            if y_pm1[i] * a <= 0.0:
                w = [w[j] + eta * y_pm1[i] * xa[j] for j in range(d + 1)]
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return np.array(w), mistakes


def mlp_loss_and_grad(weights, biases, x, y, activation="tanh"):
    """Mean cross-entropy of an MLP with softmax output, and its gradient by backprop."""
    acts = [x]                                            # forward: a = f(a_prev W + b)
    for w, b in zip(weights[:-1], biases[:-1]):
        z = acts[-1] @ w + b
        acts.append(np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0))
    z = acts[-1] @ weights[-1] + biases[-1]               # logits
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))   # log P(y|x), softmax
    n, rows = len(y), np.arange(len(y))
    loss = -log_p[rows, y].mean()
    delta = np.exp(log_p)                                 # backward: delta = (p - onehot(y)) / n
    delta[rows, y] -= 1.0
    delta /= n
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grad_w[l] = acts[l].T @ delta                     # dL/dW = a_prev^T delta
        grad_b[l] = delta.sum(axis=0)
        if l > 0:                                         # delta_prev = (delta W^T) * f'(z_prev)
            deriv = 1.0 - acts[l] ** 2 if activation == "tanh" else (acts[l] > 0.0)
            delta = (delta @ weights[l].T) * deriv
    return loss, grad_w, grad_b


def train_mlp(x, y, hidden, eta, batch_size, epochs, seed, activation="tanh"):
    """Minibatch SGD from scratch; draws the same random numbers as snnlib.train_mlp."""
    rng = np.random.default_rng(seed)
    sizes = [x.shape[1], *hidden, int(y.max()) + 1]
    gain = 1.0 if activation == "tanh" else 2.0           # weight variance gain / fan_in
    weights = [rng.standard_normal((a, b)) * np.sqrt(gain / a) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(b) for b in sizes[1:]]
    orders = [rng.permutation(len(y)) for _ in range(epochs)]
    history = []
    for order in orders:
        total = 0.0
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            loss, gw, gb = mlp_loss_and_grad(weights, biases, x[idx], y[idx], activation)
            total += loss * len(idx)
            for l in range(len(weights)):                 # SGD step: phi -= eta dL/dphi
                weights[l] -= eta * gw[l]
                biases[l] -= eta * gb[l]
        history.append(total / len(y))
    return weights, biases, np.array(history)


# ---------------------------------------------------------------------------
# Chapters 2-4: spike statistics
# ---------------------------------------------------------------------------

def bin_spikes(spike_times, spike_ids, n_neurons, t_max, bin_width):
    """Spike counts (n_neurons, n_bins) in full bins [b w, (b+1) w), one spike at a time."""
    n_bins = int(math.floor(t_max / bin_width * (1.0 + 1e-12)))
    counts = np.zeros((n_neurons, n_bins), dtype=np.int64)
    for t, i in zip(spike_times, spike_ids):
        b = int(t // bin_width)
        if b < n_bins:
            counts[i, b] += 1
    return counts


def isi(spike_times, spike_ids, n_neurons):
    """List of each neuron's interspike intervals (ms), from its own sorted spike list."""
    out = []
    for k in range(n_neurons):
        own = [t for t, i in zip(spike_times, spike_ids) if i == k]
        out.append(np.array([own[s] - own[s - 1] for s in range(1, len(own))], dtype=float))
    return out


def cross_correlogram_counts(spike_times, spike_ids, pairs, bin_width, m):
    """Pair counts per lag bin: every spike of k against every spike of j, for each (k, j).

    Bin b holds lags t_k - t_j in [(b - m - 1/2) w, (b - m + 1/2) w); a spike is never
    paired with itself.
    """
    counts = np.zeros(2 * m + 1, dtype=np.int64)
    n = len(spike_times)
    for k, j in pairs:
        for a in range(n):
            if spike_ids[a] != j:
                continue
            for b in range(n):
                if spike_ids[b] != k or a == b:
                    continue
                lag = spike_times[b] - spike_times[a]
                idx = int(math.floor(lag / bin_width + m + 0.5))
                if 0 <= idx < 2 * m + 1:
                    counts[idx] += 1
    return counts


def lag_overlap(t_max, lag_lo, lag_hi, n_steps=20000):
    """Integral of (T - |u|) over [lag_lo, lag_hi] (ms^2) by the midpoint rule."""
    du = (lag_hi - lag_lo) / n_steps
    total = 0.0
    for s in range(n_steps):
        u = lag_lo + (s + 0.5) * du
        total += max(t_max - abs(u), 0.0) * du
    return total


def periodogram(counts_1d, dt_s):
    """Two-sided periodogram (Hz) of one binned train by the direct DFT sum, mean count removed."""
    c = np.asarray(counts_1d, dtype=float)
    c = c - c.mean()
    n = c.size
    out = np.zeros(n // 2 + 1)
    for l in range(n // 2 + 1):
        re = 0.0
        im = 0.0
        for q in range(n):
            re += c[q] * math.cos(2 * math.pi * l * q / n)
            im -= c[q] * math.sin(2 * math.pi * l * q / n)
        out[l] = (re * re + im * im) / (n * dt_s)
    return out


def pearson(x, y):
    """Pearson correlation coefficient written out."""
    n = len(x)
    mx = sum(x) / n
    my = sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


# ---------------------------------------------------------------------------
# Chapters 3-4: deterministic IF pieces and Siegert formula
# ---------------------------------------------------------------------------

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


def lif_trajectory_with_threshold(tau_m, e_l, v_th, v_reset, t_ref, mu, t, v0):
    """Noise-free LIF potential at times t: march spike by spike with the free solution."""
    v_inf = e_l + mu
    out = []
    for ti in t:
        start, v_start = 0.0, v0  # time and potential at which the current free segment begins
        while True:
            if v_inf > v_th:
                t_spike = start + tau_m * math.log((v_inf - v_start) / (v_inf - v_th))
            else:
                t_spike = math.inf
            if ti < t_spike:
                out.append(v_inf + (v_start - v_inf) * math.exp(-(ti - start) / tau_m))
                break
            if ti < t_spike + t_ref:
                out.append(v_reset)
                break
            start, v_start = t_spike + t_ref, v_reset
    return np.array(out)


def eif_isi(tau_m, e_l, v_th, v_reset, t_ref, delta_t, v_t, mu):
    """Noise-free EIF ISI (ms): scipy quad of tau_m / drift(V) from v_reset to v_th, drift written directly."""
    from scipy.integrate import quad

    def inv_drift(v):
        return tau_m / (e_l - v + delta_t * math.exp((v - v_t) / delta_t) + mu)

    left, _ = quad(inv_drift, v_reset, v_t, epsabs=0.0, epsrel=1e-12, limit=500)
    right, _ = quad(inv_drift, v_t, v_th, epsabs=0.0, epsrel=1e-12, limit=500)
    return t_ref + left + right


def simulate_deterministic(tau_m, e_l, v_th, v_reset, t_ref, mu, t_max, dt, v0, delta_t=None, v_t=None):
    """Forward-Euler noise-free LIF (delta_t None) or EIF, with threshold, reset, refractoriness.

    Returns (v, spike_times): v at t_n = n dt, spikes at the first grid time with V >= v_th.
    """
    n_steps = int(round(t_max / dt))
    n_ref = int(round(t_ref / dt))
    v = v0
    vs = [v]
    spikes = []
    refr = 0
    for n in range(n_steps):
        if refr > 0:
            refr -= 1
            v = v_reset
        else:
            psi = 0.0 if delta_t is None else delta_t * math.exp((v - v_t) / delta_t)
            v = v + dt * (e_l - v + psi + mu) / tau_m
            if v >= v_th:
                spikes.append((n + 1) * dt)
                v = v_reset
                refr = n_ref
        vs.append(v)
    return np.array(vs), np.array(spikes)


# ---------------------------------------------------------------------------
# Chapter 4: Monte Carlo of Langevin dynamics
# ---------------------------------------------------------------------------
_M64 = (1 << 64) - 1
_SPLITMIX_GAMMA = 0x9E3779B97F4A7C15


def _splitmix_mix(z):
    """SplitMix64 finaliser (Steele, Lea & Flood 2014) on Python ints."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


class NeuronStream:
    """The random stream of neuron ``index``: SplitMix64 integers, ziggurat normals.

    Written with Python integers; the ziggurat tables (data, not code) come from snnlib._rng.
    """

    def __init__(self, seed, index):
        self.state = _splitmix_mix((int(seed) + (index + 1) * _SPLITMIX_GAMMA) & _M64)

    def next_u64(self):
        self.state = (self.state + _SPLITMIX_GAMMA) & _M64
        return _splitmix_mix(self.state)

    def uniform(self):
        """Uniform in (0, 1) from the top 53 bits."""
        return ((self.next_u64() >> 11) + 0.5) * 2.0 ** -53

    def normal(self):
        """Standard normal by the 256-layer ziggurat (Marsaglia & Tsang 2000)."""
        from snnlib._rng import ZIG_F, ZIG_R, ZIG_X

        while True:
            z = self.next_u64()
            i = z & 255
            sign = -1.0 if (z >> 8) & 1 else 1.0
            x = (z >> 11) * 2.0 ** -53 * ZIG_X[i]
            if x < ZIG_X[i + 1]:
                return sign * x
            if i == 0:  # tail beyond R (Marsaglia 1964)
                while True:
                    a = -math.log(self.uniform()) / ZIG_R
                    b = -math.log(self.uniform())
                    if 2.0 * b > a * a:
                        return sign * (ZIG_R + a)
            y = ZIG_F[i] + self.uniform() * (ZIG_F[i + 1] - ZIG_F[i])
            if y < math.exp(-0.5 * x * x):
                return sign * x


def langevin_noise(seed_u64, n_neurons, n_steps):
    """xi[k, i]: the normals neuron i draws at step k (what simulate_population uses without the
    threshold correction)."""
    xi = np.empty((n_steps, n_neurons))
    for i in range(n_neurons):
        stream = NeuronStream(seed_u64, i)
        for k in range(n_steps):
            xi[k, i] = stream.normal()
    return xi


def simulate_population(model, mu, sigma, n_neurons, n_steps, dt, seed_u64, *, v0=None, mu_t=None,
                        threshold_correction=True):
    """Euler-Maruyama, one neuron and one step at a time, on the same streams as snnlib.

    Per step: draw xi; if refractory, hold V at v_reset; else
    V' = V + dt/tau (E_L - V + psi(V) + mu + mu_t) + sigma sqrt(2 dt/tau) xi, spike if V' >= v_th,
    else (correction on) spike with the Brownian-bridge probability exp(-2 (v_th-V)(v_th-V') / s^2).
    The kernel skips drawing the bridge uniform when that exponent is >= 38 (probability < 2^-54,
    below the smallest uniform it can draw), so this reference skips it too.

    Returns (spike_steps, spike_ids, v_traces) with v_traces[i, k] = V of neuron i at t = k dt.
    """
    tau = model.tau_m
    n_ref = int(round(model.t_ref / dt))
    mu = np.broadcast_to(np.asarray(mu, float), (n_neurons,))
    sigma = np.broadcast_to(np.asarray(sigma, float), (n_neurons,))
    v0 = np.full(n_neurons, model.v_reset) if v0 is None else np.broadcast_to(np.asarray(v0, float), (n_neurons,))
    spikes = []
    traces = np.empty((n_neurons, n_steps + 1))
    for i in range(n_neurons):
        stream = NeuronStream(seed_u64, i)
        s = sigma[i] * math.sqrt(2.0 * dt / tau)
        v = v0[i]
        ref = 0
        traces[i, 0] = v
        for k in range(n_steps):
            xi = stream.normal()
            if ref > 0:
                ref -= 1
                v = model.v_reset
            else:
                psi = 0.0
                if model.kind == "eif":
                    psi = model.delta_t * math.exp((v - model.v_t) / model.delta_t)
                inp = mu[i] + (0.0 if mu_t is None else mu_t[k])
                v_new = v + dt / tau * (model.e_l - v + psi + inp) + s * xi
                fire = v_new >= model.v_th
                if not fire and threshold_correction and s > 0:
                    q = 2.0 * (model.v_th - v) * (model.v_th - v_new) / s ** 2
                    if q < 38.0:
                        fire = stream.uniform() < math.exp(-q)
                v = v_new
                if fire:
                    spikes.append((k, i))
                    v = model.v_reset
                    ref = n_ref
            traces[i, k + 1] = v
    spikes.sort()
    steps = np.array([k for k, _ in spikes], dtype=np.int64)
    ids = np.array([i for _, i in spikes], dtype=np.int64)
    return steps, ids, traces


# ---------------------------------------------------------------------------
# Chapters 5-6: Fokker-Planck
# ---------------------------------------------------------------------------
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

    def p_unit(v):
        lo = max(v, model.v_reset)
        pv = phi(v)
        val, _ = quad(lambda u: math.exp(pv - phi(u)), lo, model.v_th, epsabs=0.0, epsrel=1e-12, limit=200)
        return val / d

    t1 = 0.0
    for a, b in ((v_lb, model.v_reset), (model.v_reset, model.v_th)):
        val, _ = quad(p_unit, a, b, epsabs=0.0, epsrel=1e-11, limit=200)
        t1 += val
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

