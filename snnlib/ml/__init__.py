"""Machine learning from scratch for chapter 1: data sets, the perceptron and the multilayer perceptron.

Not re-exported at the top level of snnlib (the rest of the library is about spiking neurons):
import it as ``from snnlib import ml`` and call ``ml.train_mlp(...)``.

* :mod:`~snnlib.ml.datasets`: small seeded toy data sets (linearly separable, XOR, two moons,
  spirals) and a train/test split;
* :mod:`~snnlib.ml.perceptron`: the McCulloch-Pitts unit, Rosenblatt's perceptron and Novikoff's
  convergence bound;
* :mod:`~snnlib.ml.mlp`: a softmax multilayer perceptron trained by minibatch SGD with
  backpropagation written out;
* :mod:`~snnlib.ml.regularization`: the same training with L2 weight decay and dropout;
* :mod:`~snnlib.ml.autodiff`: reverse-mode automatic differentiation on scalars.
"""

from .datasets import SeparableData, Split, linearly_separable, spirals, train_test_split, two_moons, xor
from .mlp import (ForwardPass, LossGrad, MLPParams, MLPTrainResult, accuracy, forward, init_mlp, loss_and_grad,
                  predict_proba, train_mlp)
from .autodiff import Scalar
from .regularization import regularized_loss_and_grad, train_mlp_regularized
from .perceptron import (NovikoffBound, PerceptronResult, data_radius, mcculloch_pitts, novikoff_bound,
                         separation_margin, train_perceptron)

__all__ = [
    # data sets
    "SeparableData", "Split", "linearly_separable", "spirals", "train_test_split", "two_moons", "xor",
    # perceptron
    "NovikoffBound", "PerceptronResult", "data_radius", "mcculloch_pitts", "novikoff_bound",
    "separation_margin", "train_perceptron",
    # multilayer perceptron
    "ForwardPass", "LossGrad", "MLPParams", "MLPTrainResult", "accuracy", "forward", "init_mlp",
    "loss_and_grad", "predict_proba", "train_mlp",
    # regularisation and automatic differentiation
    "regularized_loss_and_grad", "train_mlp_regularized", "Scalar",
]
