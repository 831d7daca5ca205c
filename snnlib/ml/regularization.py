r"""Regularisation of the multilayer perceptron: L2 weight decay and dropout.

Both fight overfitting (Goodfellow, Bengio & Courville 2016, ch. 7):

* **Weight decay** adds :math:`\frac{\lambda}{2}\sum_l \lVert W^{(l)}\rVert^2` (weights only, not
  biases) to the mean cross-entropy, so that each SGD step also shrinks every weight by the factor
  :math:`1 - \eta\lambda` (Goodfellow et al. 2016, eq. 7.5).
* **Dropout** (Srivastava et al. 2014) multiplies each hidden unit's activation, independently for
  every example of a minibatch, by a random mask that is 0 with probability ``dropout`` and
  :math:`1/(1 - p)` otherwise ("inverted" dropout), so that the expected activation is unchanged and
  the trained network is used without masks.

The training loop is the vectorised NumPy one of :func:`snnlib.ml.mlp.train_mlp` (``method="numpy"``)
with these two changes; with ``weight_decay=0`` and ``dropout=0`` it gives exactly its parameters.
"""

from __future__ import annotations

import numpy as np

from .._core.seeding import as_generator
from .._core.validation import check_array, check_scalar
from .mlp import (LossGrad, MLPParams, MLPTrainResult, _check_training, _checked, _init, _loss_and_grad, _train_numpy,
                  _validation_callback)

__all__ = ["regularized_loss_and_grad", "train_mlp_regularized"]


def regularized_loss_and_grad(params: MLPParams, x, y, *, weight_decay: float = 0.0, masks=None) -> LossGrad:
    r"""Penalised cross-entropy of a batch, with optional dropout masks, and its gradient.

    Parameters
    ----------
    params : MLPParams
        The network.
    x : array_like, shape (n, n_in)
        Inputs (a.u.).
    y : array_like of int, shape (n,)
        Class labels in ``[0, n_classes)``, one per row of ``x``.
    weight_decay : float
        L2 coefficient :math:`\lambda` (dimensionless, >= 0).
    masks : None or sequence of array_like
        One array of shape (n, units) per hidden layer that multiplies that layer's activations
        (finite; for dropout, 0 or :math:`1/(1 - p)`); None for no masks.

    Returns
    -------
    LossGrad
        ``loss`` (nats) :math:`-\frac1n\sum_i\log P_\phi(y_i\mid x_i) + \frac{\lambda}{2}\sum_l
        \lVert W^{(l)}\rVert^2`, and its gradient shaped like the parameters.

    Notes
    -----
    Backpropagation as in :func:`snnlib.ml.mlp.loss_and_grad`; the penalty adds
    :math:`\lambda W^{(l)}` to each weight gradient (Goodfellow et al. 2016, eq. 7.2-7.5), and a
    mask multiplies the error :math:`\delta` of its layer as it multiplied the activation.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.ml import init_mlp, loss_and_grad
    >>> p = init_mlp([2, 3, 2], seed=0)
    >>> x, y = np.ones((4, 2)), np.array([0, 1, 0, 1])
    >>> lg = regularized_loss_and_grad(p, x, y, weight_decay=0.1)
    >>> ce = loss_and_grad(p, x, y).loss
    >>> penalty = 0.05 * sum(np.sum(w**2) for w in p.weights)
    >>> bool(np.isclose(lg.loss, ce + penalty))
    True
    """
    params, x, y = _checked(params, x, y)
    weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
    if masks is not None:
        hidden = params.layer_sizes[1:-1]
        if not isinstance(masks, (tuple, list)) or len(masks) != len(hidden):
            raise TypeError(f"masks must be None or a sequence of {len(hidden)} arrays (one per hidden layer)")
        masks = [check_array(m, f"masks[{l}]", shape=(x.shape[0], h)) for l, (m, h) in enumerate(zip(masks, hidden))]
    loss, gw, gb = _loss_and_grad(params, x, y, weight_decay, masks)
    return LossGrad(loss, tuple(gw), tuple(gb))


def train_mlp_regularized(x, y, *, hidden=(32,), activation: str = "tanh", eta: float = 0.1,
                          batch_size: int = 32, epochs: int = 100, weight_decay: float = 0.0,
                          dropout: float = 0.0, seed=None, validation=None) -> MLPTrainResult:
    r"""Train an MLP classifier by minibatch SGD with L2 weight decay and/or dropout.

    Parameters
    ----------
    x, y, hidden, activation, eta, batch_size, epochs, seed, validation
        As for :func:`snnlib.ml.mlp.train_mlp` (inputs in a.u., labels 0..K-1, learning rate
        dimensionless > 0, batch size >= 1 points, epochs in [1, 1e7]). The same seed gives the same
        initial weights and minibatch orders.
    weight_decay : float
        L2 coefficient :math:`\lambda` (dimensionless, >= 0): the loss minimised is the mean
        cross-entropy plus :math:`\frac{\lambda}{2}\sum_l\lVert W^{(l)}\rVert^2`.
    dropout : float
        Probability that a hidden unit is silenced for one example in one step, in [0, 1);
        survivors are scaled by :math:`1/(1 - p)`. The masks come from a child of the seed's
        generator, so minibatch orders do not change with ``dropout``.

    Returns
    -------
    MLPTrainResult
        As :func:`snnlib.ml.mlp.train_mlp` (``method`` is ``"numpy"``). ``loss_history`` holds the mean
        penalised training loss of each epoch (nats, with the masks of that step);
        ``val_loss_history`` the plain cross-entropy of the validation set, without masks or penalty.

    Notes
    -----
    Weight decay: Goodfellow, Bengio & Courville (2016), sec. 7.1.1; dropout: Srivastava et al.
    (2014), with the inverted scaling of Goodfellow et al. (2016), sec. 7.12.

    Examples
    --------
    >>> import numpy as np
    >>> from snnlib.ml import two_moons
    >>> x, y = two_moons(40, noise=0.2, seed=0)
    >>> plain = train_mlp_regularized(x, y, epochs=50, seed=1)
    >>> decayed = train_mlp_regularized(x, y, epochs=50, seed=1,
    ...                                 weight_decay=0.1)
    >>> norm = lambda r: sum(np.sum(w**2) for w in r.params.weights)
    >>> bool(norm(decayed) < norm(plain))
    True
    """
    x, y, sizes, activation, eta, batch_size, epochs = _check_training(x, y, hidden, activation, eta,
                                                                       batch_size, epochs)
    weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
    dropout = check_scalar(dropout, "dropout", low=0.0, high=1.0, high_inclusive=False)
    after_epoch, val_history = _validation_callback(validation, x, sizes[-1], epochs)
    rng = as_generator(seed)
    params = _init(sizes, activation, rng)
    mask_rng = rng.spawn(1)[0]                  # does not advance rng: same orders as train_mlp
    params, history = _train_numpy(params, x, y, rng, epochs, eta, batch_size, after_epoch,
                                   weight_decay, dropout, mask_rng)
    return MLPTrainResult(params, history, "numpy", val_history)
