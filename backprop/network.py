"""The course's reference network with bias: pluggable activations, the exact rule or the story's.

The lessons' graded functions (`reference.train_step`, `reference.train`, `reference.predict`) are
this network with sigmoid layers and the exact rule; later lessons use this module to swap in tanh
or ReLU (lesson 09), to compare the story's rule with the exact one (lesson 08) and to train on the
digits (lesson 10). Shapes follow the course: columns (n, 1), W[destination, source]; a batch of
examples may be passed as columns side by side, (n, batch).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import reference as ref


@dataclass(frozen=True)
class Activation:
    """A layer's squashing function and its slope, written from what the layer knows: slope(z, a)."""
    name: str
    f: Callable
    slope: Callable


SIGMOID = Activation("sigmoid", ref.sigmoid, lambda z, a: ref.sigmoid_slope_from_output(a))
TANH = Activation("tanh", np.tanh, lambda z, a: ref.tanh_slope_from_output(a))
RELU = Activation("relu", ref.relu, lambda z, a: ref.relu_slope(z))
ACTIVATIONS = {a.name: a for a in (SIGMOID, TANH, RELU)}
RULES = ("exact", "story")  # the chain rule's hidden errors, or the story's W_ho.T @ e_o


def activation_values(z):
    """For one weighted sum z: {name: (output y, slope)} of sigmoid, tanh and ReLU, slopes as the network writes them."""
    values = {}
    for name, activation in ACTIVATIONS.items():
        y = float(activation.f(z))
        values[name] = (y, float(activation.slope(z, y)))
    return values


def init_params(n_inputs, n_hidden, n_outputs, seed=0, scale=1.0):
    """Weights and biases drawn uniformly from [-scale, scale] by one seeded generator."""
    rng = np.random.default_rng(seed)
    return {"W_ih": rng.uniform(-scale, scale, (n_hidden, n_inputs)),
            "b_h": rng.uniform(-scale, scale, (n_hidden, 1)),
            "W_ho": rng.uniform(-scale, scale, (n_outputs, n_hidden)),
            "b_o": rng.uniform(-scale, scale, (n_outputs, 1))}


def forward(params, x, hidden=SIGMOID):
    """Feed x (n_in, batch) forward; return (z_h, h, o): hidden sums, hidden outputs, sigmoid outputs."""
    z_h = params["W_ih"] @ x + params["b_h"]
    h = hidden.f(z_h)
    o = ref.sigmoid(params["W_ho"] @ h + params["b_o"])
    return z_h, h, o


def predict(params, x, hidden=SIGMOID):
    """The output column(s) for input column(s) x."""
    return forward(params, x, hidden)[2]


def gradients(params, x, target, hidden=SIGMOID, rule="exact"):
    """Step directions for every parameter on one example (before the learning rate), a dict.

    With rule="exact" each entry is minus the slope of C/2 = sum((t - o)**2) / 2 for that parameter.
    """
    z_h, h, o = forward(params, x, hidden)
    e_o = target - o
    push_o = e_o * ref.sigmoid_slope_from_output(o)
    e_h = params["W_ho"].T @ push_o if rule == "exact" else ref.hidden_errors(params["W_ho"], e_o)
    push_h = e_h * hidden.slope(z_h, h)
    return {"W_ih": push_h @ x.T, "b_h": push_h.sum(axis=1, keepdims=True),
            "W_ho": push_o @ h.T, "b_o": push_o.sum(axis=1, keepdims=True)}


def train_step(params, x, target, lr, hidden=SIGMOID, rule="exact"):
    """A new dict of parameters after one step on one example; every error from the old weights."""
    steps = gradients(params, x, target, hidden, rule)
    return {key: params[key] + lr * steps[key] for key in params}


def train(params, inputs, targets, lr, epochs, seed=0, hidden=SIGMOID, rule="exact", every=None, on_epoch=None):
    """reference.train with a choice of activation and rule; (params, losses).

    on_epoch(epoch, params, losses) is called after every `every` epochs (and after the last);
    when it returns False training stops early, keeping what was learnt so far.
    """
    rng = np.random.default_rng(seed)

    def step(params, x, t):
        before = ref.cost(t, predict(params, x, hidden))
        return train_step(params, x, t, lr, hidden, rule), before
    return ref.run_epochs(params, inputs, targets, epochs, step, rng.permutation, every=every, on_epoch=on_epoch)


def accuracy(params, images, labels, hidden=SIGMOID):
    """Fraction of images (n, n_pixels) whose largest output is at their label (n,)."""
    outputs = predict(params, np.asarray(images, dtype=float).T, hidden)
    return float(np.mean(np.argmax(outputs, axis=0) == np.asarray(labels)))
