"""Reference math for every graded function, written to read like the course's notation.

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


def sigmoid_slope_from_output(y):
    """Slope of the sigmoid where its output is y (already squashed): y * (1 - y)."""
    return y * (1 - y)


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


# --- 07 bias, and one full training step -----------------------------------------------------

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
    losses = []
    for _ in range(epochs):
        costs = []
        for i in rng.permutation(len(inputs)):
            x, t = inputs[i].reshape(-1, 1), targets[i].reshape(-1, 1)
            costs.append(cost(t, predict(params, x)))
            params = train_step(params, x, t, lr)
        losses.append(float(np.mean(costs)))
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
