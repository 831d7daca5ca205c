md(r"""
# Predicting correlations from connectivity

Chapter 7 showed that neurons in a network are correlated because they share inputs and because they
are connected, and that inhibitory feedback can cancel much of that correlation. This chapter makes the
relation quantitative: given the synaptic connectivity, what is the matrix of cross-correlations
$C_{kj}(\tau)$ between the spike trains of all pairs of neurons? The answer of *linear response theory*
is that each neuron passes on a filtered copy of the rate fluctuations it receives, with the
susceptibility $\chi(f)$ of chapter 6 as the filter, so that the whole matrix of cross-spectra follows
from one matrix inversion per frequency {cite:p}`lindner2005,pernice2011,trousdale2012`.

We start with the Hawkes process {cite:p}`hawkes1971`, a network of Poisson-like units in which this
linear picture is exact, and check it against exact simulations. Then we derive the same theory for
integrate-and-fire networks, with the susceptibility $\chi(f)$ and the spike-train spectrum $S(f)$ of
chapter 6 at the mean-field working point of chapter 7, and test it against simulated networks: correlogram
by correlogram, class of pairs by class of pairs, and path by path (direct connections, shared input,
chains). Finally we look at
where it breaks down: strong coupling, and the instabilities of the asynchronous state, whose location
in Brunel's phase diagram the same theory predicts {cite:p}`brunel1999,brunel2000`.
""")

code(r"""
# On Google Colab, install snnlib from the book's repository; elsewhere this does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "snnlib @ git+https://github.com/snnlib/stochastic-snn-book"
    from google.colab import output

    output.enable_custom_widget_manager()  # ipywidgets 8 in Colab
""", tags=["remove-cell"])

code(r"""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

import snnlib
from snnlib.plotting import LINESTYLES, label, use_style

use_style()
""")

md(r"""
## Correlations of spike trains

Write the spike train of neuron $i$ as $y_i(t) = \sum_k \delta(t - t_i^k)$ with mean rate $r_i$. Its
fluctuations around the mean are described by the *covariance density*

```{math}
:label: eq-ch08-cov
C_{ij}(\tau) = \langle y_i(t + \tau)\, y_j(t) \rangle - r_i r_j \quad (\mathrm{Hz}^2),
```

the rate of pairs of spikes, one of $i$ at a lag $\tau$ after one of $j$, beyond chance. A measured
cross-correlogram estimates it (chapter 2). For $i = j$ it contains the term $r_i\delta(\tau)$ of every
spike paired with itself. Its Fourier transform is the *cross-spectrum*
$C_{ij}(f) = \int C_{ij}(\tau) e^{-2\pi i f \tau}\,d\tau$ (Hz), and spike counts in windows of length $T$
have the covariance

```{math}
:label: eq-ch08-count
\begin{aligned}
\frac{\mathrm{Cov}(N_i, N_j)}{T} &= \int_{-T}^{T} C_{ij}(\tau)\Bigl(1 - \frac{|\tau|}{T}\Bigr)\,d\tau \\
&= \int C_{ij}(f)\, T\,\mathrm{sinc}^2(\pi f T)\,df \;\xrightarrow{T\to\infty}\; C_{ij}(f = 0),
\end{aligned}
```

with $\mathrm{sinc}\,x = \sin x / x$ (the triangle $1 - |\tau|/T$ and its transform
$T\,\mathrm{sinc}^2(\pi f T)$ are the Fejer kernel), so the long-window count covariance is the
zero-frequency cross-spectrum. We will predict all three. Below, $A^{-H}$ is the inverse of the conjugate
transpose of $A$.

## The Hawkes process: correlations from connectivity, exactly

In a linear Hawkes process {cite:p}`hawkes1971` unit $i$ fires as an inhomogeneous Poisson process
whose intensity is a baseline plus the filtered spike trains of the others:

```{math}
:label: eq-ch08-hawkes
\begin{aligned}
\lambda_i(t) &= b_i + \sum_j \int_0^\infty G_{ij}(s)\, y_j(t - s)\,ds, \\
G_{ij}(s) &= W_{ij}\,\frac{e^{-(s - d)/\tau}}{\tau}\,\Theta(s - d).
\end{aligned}
```

$W_{ij} = \int G_{ij}$ is the expected number of extra spikes of $i$ caused by one spike of $j$. Taking
expectations gives the stationary rates $r = (I - W)^{-1} b$, which exist when the spectral radius of
$W$ is below 1 (each spike causes fewer than one further spike on average). For the fluctuations,
write each train as its own Poisson noise plus the filtered input,
$y_i = \xi_i + \sum_j G_{ij} * y_j$, where the innovations $\xi_i$ are uncorrelated with spectrum $r_i$.
(The innovation $\xi_i = y_i - \lambda_i$ is the spike train minus its conditional rate; its
increments are uncorrelated with everything before them, which makes it white.) In the Fourier domain
$y = \xi + \hat G(f)\, y$, so $y = (I - \hat G)^{-1}\xi$ and

```{math}
:label: eq-ch08-hawkes-spectrum
\begin{aligned}
C(f) &= \bigl(I - \hat G(f)\bigr)^{-1} D\, \bigl(I - \hat G(f)\bigr)^{-H}, \\
D &= \mathrm{diag}(r), \qquad \hat G(f) = W\,\frac{e^{-2\pi i f d}}{1 + 2\pi i f\tau}.
\end{aligned}
```

For the Hawkes process this is not an approximation: the intensity is linear in the past spikes, and
{eq}`eq-ch08-hawkes-spectrum` is exact {cite:p}`hawkes1971`; the condition on the spectral radius is
that of a branching process in which every spike has on average fewer than one offspring
{cite:p}`hawkes1974`. Expanding
$(I - \hat G)^{-1} = I + \hat G + \hat G^2 + \dots$ shows where the correlation of a pair comes from:
$\hat G D$ is a direct connection, $\hat G D \hat G^H$ a shared input, $\hat G^2 D$ a chain of two
connections, and so on {cite:p}`pernice2011`.

`snnlib.simulate_hawkes` simulates the process exactly (Ogata's thinning, {cite:t}`ogata1981`: candidate
events at an upper bound of the total intensity, each kept with probability intensity/bound), and
`snnlib.hawkes_covariance_density` evaluates the inverse transform of {eq}`eq-ch08-hawkes-spectrum`.
Four units with one motif of each kind: $0 \to 1$ (direct), $0 \to 1 \to 2$ (a chain) and $0 \to 3$ (so
that 1 and 3 share the input of 0):
""")

code(r"""
w = np.zeros((4, 4))
w[1, 0] = w[2, 1] = w[3, 0] = 0.5     # 0 -> 1 -> 2 and 0 -> 3
base, tau, delay = 10.0, 5.0, 3.0      # Hz, ms, ms
t_hk = 2_000_000.0                     # ms: 2,000 s
hk = snnlib.simulate_hawkes(base, w, tau=tau, delay=delay, t_max=t_hk,
                            seed=1)
rates = snnlib.hawkes_rates(base, w)
print("theory   (Hz):", np.round(rates, 2))
print("measured (Hz):", np.round(snnlib.firing_rates(hk), 2))
""")

code(r"""
pairs = {"direct: 1 after 0": (1, 0), "chain: 2 after 0": (2, 0),
         "shared input: 3 after 1": (3, 1)}
lags = np.arange(-20.0, 20.5, 1.0)               # bin centres (ms)
theory = snnlib.hawkes_covariance_density(base, w, tau, lags, delay=delay,
                                          bin_width=1.0)  # bin averages
blocks_hk = snnlib.time_blocks(hk, 40)          # errors from 40 pieces
measured, z = {}, []
for name, (i, j) in pairs.items():
    kw = dict(pairs=(i, j), bin_width=1.0, max_lag=20.0)
    measured[name] = snnlib.cross_correlogram(hk, **kw).covariance
    per = [snnlib.cross_correlogram(b, **kw).covariance for b in blocks_hk]
    se = np.std(per, axis=0, ddof=1) / np.sqrt(len(blocks_hk))
    z.append((measured[name] - theory[:, i, j]) / se)
limit = stats.t.isf(0.01 / 2 / np.size(z), len(blocks_hk) - 1)
print(f"largest deviation: {np.max(np.abs(z)):.2f} standard errors "
      f"({np.size(z)} bins; limit {limit:.2f})")
assert np.max(np.abs(z)) < limit   # t(39): false alarm 1 % in all
""")

code(r"""
fig, axes = plt.subplots(1, 3, figsize=(9, 2.8), sharey=True)
for ax, (name, (i, j)) in zip(axes, pairs.items()):
    ax.step(lags, measured[name], where="mid", color="0.6", lw=1,
            label="simulation")
    ax.plot(lags, theory[:, i, j], "k", lw=1.2, label="theory")
    ax.axhline(0.0, color="0.8", lw=0.6)
    ax.set_title(name, fontsize="medium")
    label(ax, "lag (ms)", r"$C_{ij}(\tau)$ (Hz$^2$)" if ax is axes[0]
          else "")
axes[0].legend(fontsize="small", loc="upper left")
fig.tight_layout()
plt.show()
""", caption="Cross-correlograms of the four-unit Hawkes process ($0 \\to 1 \\to 2$, "
            "$0 \\to 3$; weights 0.5, baseline 10 Hz, $\\tau = 5$ ms, $d = 3$ ms), "
            "2,000 s of exact simulation (grey, 1-ms bins) against the inverse transform "
            "of the cross-spectrum (black, averaged over the same bins). Left: a direct "
            "connection jumps at the delay and decays with $\\tau$. Middle: a chain of "
            "two connections gives a later, rounder bump (two delays, two filters). "
            "Right: a shared input gives a symmetric hump around 0. The largest "
            "deviation of the 123 bins is DEV_HK standard errors (from 40 pieces of the "
            "record).", name="fig-ch08-hawkes",
     alt="Three panels of cross-correlograms against lag from -20 to 20 ms. Grey steps (simulation) follow "
         "black lines (theory): a sharp jump at +3 ms to about 800 Hz^2 decaying over about 10 ms for the "
         "direct pair, a smaller, later and rounder bump peaking near +11 ms for the chain, and a "
         "symmetric hump of about 240 Hz^2 around 0 for the pair with a shared input.")

md(r"""
The simulated rates agree with $(I - W)^{-1}b$ (the cell above), and the three correlograms agree with
the theory within their statistical errors. They also show the three signatures we will look for in
networks of neurons: a connection $j \to i$ is a peak at positive lag $\tau$ (spikes of $i$ after those
of $j$) that starts at the delay; a chain of two is a later and broader peak; a common input is a peak
around zero lag, symmetric when both targets are alike.

## Linear response theory for integrate-and-fire networks

An integrate-and-fire neuron is not linear, but chapter 6 showed that around its stationary state it
responds to a small modulation of its mean input $\delta\mu(f)$ with a rate modulation
$\chi(f)\,\delta\mu(f)$, and that on its own its spike train fluctuates with the spectrum $S(f)$. In a
network the working point is the mean-field state of chapter 7: every neuron's $\mu_i$ and $\sigma_i$ are
set by the rates of its inputs, and $\chi_i(f)$ and $S_i(f)$ are those of a single neuron at that
$(\mu_i, \sigma_i)$.

What is $\delta\mu$ for a synapse? A delta synapse of weight $J_{ij}$ (mV) makes $V_i$ jump by $J_{ij}$
at every spike of $j$, a delay $d$ later. In the book's membrane equation,
$\tau_m \dot V = E_L - V + \mu(t) + \dots$, an input $\mu(t)$ raises $V$ by
$\frac{1}{\tau_m}\int \mu(t)\,dt$, so a jump of $J_{ij}$ is the input
$\mu(t) = \tau_m J_{ij}\,\delta(t - t_j^k - d)$: the spike train of $j$ enters the mean input of $i$ as
$\tau_m J_{ij}\, y_j(t - d)$ (mV, with $\tau_m$ in seconds and $y_j$ in Hz). Exponential current synapses
multiply this by $1/(1 + 2\pi i f \tau_s)$. Linearising each neuron around its working point,

```{math}
:label: eq-ch08-lrt
y_i(f) = y_i^0(f) + \sum_j K_{ij}(f)\, y_j(f), \qquad
K_{ij}(f) = \chi_i(f)\,\tau_m J_{ij}\,e^{-2\pi i f d},
```

where $y_i^0$ is the neuron's own fluctuation, taken as uncorrelated between neurons with spectrum
$S_i(f)$. The coupling $K_{ij}$ is dimensionless: $\chi$ in Hz/mV times $\tau_m J$ in mV s. Solving as
for the Hawkes process {cite:p}`lindner2005,trousdale2012`,

```{math}
:label: eq-ch08-lrt-spectrum
C(f) = \bigl(I - K(f)\bigr)^{-1}\, \mathrm{diag}\bigl(S_i(f)\bigr)\, \bigl(I - K(f)\bigr)^{-H}.
```

A presynaptic rate changes not only the mean input but also its variance: in the diffusion approximation
of chapter 7, $\sigma_i^2 = \frac{\tau_m}{2}\sum_j J_{ij}^2 r_j + \dots$, so a rate modulation
$\delta r_j$ modulates $\sigma_i^2$ by $\frac{\tau_m}{2}J_{ij}^2\,\delta r_j$. Its effect on the rate is the
susceptibility $\chi^{\sigma^2}_i(f)$ to a modulated variance, computed by the same threshold integration
as chapter 6's $\chi$ with a different source term {cite:p}`richardson2007` (`snnlib.susceptibility(...,
channel="sigma2")`, Hz/mV$^2$; at $f = 0$ it is the slope $dr_0/d\sigma^2$, and for the LIF it tends to
$r_0/\sigma^2$ at high frequency {cite:p}`lindner2001`). The coupling then gains a term of second order in
the weight {cite:p}`brunel1999`:

```{math}
:label: eq-ch08-variance
K_{ij}(f) = \Bigl[\chi_i(f)\,\tau_m J_{ij} + \chi^{\sigma^2}_i(f)\,\frac{\tau_m}{2} J_{ij}^2\Bigr]
e^{-2\pi i f d}.
```

Why the square? A jump of $J$ moves the density of the membrane potential, $P(V) \to P(V - J)$, so
each input spike acts on it like $e^{-J\partial_V} - 1 = -J\partial_V + \frac{J^2}{2}\partial_V^2 - \dots$:
the first term is the drift of the mean input, the second the diffusion, and the rate of jumps carries
both. For slow quantities such
as count covariances the second term is small when $J \ll \sigma$. It is not small at short lags:
$\chi^{\sigma^2}(f)$ tends to the constant $r_0/\sigma^2$ at high frequency, while $|\chi(f)|$ falls
like $f^{-1/2}$, so the variance term dominates the first millisecond of the response even for
$J = \sigma/5$ (the figure below shows both theories). In the diffusion limit a change of the noise
intensity changes the flux through threshold at once; for a real jump the response spreads over the
time the diffusion needs to cover $J$, about $J^2\tau_m/\sigma^2$, below a millisecond for the
inhibitory synapses of 0.8 mV below, so the term describes them well on the 1-ms scale of the
correlograms {cite:p}`richardson2010`. The functions below take `variance=True` to include it.

The Hawkes process is the special case of a unit whose rate responds instantaneously and linearly,
$\chi_i\tau_m J_{ij} \to W_{ij}/(1 + 2\pi i f\tau)$, and whose own fluctuations are Poisson,
$S_i = r_i$. For integrate-and-fire neurons four approximations enter: the response is linear (weak
coupling); the input fluctuations are Gaussian (many small synapses, the diffusion approximation of
chapter 7); the working point is the mean-field one; and each neuron's own fluctuations $y_i^0$ are
independent of the others', with the spectrum of a neuron driven by white noise of the full $\sigma_i$,
although part of that noise is the network's own spikes. `snnlib.predict_cross_spectrum`,
`predict_cross_covariance` (the correlograms, averaged over lag bins as a measured correlogram is) and
`predict_count_covariance` (windows of any length) implement {eq}`eq-ch08-lrt-spectrum`; the tests of the
library check them against the same formulas built by hand and against direct quadrature.

## Prediction against simulation

A sparse network of 160 excitatory and 40 inhibitory LIF neurons: each pair is connected with probability
0.2, excitatory synapses have $J = 0.2$ mV, inhibitory ones $-4J = -0.8$ mV (so that on average a
neuron's 32 excitatory and 8 inhibitory inputs cancel, $C_E J = C_I g J$), delays are 2 ms, and each neuron
receives white noise with $\mu = 12$ mV, $\sigma = 4$ mV, so that it fires irregularly at about 16 Hz.
We simulate it for 200 s (time step $dt = 0.1$ ms) and predict every pair's correlogram and count
covariance. One detail of the simulation matters for the sharp onset of the correlograms: an input
arrives at the end of a time step, and a spike it causes is registered at the end of the next step, so
between recorded spike times the fast part of the response has the delay $d + dt = 2.1$ ms. The
theory of the correlograms below uses that delay (with $d = 2$ ms it misplaces a few percent of the
peak between the 2-ms and the 3-ms bin, which 200 s of data resolve):
""")

code(r"""
def ei_network(j, seed=3, delay=2.0):
    # 160 E and 40 I LIF neurons, p = 0.2, weights j and -4 j (mV)
    net = snnlib.Network(seed=seed)
    net.add_population("E", snnlib.LIF(), 160)
    net.add_population("I", snnlib.LIF(), 40)
    for pre, jj in (("E", j), ("I", -4.0 * j)):
        net.connect(pre, ["E", "I"], rule="bernoulli", p_conn=0.2,
                    j=jj, delay=delay)
    net.add_white_noise(["E", "I"], mu=12.0, sigma=4.0)
    return net


net = ei_network(0.2)
t_sim, t_win = 200_000.0, 100.0                  # ms
res = snnlib.simulate_network(net, t_max=t_sim, t_warmup=500.0, seed=1)
print(f"rate {res.mean_rate:.2f} Hz; mean field "
      f"{snnlib.mean_field(net).rate.round(2)} Hz")
k_0 = snnlib.coupling_kernel(net, [0.0], variance=True)[0].real
print(f"uniform loop gain L(0): {k_0.sum(axis=1).mean():.3f} "
      f"(mean channel alone: exactly 0)")
""")

code(r"""
wm = snnlib.network.weight_matrix(net)           # wm[i, j]: j -> i (mV)
e = slice(0, 160)
to = wm[e, e] > 0                                # j -> i, excitatory
one_way = to & ~to.T
classes = {"E to E, connected": one_way,
           "E and E, unconnected": ~to & ~to.T & ~np.eye(160, dtype=bool),
           "I to E, connected": (wm[e, 160:] < 0) & ~(wm[160:, e] > 0).T}
pair_lists = {}
for name, m in classes.items():
    post, pre = np.nonzero(m)
    if name.startswith("I"):
        pre = pre + 160
    pair_lists[name] = np.column_stack([post, pre])
for name, pl in pair_lists.items():
    print(f"{name}: {len(pl)} ordered pairs")
""")

code(r"""
lags_n = np.arange(-30.0, 30.5, 1.0)
net_th = ei_network(0.2, delay=2.1)       # the simulation's delay + dt
pred_cc = snnlib.predict_cross_covariance(net_th, lags_n, bin_width=1.0,
                                          f_max=4000.0, variance=True)
mean_only = snnlib.predict_cross_covariance(net_th, lags_n, bin_width=1.0,
                                            f_max=4000.0)
blocks = snnlib.time_blocks(res, 40)              # 40 blocks of 5 s
meas_cc, se_cc = {}, {}
for name, pl in pair_lists.items():
    per = np.array([snnlib.cross_correlogram(
        b, pairs=pl, bin_width=1.0, max_lag=30.0).covariance
        for b in blocks])
    meas_cc[name] = per.mean(axis=0)
    se_cc[name] = per.std(axis=0, ddof=1) / np.sqrt(len(blocks))
pl, m = pair_lists["I to E, connected"], meas_cc["I to E, connected"]
for k in np.nonzero(np.isin(lags_n, [2.0, 3.0]))[0]:   # just after the delay
    print(f"I to E at {lags_n[k]:+.0f} ms: measured {m[k]:.1f}, theory "
          f"{pred_cc[k, pl[:, 0], pl[:, 1]].mean():.1f}, mean term only "
          f"{mean_only[k, pl[:, 0], pl[:, 1]].mean():.1f} Hz^2")
""")

md(r"""
The standard errors of the measured class means come from the spread of forty 5-s blocks of the
recording. Measured against predicted, lag by lag, in units of these errors (with 40 blocks the
ratios follow Student's $t$ with 39 degrees of freedom; the limit below is the one an exact theory
exceeds at one of the 183 lags with probability 1 %):
""")

code(r"""
for name, pl in pair_lists.items():
    th = pred_cc[:, pl[:, 0], pl[:, 1]].mean(axis=1)
    z = (meas_cc[name] - th) / se_cc[name]
    k = np.argmax(np.abs(z))
    print(f"{name:22s} mean z^2 {np.mean(z ** 2):.2f}, largest |z| "
          f"{abs(z[k]):.1f} at {lags_n[k]:+.0f} ms")
    assert np.max(np.abs(z)) < stats.t.isf(0.01 / 2 / 183, 39)
""")

code(r"""
fig, axes = plt.subplots(1, 3, figsize=(9, 2.8))
for ax, (name, pl) in zip(axes, pair_lists.items()):
    th = pred_cc[:, pl[:, 0], pl[:, 1]].mean(axis=1)
    th0 = mean_only[:, pl[:, 0], pl[:, 1]].mean(axis=1)
    ax.fill_between(lags_n, meas_cc[name] - 2 * se_cc[name],
                    meas_cc[name] + 2 * se_cc[name], step="mid",
                    color="0.85", lw=0)
    ax.step(lags_n, meas_cc[name], where="mid", color="0.6", lw=1,
            label="simulation ($\\pm$2 SE)")
    ax.plot(lags_n, th, "k", lw=1.2, label="theory")
    ax.plot(lags_n, th0, "k--", lw=0.8, label="mean term only")
    ax.axhline(0.0, color="0.8", lw=0.6)
    ax.set_title(f"{name} ({len(pl)} pairs)", fontsize="medium")
    label(ax, "lag (ms)", r"mean $C_{ij}(\tau)$ (Hz$^2$)"
          if ax is axes[0] else "")
axes[0].legend(fontsize="small", loc="upper left")
fig.tight_layout()
plt.show()
""", caption="Mean cross-correlograms of three classes of pairs in the E-I network of "
            "200 LIF neurons ($J = 0.2$ mV, $g = 4$, delay 2 ms), 200 s of simulation "
            "(grey, 1-ms bins, averaged over the pairs of each class; shaded: $\\pm 2$ "
            "standard errors from forty 5-s blocks) against linear "
            "response theory (black, {eq}`eq-ch08-lrt-spectrum` with the variance term and "
            "the simulation's effective delay of 2.1 ms, "
            "{eq}`eq-ch08-variance`, averaged over the same pairs and bins; dashed: "
            "without the variance term). Left: "
            "excitatory connections $j \\to i$ (one-way), a sharp peak 2 ms after 0 on a "
            "broad dip. Middle: unconnected excitatory pairs, a symmetric peak of shared "
            "input about 7 times smaller. Right: inhibitory connections, a deep trough "
            "after the delay, a weak positive flank before it and a positive rebound "
            "15-30 ms after it. Without the variance term the theory misses the first "
            "millisecond of the response to the inhibitory synapses by a factor of "
            "about two. The panels have different vertical scales.", name="fig-ch08-lrt-correlograms",
     alt="Three panels of mean cross-correlograms from -30 to 30 ms for classes of neuron pairs. Grey "
         "steps (simulation) and black lines (linear response theory) agree: a positive peak a few ms "
         "after 0 for excitatory connections, a small symmetric hump for unconnected pairs, a negative "
         "trough after 0 for inhibitory connections.")

md(r"""
The theory has no free parameter: rates, susceptibilities and spectra come from the single-neuron
Fokker-Planck theory at the mean-field working point (15.9 Hz for the excitatory and 16.2 Hz for the
inhibitory neurons; the simulation fires at 15.9 Hz), the couplings from the weights. The broad negative
flanks of the correlograms do not come from feedback (excitation and inhibition cancel in this network's
mean input, so the mean channel of the uniform loop gain is exactly zero, and with the variance term it
is only LOOP0, printed above). They come from the neurons' own regularity:
each spike train has a refractory trough in its autocorrelation ($S(0) = r\,CV^2 = 0.4\,r$), and the
direct and shared paths pass it on to the pair.

The count covariances of 100-ms windows, pair by pair and averaged over the same classes; the standard
errors of the class means come from 10 blocks of 20 s:
""")

code(r"""
cc = snnlib.count_covariance(res, window=t_win, blocks=10)
pred_cov = snnlib.predict_count_covariance(net, window=t_win,
                                          variance=True)
for name, pl in pair_lists.items():
    m, se = cc.pair_mean(pl)                 # SE from 10 blocks of 20 s
    p = pred_cov[pl[:, 0], pl[:, 1]].mean()
    print(f"{name:22s} measured {m:7.4f} +- {se:.4f} Hz, "
          f"theory {p:7.4f} Hz ({(m - p) / se:+.1f} SE)")
    assert abs(m - p) < 4.0 * se
""")

code(r"""
up = np.triu_indices(net.n_neurons, 1)           # distinct pairs i < j
x, y = pred_cov[up], cc.covariance[up]
slope = np.sum(x * y) / np.sum(x * x)            # regression through 0
per_block = [np.sum(x * b[up]) / np.sum(x * x) for b in cc.blocks]
se_slope = np.std(per_block, ddof=1) / np.sqrt(len(per_block))
r2 = np.corrcoef(x, y)[0, 1] ** 2
r_half, ceiling = cc.split_half()                # Spearman-Brown
se_pair = np.median(cc.blocks[:, up[0], up[1]].std(axis=0, ddof=1)
                    / np.sqrt(len(cc.blocks)))
print(f"{x.size} pairs: slope {slope:.3f} +- {se_slope:.3f}, "
      f"R^2 {r2:.3f}; an exact theory would reach {ceiling:.3f} "
      f"(halves: r = {r_half:.3f}); one pair's SE {se_pair:.2f} Hz")
assert abs(slope - 1.0) < 4 * se_slope
""")

code(r"""
pos, neg = wm > 0, wm < 0                # j -> i excitatory / inhibitory
kinds = {"reciprocal E-E": pos & pos.T, "reciprocal I-I": neg & neg.T,
         "one-way excitatory": pos & ~pos.T & ~neg.T,
         "one-way inhibitory": neg & ~neg.T & ~pos.T,
         "unconnected": ~(pos | neg) & ~(pos | neg).T}
for kind, m in kinds.items():
    m = np.triu(m | m.T, 1)                  # each pair once
    print(f"{kind:20s} {m.sum():6d} pairs, median theory "
          f"{np.median(pred_cov[m]):+.3f} Hz")
edges = np.quantile(x, np.linspace(0.0, 1.0, 21))
which = np.clip(np.searchsorted(edges, x) - 1, 0, 19)
bx = np.array([x[which == k].mean() for k in range(20)])
by = np.array([y[which == k].mean() for k in range(20)])
fig, ax = plt.subplots(figsize=(4.6, 3.6))
ax.plot(x, y, ".", color="0.8", ms=1.5, rasterized=True)
ax.plot(bx, by, "ko", ms=4, mfc="white", label="mean of 1/20 of pairs")
lim = np.array([x.min(), x.max()])
ax.plot(lim, lim, "k--", lw=0.8, label="measured = theory")
ax.set_ylim(np.quantile(y, [0.001, 0.999]))
label(ax, "theory (Hz)", "measured (Hz)")
ax.legend(fontsize="small", loc="upper left")
plt.show()
""", caption="Count covariance (100-ms windows, per second) of all 19,900 pairs of "
            "the network, measured in 200 s against linear response theory (grey dots). "
            "The open circles average the measured values over twentieths of the pairs "
            "sorted by their predicted value: they lie on the identity (dashed). The "
            "clusters are kinds of pairs (medians of the theory, printed above): "
            "reciprocal I-I connections (-0.50 Hz), one-way inhibitory connections "
            "(-0.25 Hz), unconnected pairs (+0.02 Hz), one-way excitatory connections "
            "(+0.10 Hz) and reciprocal E-E connections (+0.18 Hz); pairs connected "
            "both ways with opposite signs lie in between. The vertical spread of the dots is the statistical error of one "
            "pair's estimate.", name="fig-ch08-scatter",
     alt="Scatter of measured against predicted count covariance for all ordered pairs: a broad grey "
         "cloud around the diagonal, with open circles for the means of twenty bins of predicted "
         "values lying along the dashed identity line.")

md(r"""
One pair's covariance is hard to measure: in 200 s its standard error is about 0.16 Hz, larger than
most covariances. The regression of measured on predicted values has slope $0.98 \pm 0.015$ (the error
from the spread of the slopes of the ten 20-s blocks; the cell asserts that the slope is within four
standard errors of 1), and $R^2 = 0.22$.
Is 0.22 a failure? Comparing the two halves of the recording with each other tells what noise allows:
their correlation, $r = 0.13$, means that even an exact theory would reach only
$R^2 = 2r/(1 + r) = 0.23$ against the whole recording (the Spearman-Brown formula). The theory is within
the noise of the data, but note what that tests: most of the explained variance is the difference
between the classes of pairs; within a class, 200 s cannot resolve one pair's prediction from another's.

## Which paths carry the correlation

Expanding {eq}`eq-ch08-lrt-spectrum` at $f = 0$ in powers of $K$ splits every count covariance into the
contributions of paths through the network {cite:p}`pernice2011,trousdale2012`:
$C = \sum_{n,m} K^n C^0 (K^T)^m$, with $C^0 = \mathrm{diag}(S_i(0))$. The terms of first order,
$KC^0 + C^0K^T$, are direct connections; of second order, $KC^0K^T$ (a common input) and
$K^2C^0 + C^0(K^T)^2$ (chains of two synapses); and so on. `snnlib.network.covariance_motifs` lists them:
""")

code(r"""
motifs = snnlib.network.covariance_motifs(net, order=3)
k0 = snnlib.coupling_kernel(net, [0.0])[0].real
print(f"spectral radius of K(0): {np.max(np.abs(np.linalg.eigvals(k0))):.3f}")
for name in ("E to E, connected", "E and E, unconnected"):
    pl = pair_lists[name]
    v = {t: motifs[t][pl[:, 0], pl[:, 1]].mean() for t in motifs}
    print(f"{name}: direct {v['direct']:+.4f}; shared input via E "
          f"{v['shared via E']:+.4f}, via I {v['shared via I']:+.4f}; "
          f"chains via E {v['chains via E']:+.4f}, via I "
          f"{v['chains via I']:+.4f}; order 3 {v['order 3']:+.4f}, higher "
          f"{v['rest']:+.4f}; total {v['total']:+.4f} Hz")
""")

md(r"""
For a connected excitatory pair, 0.069 Hz of the long-window covariance of 0.094 Hz (73 %) is carried
by the direct connection. Shared input adds 0.023 Hz, four fifths of it from inhibitory neurons (each
neuron has only 8 inhibitory inputs, but they are four times stronger). Chains of two synapses are not
small, they cancel: through an excitatory middle neuron they add 0.0097 Hz, through an inhibitory one
they remove 0.0099 Hz, because this network's excitation and inhibition balance. Third and higher
orders add less than 0.002 Hz: the spectral radius of $K(0)$ is only 0.13, so the series converges
fast {cite:p}`pernice2011`. For unconnected pairs the shared input is everything. (These are
long-window values without the variance term; the 100-ms covariances above differ slightly.)
""")

code(r"""
diag = np.column_stack([np.arange(200)] * 2)
for j in (0.4, 0.8):
    nj = ei_network(j)                           # same seed: same pairs
    rj = snnlib.simulate_network(nj, t_max=100_000.0, t_warmup=500.0,
                                 seed=1)
    cj = snnlib.count_covariance(rj, window=t_win, blocks=10)
    pj = snnlib.predict_count_covariance(nj, window=t_win, variance=True)
    mf_j = snnlib.mean_field(nj).rate
    print(f"J = {j} mV: rate {rj.mean_rate:.1f} Hz (mean field E "
          f"{mf_j[0]:.1f}, I {mf_j[1]:.1f} Hz); measured / theory:")
    for k, pl in list(pair_lists.items()) + [("variances", diag)]:
        m, se = cj.pair_mean(pl)
        p = pj[pl[:, 0], pl[:, 1]].mean()
        print(f"  {k:22s} {m / p:.2f} +- {se / abs(p):.2f}")
""")

md(r"""
BREAKDOWN_TEXT
The rates are still predicted well (mean field and simulation agree within a few percent), so the
working point is right; what fails is the description of the fluctuations around it. Two
approximations become poor together. Each neuron's own spectrum $S_i$ is computed with the whole
recurrent input treated as white noise, and $(I - K)^{-1}$ then adds the recurrent fluctuations a second
time: in a strongly coupled network the input noise is itself made of the network's spikes, and a
self-consistent treatment of the spectra is needed {cite:p}`grytskyy2013,dummer2014`. And large PSPs are
not Gaussian noise: a single inhibitory PSP of 3.2 mV is a sizeable step even at the working point's
$\sigma$, and the response to such shot noise differs from the diffusion limit
{cite:p}`helias2010,richardson2010`. For a single synapse the second effect can be isolated (the
explorer below): there the variance term {eq}`eq-ch08-variance` keeps the summed correlogram within
10 % of the theory up to $J = \sigma = 4$ mV.
""")

md(r"""
## Stability of the asynchronous state

The same loop that spreads correlations can make the asynchronous state unstable. In Brunel's model A
(chapter 7) all neurons share one working point, so a modulation $\delta\nu$ of the population rate feeds
back on itself, through the mean and the variance of the input, with the loop gain

```{math}
:label: eq-ch08-loop
L(f) = \Bigl[\chi(f)\,\tau_m J C_E (1 - \gamma g)
  + \chi^{\sigma^2}(f)\,\frac{\tau_m}{2} J^2 C_E (1 + \gamma g^2)\Bigr] e^{-2\pi i f d},
```

the eigenvalue of $K(f)$ that belongs to the uniform mode ($\gamma = C_I/C_E = 1/4$; $\sigma$ is the book's,
Brunel's $\sigma_B = \sqrt{2}\,\sigma$). The state is stable
if $1 - L(s) = 0$ has no root with $\mathrm{Re}\,s \ge 0$ {cite:p}`brunel1999,brunel2000`. Equivalently,
by the argument principle (the Nyquist criterion), if the curve $1 - L(f)$, for $f$ from $-\infty$ to
$\infty$, does not wind around 0. The count is complete although $|L(f)|$ does not vanish at high
frequency (it tends to the recurrent share of the input variance, below 1, so the curve then circles 1
without reaching 0). Near the boundary the curve passes close to 0 at a frequency $f^*$, the frequency
of the oscillation that sets in. `snnlib.network.brunel_stability` counts the windings:
""")

code(r"""
gs = np.arange(3.0, 8.5, 1.0)
etas = np.arange(0.5, 4.5, 0.5)
stab = [[snnlib.network.brunel_stability(g, eta) for eta in etas]
        for g in gs]
unstable = np.array([[not s.stable for s in row] for row in stab])
freq = np.array([[s.freq for s in row] for row in stab])
""")

md(r"""
Simulations of model A (12,500 neurons) at four points: the asynchronous state and the two synchronous
irregular states of chapter 7, and a second fast state at $g = 8$. The population-rate spectrum of each (1 s after 100 ms of warm-up) shows whether
the population oscillates, and at which frequency:
""")

code(r"""
points = {"AI": (5.0, 2.0), "SI fast": (6.0, 4.0),
          "SI slow": (4.5, 0.9), "SI fast, g = 8": (8.0, 4.0)}
spectra, predicted = {}, {}
for name, (g, eta) in points.items():
    t_run = 2000.0 if name == "AI" else 1000.0        # ms
    rb = snnlib.simulate_network(snnlib.brunel_network(g, eta, seed=7),
                                 t_max=t_run, t_warmup=100.0, seed=8)
    spectra[name] = snnlib.population_spectrum(rb, dt=0.1,
                                               segment_length=200.0)
    predicted[name] = snnlib.network.brunel_stability(g, eta).freq
    if name == "AI":
        rb_ai = rb
    where = ("stable" if np.isnan(predicted[name])
             else f"{predicted[name]:.0f} Hz")
    print(f"{name:15s} theory: {where}, spectral peak "
          f"{spectra[name].peak(f_min=10.0):.0f} Hz")
""")

md(r"""
The asynchronous state's spectrum needs the linear theory at the level of the populations. Averaging
$y = y^0 + Ky$ over the excitatory and over the inhibitory neurons gives two population activities,
each driven by its own finite-size noise $\xi_E$, $\xi_I$ (spectra $S/N_E$ and $S/N_I$) and coupled by
the $2\times 2$ kernel $\bar K_{pq}(f)$: the summed weights from population $q$ onto one neuron of $p$
times $\chi\tau_m e^{-2\pi i f d}$ (plus the variance term). This is the population average of
{eq}`eq-ch08-lrt-spectrum`, `snnlib.predict_population_spectrum`. In model A every neuron receives the
same inputs, so the kernel has two equal rows, $\bar K = \mathbf{1}\,(\bar K_E, \bar K_I)$, and
$(I - \bar K)^{-1} = I + \mathbf{1}(\bar K_E, \bar K_I)/(1 - L)$ with $L = \bar K_E + \bar K_I$. The
pooled activity is therefore

$$
A = \frac{N_E}{N}\xi_E + \frac{N_I}{N}\xi_I + \frac{\bar K_E\,\xi_E + \bar K_I\,\xi_I}{1 - L}.
$$

The uniform mode $L$ is small because excitation and inhibition cancel, but $\bar K_E = L/(1 - \gamma g)$
and $\bar K_I = -\gamma g L/(1 - \gamma g)$ are not: at $g = 5$ they are $-4L$ and $5L$ (mean channel).
Each population's noise is amplified separately, by about $(16 N/N_E + 25 N/N_I)|L|^2/|1 - L|^2 \approx
145\,|L|^2/|1 - L|^2$ times $S/N$: a non-normal amplification of the difference between excitation and
inhibition {cite:p}`murphy2009`, which the shortcut $S/(N|1 - L|^2)$ misses. The theory against the
simulation (2 s, 0.1-ms bins), in units of $r/N$ (the spectrum of $N$ independent neurons), averaged
over bands of frequency, with standard errors from ten 200-ms blocks:
""")

code(r"""
r_n = rb_ai.mean_rate / 12_500                          # Hz: r / N
net_ai = snnlib.brunel_network(*points["AI"], seed=7)
f_ai = spectra["AI"].freqs[1:]
ai_theory = snnlib.predict_population_spectrum(net_ai, f_ai,
                                               variance=True).pooled
ai_mean = snnlib.predict_population_spectrum(net_ai, f_ai).pooled
per = [snnlib.population_spectrum(b, dt=0.1)
       for b in snnlib.time_blocks(rb_ai, 10)]          # 200-ms blocks
for lo, hi in [(5, 50), (50, 100), (100, 150), (150, 250), (250, 400),
               (500, 1000)]:
    band = [p.power[(p.freqs >= lo) & (p.freqs < hi)].mean() for p in per]
    m, se = np.mean(band) / r_n, np.std(band, ddof=1) / np.sqrt(10) / r_n
    th = ai_theory[(f_ai >= lo) & (f_ai < hi)].mean() / r_n
    th0 = ai_mean[(f_ai >= lo) & (f_ai < hi)].mean() / r_n
    print(f"{lo:4d}-{hi:4d} Hz: simulation {m:5.0f} +- {se:3.0f}, "
          f"theory {th:5.0f}, mean term only {th0:4.0f} r/N")
""")

code(r"""
bin_hz = spectra["AI"].freqs[1]                   # 5 Hz: 200-ms segments
for name in ("SI fast", "SI fast, g = 8"):
    peak = spectra[name].peak(f_min=10.0)
    print(f"{name}: |{peak:.1f} - {predicted[name]:.1f}| Hz, bins of "
          f"{bin_hz:g} Hz")
    assert abs(peak - predicted[name]) <= 2 * bin_hz   # resolution
""")

code(r"""
fig, (ax_m, ax_s) = plt.subplots(1, 2, figsize=(9.5, 3.6),
                                 width_ratios=[1, 1.3])
g_grid, e_grid = np.meshgrid(gs, etas, indexing="ij")
ax_m.plot(g_grid[~unstable], e_grid[~unstable], "o", color="0.75", ms=4,
          label="stable (theory)")
ax_m.plot(g_grid[unstable], e_grid[unstable], "kx", ms=5,
          label="unstable (theory)")
for name, (g, eta) in points.items():
    ax_m.plot(g, eta, "s", mfc="none", mec="k", ms=9)
    if not np.isnan(predicted[name]):          # unstable there
        ax_m.plot(g, eta, "kx", ms=5)
    ax_m.annotate(name, (g, eta), fontsize=7, xytext=(0, -13),
                  textcoords="offset points", ha="center")
ax_m.plot([], [], "s", mfc="none", mec="k", label="simulated (right)")
label(ax_m, r"relative inhibition $g$",
      r"external drive $\eta = \nu_{ext}/\nu_{thr}$")
ax_m.set_xlim(2.5, 8.7)
ax_m.set_ylim(0.2, 4.3)
ax_m.legend(fontsize="small", loc="upper center", ncol=3,
            bbox_to_anchor=(0.5, 1.16), handletextpad=0.2,
            columnspacing=0.8)
for (name, ps), ls in zip(spectra.items(), LINESTYLES):
    ax_s.semilogy(ps.freqs[1:], ps.power[1:], color="k", ls=ls, lw=0.9,
                  label=name)
    if not np.isnan(predicted[name]):
        ax_s.axvline(predicted[name], color="0.6", ls=ls, lw=0.8)
ax_s.semilogy(f_ai, ai_theory, color="0.55", lw=1.6, label="AI, theory")
ax_s.set_ylim(1e-3, None)
ax_s.set_xlim(0.0, 400.0)
label(ax_s, "frequency (Hz)", "population spectrum (Hz)")
ax_s.legend(fontsize="small", loc="upper center", ncol=3,
            bbox_to_anchor=(0.5, 1.16), handlelength=2.2,
            columnspacing=0.8)
fig.tight_layout()
plt.show()
""", caption="Left: linear stability of model A's asynchronous state on a grid of $g$ "
            "and $\\eta$ ({eq}`eq-ch08-loop`, mean and variance channels): unstable "
            "where excitation dominates ($g = 3$) and where strong drive meets strong "
            "inhibition (the row $\\eta = 0.5$ is nearly silent, and stable in that trivial "
            "sense); squares mark the four simulated networks (the slow state, "
            "$g = 4.5$, $\\eta = 0.9$, lies in a narrow unstable band near $\\eta = 0.9$, "
            "between grid points). Right: their "
            "population-rate spectra (12,500 neurons, 1 s, the AI state 2 s; Welch "
            "segments of 200 ms), "
            "with the predicted frequencies of the growing modes as vertical lines "
            "(same line styles). The two fast states peak at 185 and 180 Hz against "
            "188 Hz predicted (their harmonics show near 360 Hz); the slow state at 20 Hz against 29 Hz; the asynchronous "
            "state (AI) shows a broad resonance near 100-150 Hz, where the linear theory "
            "of the population activities (thick grey) also peaks.", name="fig-ch08-stability",
     alt="Left: a grid over relative inhibition g from 3 to 8 and drive eta from 0.5 to 4, with grey dots "
         "where linear theory finds the asynchronous state stable and crosses where it is unstable. Right: "
         "population-rate spectra of four simulated networks on a log scale from 0 to 400 Hz, with "
         "vertical lines at the predicted oscillation frequencies.")

md(r"""
The theory locates the fast oscillations, including their frequency, to within 5 % (two bins of these
spectra): where strong inhibition closes the loop with a phase of $\pi$, the delay of 1.5 ms and the
neurons' own lag turn the phase by another $\pi$ between $1/(4d)$ and $1/(2d)$. The variance channel
matters here too: with the mean term alone the predicted frequency would be 255 Hz. The slow oscillation at weak drive appears only with
the variance channel of {eq}`eq-ch08-loop` (without it the theory calls $g = 4.5$, $\eta = 0.9$ stable;
`snnlib.network.brunel_stability(..., variance=False)`); its frequency is predicted less well, 29 Hz
against 20 Hz, and the theory's slow region is a narrow band near $\eta = 0.9$, while simulations
show slow oscillations over a wider range: the oscillation that develops is large,
far from the linear regime (chapter 7 shows its rasters).

The asynchronous state has a broad resonance near 130 Hz, where the loop gain $L(f)$ comes closest to
1: the damped version of the fast mode. The population-level theory places it right, and it explains
why the population activity fluctuates hundreds of times more than that of $N$ independent neurons.
Its height is another matter (printed above): AI_TEXT

### Simulated synchrony across the phase diagram

A coarse grid of simulations (12,500 neurons, 250 ms each after 100 ms of warm-up) measures how
synchronous the network is at each point, by Golomb's synchrony index $S_G$ of the spike counts in
1-ms bins {cite:p}`golomb2007` (`snnlib.synchrony_index`: the square root of the variance of the
population activity over the mean variance of single neurons; about $1/\sqrt{N} = 0.009$ for
independent neurons, 1 for identical trains). The cell also prints the peak of the population-level
theory's spectrum along the stable part of the row $g = 5$:
""")

code(r"""
sim_g, sim_eta = np.arange(3.0, 8.5, 1.0), np.arange(1.0, 4.5, 1.0)
sync = np.zeros((sim_g.size, sim_eta.size))
for a, g in enumerate(sim_g):
    for b, eta in enumerate(sim_eta):
        rb = snnlib.simulate_network(
            snnlib.brunel_network(g, eta, seed=7), t_max=250.0,
            t_warmup=100.0, seed=8)
        sync[a, b] = snnlib.synchrony_index(rb, bin_width=1.0)
theory_unstable = unstable[:, np.isin(etas, sim_eta)]
for name, m in [("unstable", theory_unstable), ("stable", ~theory_unstable)]:
    print(f"theory {name}: {m.sum()} points, synchrony "
          f"{sync[m].min():.2f} to {sync[m].max():.2f}")
f_g5 = np.arange(10.0, 400.0, 2.0)
for eta in (2.0, 3.0, 4.0):
    n5 = snnlib.brunel_network(5.0, eta, seed=7)
    r5 = snnlib.brunel_mean_field(5.0, eta)["rate"]
    top = snnlib.predict_population_spectrum(n5, f_g5, variance=True)
    print(f"g = 5, eta = {eta:g}: theory peak {top.pooled.max() / (r5 / "
          f"12_500):,.0f} r/N")
""")

code(r"""
lines = snnlib.network.brunel_instability_lines([5.5, 6.0, 7.0, 8.0],
                                                [2.0, 3.0, 4.0])
fig, ax = plt.subplots(figsize=(5.2, 3.4))
im = ax.imshow(sync.T, origin="lower", cmap="Greys", vmin=0.0, vmax=0.6,
               extent=(2.5, 8.5, 0.5, 4.5), aspect="auto")
for a, g in enumerate(sim_g):
    for b, eta in enumerate(sim_eta):
        ax.text(g, eta, f"{sync[a, b]:.2f}", ha="center", va="center",
                fontsize=7, color="w" if sync[a, b] > 0.35 else "k")
        if theory_unstable[a, b]:
            ax.add_patch(plt.Rectangle((g - 0.5, eta - 0.5), 1, 1,
                                       fill=False, lw=1.5))
ax.plot([ln[0] for ln in lines], [ln[1] for ln in lines], "k--", lw=1,
        label="instability line (theory)")
fig.colorbar(im, ax=ax, label=r"synchrony $S_G$")
label(ax, r"relative inhibition $g$", r"drive $\eta = \nu_{ext}/\nu_{thr}$")
ax.legend(fontsize="small", loc="lower right", framealpha=1.0)
ax.set_ylim(0.2, 4.5)
plt.show()
for g, eta, f, up in lines:
    print(f"g = {g}: unstable above eta = {eta:.2f} ({f:.0f} Hz)")
""", caption="Synchrony index $S_G$ (1-ms bins; grey level and number) of simulated "
            "networks of model A (12,500 neurons, 250 ms) on a grid of $g$ and $\\eta$. "
            "Framed: points where linear theory finds the asynchronous state unstable; "
            "dashed: the theory's line of the fast instability, from "
            "`brunel_instability_lines` (at $\\eta$ = 3.77, 3.25, 2.71 and 2.46 for "
            "$g$ = 5.5, 6, 7 and 8). Where excitation dominates ($g = 3$) the network "
            "fires in synchronous regular volleys ($S_G \\approx 0.5$). For $g \\ge 5$ "
            "synchrony grows steadily with the drive, from 0.04 to about 0.2, and the "
            "line crosses this slope where $S_G$ is 0.1 to 0.15, without a jump.",
     name="fig-ch08-synchrony-map",
     alt="A grid of grey squares over g from 3 to 8 and eta from 1 to 4, each with its synchrony "
         "index; the g = 3 column is dark (about 0.5), the others light, growing darker with eta. "
         "Framed squares and a dashed line mark where linear theory predicts instability, in the "
         "upper right corner.")

md(r"""
The linear theory marks where the damping of the fast mode vanishes, and the simulations agree on
the direction: the framed points are the most synchronous of their column. But a finite network does
not switch at the line. On the stable side, as the line comes closer, the theory's resonance grows
(printed above: SYNC_PEAKS $r/N$ at $g = 5$ and $\eta$ = 2, 3 and 4), and the simulated synchrony
rises with it: at $g = 5$, $\eta = 4$, still stable in theory, the network is as synchronous (0.21) as
at $g = 7$, $\eta = 4$ beyond the line. The column $g = 4$ stands apart: there excitation and
inhibition cancel exactly in the mean input ($\gamma g = 1$), the network sits at the edge of the
excitation-dominated regime, and its synchrony (0.13 to 0.15) exceeds that of the stable points at
larger $g$. With 12,500 neurons the transition is a smooth crossover around the line; since the
finite-size noise that drives the damped mode falls as $1/N$, it should sharpen in larger networks
{cite:p}`brunel1999` (not tested here).

## Explore: coupling strength

How far does the linear theory reach for a single connection? The explorer shows the mean correlogram of
50 independent pairs in which neuron $a$ drives neuron $b$ through one synapse of weight $J$ (delay
2 ms, both neurons with $\mu = 12$ mV, $\sigma = 4$ mV), simulated for 50 s, against the theory of
{eq}`eq-ch08-lrt-spectrum`. The measured correlograms were computed for six weights when this page was
built; the static figure shows $J = 1$ mV, and in JupyterLab or on Binder the slider switches between
them.
""")

code(r"""
j_values = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0]      # mV
lags_w = np.arange(-15.0, 25.5, 1.0)
w_pairs = np.column_stack([np.arange(1, 100, 2), np.arange(0, 100, 2)])
explorer = {}
for jw in j_values:
    wj = np.zeros((100, 100))
    wj[w_pairs[:, 0], w_pairs[:, 1]] = jw          # 2k drives 2k + 1
    nw = snnlib.Network.from_weights(wj, snnlib.LIF(), mu=12.0,
                                     sigma=4.0, delay=2.0)
    rw = snnlib.simulate_network(nw, t_max=50_000.0, t_warmup=200.0,
                                 seed=5)
    meas = snnlib.cross_correlogram(rw, pairs=w_pairs, bin_width=1.0,
                                    max_lag=25.0).covariance[10:]
    two = snnlib.Network.from_weights([[0.0, 0.0], [jw, 0.0]],
                                      snnlib.LIF(), mu=12.0, sigma=4.0,
                                      delay=2.0)
    th = snnlib.predict_cross_covariance(two, lags_w, f_max=2000.0,
                                         per_neuron=True, variance=True)
    th0 = snnlib.predict_cross_covariance(two, lags_w, f_max=2000.0,
                                          per_neuron=True)
    per_pair = np.array([snnlib.cross_correlogram(
        rw, pairs=p, bin_width=1.0, max_lag=25.0).covariance[10:].sum()
        for p in w_pairs])                      # summed over lags, each pair
    ratio = per_pair.mean() / th[:, 1, 0].sum()
    err = per_pair.std(ddof=1) / np.sqrt(len(w_pairs)) / th[:, 1, 0].sum()
    explorer[jw] = (meas, th[:, 1, 0], ratio, err)
    print(f"J = {jw} mV: measured / theory {ratio:.2f} +- {err:.2f}, "
          f"mean term only {per_pair.mean() / th0[:, 1, 0].sum():.2f}")
""")

code(r"""
fig, ax = plt.subplots(figsize=(6, 3.4))
fig.subplots_adjust(left=0.14, right=0.97, bottom=0.17, top=0.88)
(m_line,) = ax.step(lags_w, explorer[1.0][0], where="mid", color="0.6",
                    lw=1, label="simulation (50 pairs)")
(t_line,) = ax.plot(lags_w, explorer[1.0][1], "k", lw=1.2,
                    label="linear response theory")
ax.axhline(0.0, color="0.8", lw=0.6)
title = ax.set_title("", fontsize="medium")
label(ax, "lag (ms)", r"$C_{ba}(\tau)$ (Hz$^2$)")
ax.legend(fontsize="small", loc="upper right")


def update(j=1.0):
    meas, th, ratio, err = explorer[j]
    m_line.set_data(lags_w, meas)
    t_line.set_data(lags_w, th)
    top = max(meas.max(), th.max())
    ax.set_ylim(-0.25 * top, 1.15 * top)
    title.set_text(f"J = {j:g} mV: measured / theory, summed over lags, "
                   f"{ratio:.2f} +- {err:.2f}")


update()
plt.show()
""", caption="Static default of the explorer ($J = 1$ mV): the mean correlogram of 50 "
            "pairs in which neuron $a$ drives neuron $b$ (grey, 50 s, 1-ms bins) against "
            "linear response theory with the variance term (black). The response of $b$ "
            "rises 2 ms after a spike of $a$ and decays within about 10 ms; summed over "
            "the lags, the measured correlogram is $1.05 \\pm 0.08$ times the theory.", name="fig-ch08-widget-default",
     alt="Correlogram from -15 to 25 ms of a driven neuron against its driver: a grey measured step curve "
         "and a black theory line both rise sharply 2 ms after zero and decay within about 10 ms.")

code(r"""
snnlib.plotting.LiveFigure(fig, update, {
    "j": widgets.SelectionSlider(options=j_values, value=1.0,
                                 description="J (mV)"),
})
""", tags=["remove-output", "skip-execution"])

md(r"""
Summed over the lags, the simulated correlograms are 0.90 to 1.07 times the full theory for all six
weights (the cell above prints each with its standard error, from 0.19 at 0.5 mV to 0.02 at 4 mV).
The mean term alone gives ratios of 1.10 and 1.11 at 0.5 and 1 mV, within two standard errors of 1,
and 1.07 to 1.15 from 2 mV on, where the errors (0.04 and less) make the shortfall of the theory
without the variance term significant. At 3 and 4 mV the measured peak is narrower than the theory's
(move the slider): right after a large PSP the neurons that
were close to threshold have fired, and the driven neuron is depleted of such states for a while, a
nonlinear effect {cite:p}`helias2010`.

## Exercises

```{exercise}
:label: ex-ch08-hawkes-rate
Show from {eq}`eq-ch08-hawkes` that the stationary rates of a Hawkes process are $r = (I - W)^{-1}b$, and
that for a single self-exciting unit ($W = w < 1$) the Fano factor of long windows is $1/(1 - w)^2$.
Check both with `snnlib.simulate_hawkes`.
```

```{solution} ex-ch08-hawkes-rate
:class: dropdown
Taking expectations of {eq}`eq-ch08-hawkes` in the stationary state, $r_i = b_i + \sum_j W_{ij} r_j$,
since $\int G_{ij} = W_{ij}$; hence $r = (I - W)^{-1} b$. For one unit {eq}`eq-ch08-hawkes-spectrum` at
$f = 0$ gives $C(0) = r/(1 - w)^2$, and the Fano factor of long windows is $C(0)/r = 1/(1 - w)^2$: 4 for
$w = 0.5$. A check:

~~~python
h = snnlib.simulate_hawkes(10.0, [[0.5]], tau=5.0, t_max=1e6, seed=2)
n = snnlib.bin_spikes(h, bin_width=1000.0).counts[0]
print(n.mean(), n.var() / n.mean())     # about 20 spikes/s and 4
~~~
```

```{exercise}
:label: ex-ch08-inhibition
Use `snnlib.network.covariance_motifs(net, order=2)` to split the long-window covariance of unconnected
excitatory pairs in this chapter's network into shared input and chains, each through excitatory and
through inhibitory middle neurons. Then build the same network without its inhibitory synapses (with
the same seed, so that the excitatory connections stay the same) and compare. What does inhibition do to each term, and to the total?
```

```{solution} ex-ch08-inhibition
:class: dropdown
Average each entry of `covariance_motifs` over the unconnected E-E pairs (the mask `~to & ~to.T` of this
chapter, without the diagonal). With inhibition: shared input 0.0047 Hz via E and 0.0187 Hz via I,
chains +0.0094 Hz via E and -0.0099 Hz via I (they cancel), higher orders 0.0004 Hz, total 0.0233 Hz.
Without the inhibitory synapses the neurons fire at 24.4 instead of 15.9 Hz; shared input falls to
0.0054 Hz (only excitatory sources), chains via E give 0.0109 Hz and nothing cancels them, and the
orders above two, 0.0145 Hz, are no longer negligible: the total is 0.0307 Hz, with a larger share from
long paths. Inhibition adds positive shared input (two neurons inhibited by the same cell) but
removes covariance through chains, and by keeping the network away from strong recurrent excitation it
suppresses the long paths. (This is the balanced case; the cancellation of shared input by
population feedback that {cite:t}`tetzlaff2012` describe needs a net inhibitory loop, $1 - \gamma g < 0$.)
```

```{exercise}
:label: ex-ch08-delay
Using `snnlib.network.brunel_stability`, plot the frequency of the growing mode at $g = 6$, $\eta = 4$
against the delay $d$ from 1 to 5 ms. Explain the result from the phase condition of
{eq}`eq-ch08-loop`.
```

```{solution} ex-ch08-delay
:class: dropdown
With strong inhibition $1 - \gamma g < 0$, so the loop gain has a phase of $\pi$ at $f = 0$; the mode
grows where $L(f)$ is real and larger than 1, i.e. where the delay and the neuron's lag together turn
the phase by a further $\pi$: $2\pi f d + |\arg\chi(f)| \approx \pi$. Without the neuron's own lag this
gives $f^* = 1/(2d)$; with it $f^*$ lies somewhat lower, between $1/(4d)$ and $1/(2d)$, and it falls
roughly as $1/d$ (the library's tests check this range at $d = 1.5$ and 3 ms). At $d = 1$ ms the
state is stable (`freq` is NaN there); from 1.5 ms on, the code below gives 188, 151, 128, 111, 99, 89,
81 and 74 Hz for $d$ = 1.5, 2, ..., 5 ms. The variance channel matters: with the mean term alone
(`variance=False`) the frequency at 1.5 ms would be 255 Hz.

~~~python
ds = np.linspace(1.5, 5.0, 8)
f = [snnlib.network.brunel_stability(6.0, 4.0, delay=d).freq for d in ds]
print(np.round(f))
plt.plot(ds, f, "ko-"); plt.plot(ds, 1000 / (2 * ds), "k--")
~~~
```

## Summary

* Correlations between spike trains are described by the covariance density $C_{ij}(\tau)$, its
  Fourier transform $C_{ij}(f)$ and, for spike counts, by $C_{ij}(0)$ for long windows
  {eq}`eq-ch08-count`.
* In a linear Hawkes process every spike adds a filtered pulse to the intensities of its targets; the
  cross-spectra follow exactly from the connectivity, $C = (I - \hat G)^{-1} D (I - \hat G)^{-H}$
  {eq}`eq-ch08-hawkes-spectrum`, and simulations agree within their statistics.
* Integrate-and-fire networks obey the same formula to first order in the coupling, with
  $K_{ij} = \chi_i \tau_m J_{ij} e^{-2\pi i f d}$ built from chapter 6's susceptibility and chapter 7's
  mean-field working point, and the neurons' own spectra on the diagonal {eq}`eq-ch08-lrt-spectrum`.
* Expanding $(I - K)^{-1}$ in powers of $K$ attributes each covariance to direct connections, shared
  inputs and chains.
* A presynaptic rate modulates the variance of the input as well as its mean; the second-order term
  $\chi^{\sigma^2}\frac{\tau_m}{2}J^2$ shapes the first millisecond of the correlograms and sets the
  frequency of the fast oscillation.
* The theory fails when the coupling is strong (large postsynaptic potentials, near an instability), and
  its zeros of $\det(I - K)$ locate the oscillatory instabilities of the asynchronous state; in a finite
  network the transition is a crossover, with synchrony rising as the line comes closer.
* Averaged over populations, the same theory gives the spectrum of the population activity of a network
  of any size: the excitatory and inhibitory finite-size noise is amplified separately, far beyond the
  uniform mode's share.
* Chapter 9 turns the question around: choosing the connectivity so that a network's fluctuations
  represent a given probability distribution.
""")
