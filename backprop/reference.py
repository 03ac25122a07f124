"""Reference math for every graded function, written to read like the course's notation, and the math the
pictures and explorers compute with (blame parts, a descent path, relative errors, training runs and the one
training loop, run_epochs, that every train of the course runs on).

Vectors are column vectors of shape (n, 1); a weight matrix is indexed W[destination, source],
so W_ih has shape (n_hidden, n_inputs) and W_ho has shape (n_outputs, n_hidden).
"""
import numpy as np


# --- 00 feed-forward -------------------------------------------------------------------------

def sigmoid(z):
    """The logistic squashing function 1 / (1 + e^-z), element-wise; any shape in, same shape out."""
    return 1.0 / (1.0 + np.exp(-z))


def feedforward(W_ih, W_ho, x):
    """Run one input column x (n_inputs, 1) through the net; return (h, o): (n_hidden, 1), (n_outputs, 1)."""
    h = sigmoid(W_ih @ x)
    o = sigmoid(W_ho @ h)
    return h, o


# --- 01 the error and the cost ---------------------------------------------------------------

def output_error(target, guess):
    """Target minus guess, for numbers or arrays of any (matching) shape."""
    return target - guess


def cost(targets, guesses):
    """Sum of squared errors over every element, as a Python float."""
    return float(np.sum((np.asarray(targets) - np.asarray(guesses)) ** 2))


# --- 02 who is to blame ----------------------------------------------------------------------

def split_error(weights, error):
    """Share one output's error among its sources: weights (n,) -> shares (n,), w_j / sum(w) * error."""
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum() * error


def hidden_errors_proportional(W_ho, output_errors):
    """e_h[j] = sum_i W_ho[i, j] / sum_k W_ho[i, k] * e_o[i]; W_ho (n_out, n_hid), e_o (n_out, 1) -> (n_hid, 1)."""
    shares = W_ho / W_ho.sum(axis=1, keepdims=True)
    return shares.T @ output_errors


def blame_parts(W_ho, output_errors, proportional=True):
    """parts[i, j] = hidden node j's part of output i's error, shape (n_outputs, n_hidden); columns sum to e_h."""
    W = np.asarray(W_ho, dtype=float)
    e = np.asarray(output_errors, dtype=float).reshape(-1, 1)
    shares = W / W.sum(axis=1, keepdims=True) if proportional else W
    return shares * e


# --- 03 hidden errors as a matrix ------------------------------------------------------------

def hidden_errors(W_ho, output_errors):
    """Send the output errors back through the transposed weights: W_ho.T @ e_o, shape (n_hidden, 1)."""
    return W_ho.T @ output_errors


def backpropagate_errors(weights, output_errors):
    """weights [W_1, ..., W_L] (W_l maps layer l-1 to l); return errors [e_1, ..., e_L], e_L = output_errors."""
    errors = [output_errors]
    for W in reversed(weights[1:]):
        errors.insert(0, W.T @ errors[0])
    return errors


# --- 04 nudging a weight ---------------------------------------------------------------------

def nudge_line(m, b, x, target, lr):
    """One gradient-descent step for the line y = m*x + b on one point; return the new (m, b)."""
    error = target - (m * x + b)
    return m + lr * error * x, b + lr * error


def descent_path(w, x, target, lr, steps):
    """Weights visited by `steps` nudges w += lr * (target - w*x) * x on one point: a list of steps + 1 numbers."""
    path = [float(w)]
    for _ in range(steps):
        w = w + lr * (target - w * x) * x
        path.append(float(w))
    return path


def sigmoid_slope_from_output(y):
    """Slope of the sigmoid where its output is y (already squashed): y * (1 - y)."""
    return y * (1 - y)


def one_input_cost(w, x, target):
    """Cost (target - sigmoid(w x))**2 of one sigmoid node with one input x, for a weight w (any shape)."""
    return (target - sigmoid(np.asarray(w) * x)) ** 2


def one_input_cost_slope(w, x, target):
    """The chain rule's dC/dw for that node: -2 (t - o) * o (1 - o) * x."""
    o = sigmoid(w * x)
    return -2 * (target - o) * sigmoid_slope_from_output(o) * x


# --- 05 the delta-weight formula -------------------------------------------------------------

def layer_gradient(errors, outputs, lr):
    """lr * e * o * (1 - o), element-wise: how hard to push each node of a layer, shape (n, 1)."""
    return lr * errors * outputs * (1 - outputs)


def delta_weights(errors, outputs, inputs, lr):
    """Weight change for the layer that produced outputs (n, 1) from inputs (m, 1): shape (n, m)."""
    return layer_gradient(errors, outputs, lr) @ inputs.T


# --- 06 checking our work --------------------------------------------------------------------

def numerical_gradient(f, W, eps=1e-5):
    """Slope of the scalar f(W) for every entry of W by central differences; W is left as it was."""
    W = np.asarray(W, dtype=float)
    grad = np.zeros_like(W)
    wiggled = W.copy()
    for index in np.ndindex(W.shape):
        wiggled[index] = W[index] + eps
        up = f(wiggled)
        wiggled[index] = W[index] - eps
        down = f(wiggled)
        wiggled[index] = W[index]
        grad[index] = (up - down) / (2 * eps)
    return grad


def exact_hidden_errors(W_ho, output_errors, outputs):
    """The chain rule's hidden errors: W_ho.T @ (e_o * o * (1 - o)), shape (n_hidden, 1)."""
    return W_ho.T @ (output_errors * outputs * (1 - outputs))


def exact_backpropagate_errors(weights, outputs, output_errors):
    """The chain rule's errors of every layer: weights [W_1, ..., W_L], outputs [o_1, ..., o_L] (sigmoid outputs).

    Returns [e_1, ..., e_L], e_L = output_errors and e_l = W_{l+1}.T @ (e_{l+1} * o_{l+1} * (1 - o_{l+1})),
    each (n_l, 1); delta_weights(e_l, o_l, o_{l-1}, lr) (o_0 = x) is then the exact step of every layer.
    """
    errors = [output_errors]
    for W, o in zip(reversed(weights[1:]), reversed(outputs[1:])):
        errors.insert(0, exact_hidden_errors(W, errors[0], o))
    return errors


def relative_error(a, b):
    """|a - b| / (|a| + |b|) element-wise: 0 when equal, 1 when opposite signs or one is 0 (0 where both are 0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    total = np.abs(a) + np.abs(b)
    return np.divide(np.abs(a - b), total, out=np.zeros_like(total), where=total > 0)


def difference_errors(f, w, slope, eps_values):
    """Relative errors of the forward and central difference slopes of scalar f at w, against slope: two arrays."""
    eps = np.asarray(eps_values, dtype=float)
    forward = np.array([(f(w + e) - f(w)) / e for e in eps])
    central = np.array([(f(w + e) - f(w - e)) / (2 * e) for e in eps])
    return relative_error(forward, slope), relative_error(central, slope)


def half_cost_slopes(W_ih, W_ho, x, t):
    """Slopes of C/2, minus lesson 05's delta weights at lr = 1: {rule: {"W_ih": ..., "W_ho": ...}}, shaped like W.

    Rule "story" sends the hidden errors back as W_ho.T @ e_o, rule "exact" by the chain rule.
    """
    h, o = feedforward(W_ih, W_ho, x)
    e_o = output_error(t, o)
    slope_ho = -delta_weights(e_o, o, h, 1.0)
    return {"story": {"W_ih": -delta_weights(hidden_errors(W_ho, e_o), h, x, 1.0), "W_ho": slope_ho},
            "exact": {"W_ih": -delta_weights(exact_hidden_errors(W_ho, e_o, o), h, x, 1.0), "W_ho": slope_ho}}


# --- 07 bias, and one full training step -----------------------------------------------------

NOT_INPUTS, NOT_TARGETS = (0.0, 1.0), (1.0, 0.0)  # the stuck-node task: input 0 -> answer 1, input 1 -> answer 0


def node_cost(w, b=0.0):
    """Cost of one sigmoid node o = sigmoid(w x + b) on the stuck-node task: sum over both inputs of (t - o)^2."""
    return float(sum((t - sigmoid(w * x + b)) ** 2 for x, t in zip(NOT_INPUTS, NOT_TARGETS)))


def delta_bias(errors, outputs, lr):
    """Bias change of a layer: the delta-weight formula with an input that is always 1, shape (n, 1)."""
    return lr * errors * outputs * (1 - outputs)


def train_step(params, x, target, lr):
    """One step of the exact rule on one example; params {W_ih, b_h, W_ho, b_o} -> a new dict.

    Every error comes from the old weights before any weight changes; params is not touched.
    """
    W_ih, b_h, W_ho, b_o = params["W_ih"], params["b_h"], params["W_ho"], params["b_o"]
    h = sigmoid(W_ih @ x + b_h)
    o = sigmoid(W_ho @ h + b_o)
    e_o = target - o
    e_h = exact_hidden_errors(W_ho, e_o, o)
    return {"W_ih": W_ih + delta_weights(e_h, h, x, lr), "b_h": b_h + delta_bias(e_h, h, lr),
            "W_ho": W_ho + delta_weights(e_o, o, h, lr), "b_o": b_o + delta_bias(e_o, o, lr)}


def train_step_batch(params, X, T, lr):
    """One step of the exact rule on a mini-batch: X (n_inputs, B) and T (n_outputs, B), one example per column.

    Every weight and bias moves by lr times the mean over the batch of train_step's change for each
    example (the matrix products add the B examples up; the biases' (n, B) changes are averaged to
    (n, 1) columns). Returns a new dict; params is not touched. A batch of one is train_step.
    """
    W_ih, b_h, W_ho, b_o = params["W_ih"], params["b_h"], params["W_ho"], params["b_o"]
    rate = lr / X.shape[1]                          # the mean: the sum over the B columns, divided by B
    H = sigmoid(W_ih @ X + b_h)                     # (n_hidden, B)
    O = sigmoid(W_ho @ H + b_o)                     # (n_outputs, B)
    E_o = T - O
    E_h = exact_hidden_errors(W_ho, E_o, O)         # W_ho.T @ (...), one column of hidden errors per example
    return {"W_ih": W_ih + delta_weights(E_h, H, X, rate),
            "b_h": b_h + delta_bias(E_h, H, rate).sum(axis=1, keepdims=True),
            "W_ho": W_ho + delta_weights(E_o, O, H, rate),
            "b_o": b_o + delta_bias(E_o, O, rate).sum(axis=1, keepdims=True)}


def training_run(step, params, x, target, lr, steps):
    """Call step(params, x, target, lr) `steps` times on one example; return (costs, outputs, final params).

    costs[k] and outputs[k] (a flat array) are the network's before step k + 1; the last entries are after the last step.
    """
    outputs = [predict(params, x).ravel()]
    for _ in range(steps):
        params = step(params, x, target, lr)
        outputs.append(predict(params, x).ravel())
    costs = [cost(target.ravel(), o) for o in outputs]
    return costs, np.array(outputs), params


# --- 08 XOR: training and predicting ---------------------------------------------------------

def predict(params, x):
    """The network's output column for one input column x (n_inputs, 1) -> (n_outputs, 1)."""
    h = sigmoid(params["W_ih"] @ x + params["b_h"])
    return sigmoid(params["W_ho"] @ h + params["b_o"])


def train(params, inputs, targets, lr, epochs, seed=0):
    """Train by train_step on every row of inputs (n, n_in) / targets (n, n_out), epochs times.

    One generator for the whole run; each epoch visits rng.permutation(n). Returns (params, losses),
    losses[k] the mean over epoch k of each example's cost just before its update.
    """
    rng = np.random.default_rng(seed)

    def step(params, x, t):
        before = cost(t, predict(params, x))
        return train_step(params, x, t, lr), before
    return run_epochs(params, inputs, targets, epochs, step, rng.permutation)


def mean_cost(costs, params):
    """An epoch's loss: the mean of its examples' costs, a Python float (params unused)."""
    return float(np.mean(costs))


def run_epochs(params, inputs, targets, epochs, step, order, loss=mean_cost, every=None, on_epoch=None):
    """The training loop: each epoch visits the rows order(n) of inputs (n, n_in) / targets (n, n_out) as columns.

    step(params, x, t) returns (new params, that example's cost); an epoch's loss is loss(costs, params),
    params as they are after the epoch. on_epoch(epoch, params, losses) is called after every `every`
    epochs (and after the last); when it returns False training stops early. Returns (params, losses).
    """
    losses = []
    for epoch in range(epochs):
        costs = []
        for i in order(len(inputs)):
            params, example_cost = step(params, inputs[i].reshape(-1, 1), targets[i].reshape(-1, 1))
            costs.append(example_cost)
        losses.append(loss(costs, params))
        last = epoch == epochs - 1
        if on_epoch is not None and (last or (every and (epoch + 1) % every == 0)):
            if on_epoch(epoch, params, losses) is False:
                break
    return params, losses


# --- 09 other activation functions -----------------------------------------------------------

def tanh_slope_from_output(y):
    """Slope of tanh where its output is y (already squashed): 1 - y**2."""
    return 1 - y ** 2


def relu(z):
    """The rectifier max(0, z), element-wise; any shape in, same shape out."""
    return np.maximum(0, z)


def relu_slope(z):
    """Slope of the rectifier at its input z: 1 where z > 0, else 0 (0 at z = 0), as floats."""
    return (np.asarray(z) > 0).astype(float)


# --- 10 capstone: handwritten digits ---------------------------------------------------------

def one_hot(label, n_classes):
    """A column (n_classes, 1) of 0.0 with 1.0 at row `label`: the target for that digit."""
    column = np.zeros((n_classes, 1))
    column[label, 0] = 1.0
    return column


def accuracy(params, images, labels):
    """Fraction of images (n, n_pixels) whose largest output is at their label (n,), a Python float."""
    outputs = predict(params, np.asarray(images, dtype=float).T)
    return float(np.mean(np.argmax(outputs, axis=0) == np.asarray(labels)))


# --- 11 a tiny autograd ----------------------------------------------------------------------
# Written in backprop/autograd.py beside the course's Value; here so that every graded function has its reference.
from .autograd import add_backward, backward, mul_backward, sigmoid_backward, topological_order  # noqa: E402,F401
