"""Known-wrong versions of the graded functions, each with the sentence that names the mistake.

A check that finds a student's answer equal to one of these on its fixtures says that sentence
instead of a bare "wrong". The lists are ordered: the first matching mistake is the one named.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import reference as ref


@dataclass(frozen=True)
class Mistake:
    """One recognisable wrong answer: a short label, what to tell the student, how it computes."""
    label: str
    message: str
    compute: Callable


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


CATALOG = {
    "sigmoid": [
        Mistake("sign of the exponent", "looks like 1 / (1 + e^z), which equals e^-z / (1 + e^-z) = 1 - sigmoid(z): "
                "the curve is mirrored; the exponent needs a minus sign, e^-z, and 1 goes on top",
                lambda z: 1.0 / (1.0 + np.exp(z))),
        Mistake("minus in the denominator", "looks like 1 / (1 - e^-z): the denominator is 1 + e^-z",
                lambda z: 1.0 / (1.0 - np.exp(-z))),
        Mistake("tanh", "looks like tanh(z), which squashes into (-1, 1); the sigmoid squashes into (0, 1)",
                np.tanh),
    ],
    "feedforward": [
        Mistake("no sigmoid on hidden", "the hidden layer is not squashed: h should be sigmoid(W_ih @ x)",
                lambda W_ih, W_ho, x: (W_ih @ x, _sig(W_ho @ (W_ih @ x)))),
        Mistake("no sigmoid on output", "the output is not squashed: o should be sigmoid(W_ho @ h)",
                lambda W_ih, W_ho, x: (_sig(W_ih @ x), W_ho @ _sig(W_ih @ x))),
        Mistake("no sigmoid at all", "nothing is squashed: apply sigmoid to both weighted sums",
                lambda W_ih, W_ho, x: (W_ih @ x, W_ho @ (W_ih @ x))),
        Mistake("swapped results", "returns (o, h): the hidden outputs come first, then the outputs",
                lambda W_ih, W_ho, x: ref.feedforward(W_ih, W_ho, x)[::-1]),
    ],
    "output_error": [
        Mistake("guess - target", "you returned guess - target: the error points the other way (target minus guess)",
                lambda target, guess: guess - target),
        Mistake("squared error", "you squared the error: that is the cost's job; the error keeps its sign",
                lambda target, guess: (target - guess) ** 2),
        Mistake("absolute error", "you took the absolute value: the error keeps its sign (target minus guess)",
                lambda target, guess: abs(target - guess)),
    ],
    "cost": [
        Mistake("mean instead of sum", "you took the mean of the squared errors: the course's cost is their sum",
                lambda t, g: float(np.mean((np.asarray(t) - np.asarray(g)) ** 2))),
        Mistake("half the sum", "you multiplied by 1/2: that factor belongs to the derivation, the cost is the plain sum",
                lambda t, g: float(0.5 * np.sum((np.asarray(t) - np.asarray(g)) ** 2))),
        Mistake("errors not squared", "you added the errors without squaring them: +0.3 and -0.3 would cancel",
                lambda t, g: float(np.sum(np.asarray(t) - np.asarray(g)))),
        Mistake("absolute errors", "you added absolute errors: the cost squares each error",
                lambda t, g: float(np.sum(np.abs(np.asarray(t) - np.asarray(g))))),
        Mistake("square of the sum", "you squared the sum of the errors: square each error first, then add",
                lambda t, g: float(np.sum(np.asarray(t) - np.asarray(g)) ** 2)),
        Mistake("root of the sum", "you took a square root (a distance): the cost is the sum of squares itself",
                lambda t, g: float(np.sqrt(np.sum((np.asarray(t) - np.asarray(g)) ** 2)))),
    ],
    "split_error": [
        Mistake("no denominator", "you forgot the denominator: each share is w_j / sum(w) * error",
                lambda w, e: np.asarray(w, dtype=float) * e),
        Mistake("equal shares", "you split the error equally: the shares follow the weights",
                lambda w, e: np.full(np.shape(w), e / np.size(w))),
        Mistake("inverted proportion", "you divided the sum by each weight: the share is w_j / sum(w), not sum(w) / w_j",
                lambda w, e: np.sum(w) / np.asarray(w, dtype=float) * e),
    ],
    "hidden_errors_proportional": [
        Mistake("column sums", "you normalised by column sums: each output's error is split by the weights coming INTO it, a row of W_ho",
                lambda W, e: (W / W.sum(axis=0, keepdims=True)).T @ e),
        Mistake("no denominator", "you forgot the denominator: that is W_ho.T @ e, next lesson's simplification",
                lambda W, e: W.T @ e),
        Mistake("no transpose", "you multiplied without transposing: the shares of output i sit in row i of W_ho, so use their transpose",
                lambda W, e: (W / W.sum(axis=1, keepdims=True)) @ e),
    ],
    "hidden_errors": [
        Mistake("W @ e", "you computed W_ho @ e_o: the error goes backwards, through the transpose W_ho.T @ e_o",
                lambda W, e: W @ e),
        Mistake("proportional", "you kept the proportional denominators: this lesson drops them, W_ho.T @ e_o",
                ref.hidden_errors_proportional),
    ],
    "backpropagate_errors": [
        Mistake("W @ e", "you used W @ e somewhere: each step back is W.T @ e",
                lambda Ws, e: _walk_back(Ws, e, lambda W, x: W @ x)),
        Mistake("reversed list", "your list runs from the output back: return [e_1, ..., e_L], output errors last",
                lambda Ws, e: ref.backpropagate_errors(Ws, e)[::-1]),
        Mistake("error for the inputs", "you also sent the error back through W_1: e_1 belongs to the first hidden layer, the inputs have no error",
                lambda Ws, e: _with_input_error(Ws, e)),
        Mistake("output errors missing", "your list leaves out the output errors: it ends with e_L = output_errors",
                lambda Ws, e: ref.backpropagate_errors(Ws, e)[:-1]),
    ],
    "nudge_line": [
        Mistake("guess - target", "your error is guess - target: the line moves away from the point",
                lambda m, b, x, t, lr: (m - lr * (t - (m * x + b)) * x, b - lr * (t - (m * x + b)))),
        Mistake("no x in m", "m's step forgot the input: m += lr * error * x",
                lambda m, b, x, t, lr: (m + lr * (t - (m * x + b)), b + lr * (t - (m * x + b)))),
        Mistake("no learning rate", "you forgot the learning rate: multiply each step by lr",
                lambda m, b, x, t, lr: (m + (t - (m * x + b)) * x, b + (t - (m * x + b)))),
        Mistake("stale error", "b was nudged with the error of the already-updated m: compute the error once, then update both",
                lambda m, b, x, t, lr: _nudge_sequential(m, b, x, t, lr)),
    ],
    "sigmoid_slope_from_output": [
        Mistake("sigmoid again", "you applied the sigmoid again: y is already a sigmoid output, so the slope is y * (1 - y)",
                lambda y: _sig(y) * (1 - _sig(y))),
        Mistake("y squared", "looks like y * y: the slope is y * (1 - y)",
                lambda y: y * y),
        Mistake("one minus y", "looks like 1 - y alone: multiply by y as well",
                lambda y: 1 - y),
    ],
    "layer_gradient": [
        Mistake("no learning rate", "you forgot the learning rate",
                lambda e, o, lr: e * o * (1 - o)),
        Mistake("no slope", "you forgot the slope factor o * (1 - o)",
                lambda e, o, lr: lr * e),
        Mistake("sigmoid again", "you applied the sigmoid to outputs that are already squashed: use o * (1 - o)",
                lambda e, o, lr: lr * e * _sig(o) * (1 - _sig(o))),
        Mistake("matrix product", "you used a matrix product where the formula is element-wise (Hadamard) *",
                lambda e, o, lr: lr * (e @ (o * (1 - o)).T)),
    ],
    "delta_weights": [
        Mistake("own outputs", "you multiplied by the layer's own outputs (@ o.T): the right factor is what feeds the layer, the inputs",
                lambda e, o, x, lr: ref.layer_gradient(e, o, lr) @ o.T),
        Mistake("no transpose", "you forgot the transpose on the inputs: (n, 1) @ (1, m) needs inputs.T",
                lambda e, o, x, lr: ref.layer_gradient(e, o, lr) @ x),
        Mistake("no learning rate", "you forgot the learning rate",
                lambda e, o, x, lr: ref.layer_gradient(e, o, 1.0) @ x.T),
        Mistake("no slope", "you forgot the slope factor o * (1 - o)",
                lambda e, o, x, lr: (lr * e) @ x.T),
        Mistake("sigmoid again", "you applied the sigmoid to outputs that are already squashed: use o * (1 - o)",
                lambda e, o, x, lr: (lr * e * _sig(o) * (1 - _sig(o))) @ x.T),
    ],
    # --- lesson 06 (its functions' entries go right below this line) ---

    # --- end of lesson 06 ---

    # --- lesson 07 (its functions' entries go right below this line) ---

    # --- end of lesson 07 ---

    # --- lesson 08 (its functions' entries go right below this line) ---

    # --- end of lesson 08 ---

    # --- lesson 09 (its functions' entries go right below this line) ---
    "tanh_slope_from_output": [
        Mistake("tanh again", "you applied tanh again: y is already a tanh output, so the slope is 1 - y**2, "
                "not 1 - tanh(y)**2", lambda y: 1 - np.tanh(y) ** 2),
        Mistake("sigmoid's slope", "looks like y * (1 - y), the sigmoid's slope: tanh's slope is 1 - y**2",
                lambda y: y * (1 - y)),
        Mistake("no square", "looks like 1 - y: square the output, 1 - y**2",
                lambda y: 1 - y),
        Mistake("plus instead of minus", "looks like 1 + y**2: the slope shrinks as y nears -1 or 1, so it is 1 - y**2",
                lambda y: 1 + y ** 2),
    ],
    "relu": [
        Mistake("min instead of max", "looks like np.minimum(0, z): ReLU keeps the positive part, np.maximum(0, z)",
                lambda z: np.minimum(0, z)),
        Mistake("slope instead of value", "you returned the slope (1 where z > 0, else 0): relu(z) returns z itself "
                "where z > 0", lambda z: (np.asarray(z) > 0).astype(float)),
        Mistake("Python's max", "Python's max(0, z) compares a whole array with 0 at once: use np.maximum(0, z), "
                "which compares element by element", lambda z: max(0, z)),
        Mistake("flattening loop", "your loop returned a flat 1-D array: keep z's shape (np.maximum(0, z) works on "
                "any shape, or fill np.zeros_like(z) in the loop)",
                lambda z: np.array([max(0.0, v) for v in np.ravel(z)])),
        Mistake("list", "you returned a Python list: return a numpy array of z's shape, e.g. np.maximum(0, z)",
                lambda z: [max(0.0, v) for v in np.ravel(z)]),
        Mistake("abs", "looks like abs(z): negative inputs give 0, not their size",
                lambda z: np.abs(z)),
    ],
    "relu_slope": [
        Mistake("1 at z = 0", "you gave slope 1 at z = 0 (z >= 0): the course's slope at z = 0 is 0, use z > 0",
                lambda z: (np.asarray(z) >= 0).astype(float)),
        Mistake("0.5 at z = 0", "you gave slope 0.5 at z = 0, the central difference's average of both sides: "
                "the course's slope at z = 0 is 0", lambda z: np.heaviside(z, 0.5)),
        Mistake("booleans", "you returned booleans (True/False): return floats, e.g. (z > 0).astype(float)",
                lambda z: np.asarray(z) > 0),
        Mistake("the ReLU itself", "you returned relu(z), the value: the slope is 1 where z > 0 and 0 elsewhere",
                lambda z: np.maximum(0, z)),
        Mistake("sign", "looks like np.sign(z): the slope is 0 where z < 0 (the line is flat there), not -1",
                lambda z: np.sign(z)),
    ],

    # --- end of lesson 09 ---

    # --- lesson 10 (its functions' entries go right below this line) ---

    # --- end of lesson 10 ---
}


def _walk_back(weights, output_errors, step):
    """Like backpropagate_errors, with a custom step from one layer's error to the one before."""
    errors = [output_errors]
    for W in reversed(weights[1:]):
        errors.insert(0, step(W, errors[0]))
    return errors


def _with_input_error(weights, output_errors):
    """One step too many: an 'error' for the input layer in front of the real list."""
    errors = ref.backpropagate_errors(weights, output_errors)
    return [weights[0].T @ errors[0]] + errors


def _nudge_sequential(m, b, x, target, lr):
    """The classic slip: update m, then recompute the error with the new m for b."""
    m_new = m + lr * (target - (m * x + b)) * x
    return m_new, b + lr * (target - (m_new * x + b))


def for_function(name):
    """The known mistakes for one graded function (empty when none are catalogued)."""
    return CATALOG.get(name, [])
