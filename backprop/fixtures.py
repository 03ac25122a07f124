"""Scalar functions of a weight matrix for gradient checks, with their exact slopes.

Hidden tests pass these (never lambdas) to `numerical_gradient`, so the grader can name them to the
process that runs a student's code outside the notebook. Each is curved enough that forward
differences miss the slope by far more than a central difference does.
"""
import numpy as np


def wavy(W):
    """sum(sin(3 W) * W**2): a bumpy landscape, a Python float."""
    return float(np.sum(np.sin(3 * W) * W ** 2))


def wavy_slope(W):
    """The exact slope of wavy, entry by entry: 3 cos(3 W) W**2 + 2 W sin(3 W)."""
    return 3 * np.cos(3 * W) * W ** 2 + 2 * W * np.sin(3 * W)


def coupled(W):
    """sum(W**3) + (sum of W)**2: entries that also depend on each other, a Python float."""
    return float(np.sum(W ** 3) + np.sum(W) ** 2)


def coupled_slope(W):
    """The exact slope of coupled: 3 W**2 + 2 sum(W)."""
    return 3 * W ** 2 + 2 * np.sum(W)


def exponential(W):
    """sum(exp(W) * row index + 1): steeply curved, different per row, a Python float."""
    rows = np.arange(W.shape[0]).reshape(-1, *([1] * (W.ndim - 1))) + 1.0
    return float(np.sum(np.exp(W) * rows))


def exponential_slope(W):
    """The exact slope of exponential."""
    rows = np.arange(W.shape[0]).reshape(-1, *([1] * (W.ndim - 1))) + 1.0
    return np.exp(W) * rows
