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
