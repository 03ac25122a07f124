"""Bent scalar functions of a weight matrix, for gradient checks (lesson 06's hidden tests).

They live in the package, not in a test cell, so that the out-of-kernel grader can send
`functools.partial(curve, *plain_data)` to a walled child by name (grader/autograde/out_of_kernel.py `encode`).
Each is strongly curved, so forward and central differences disagree far beyond 1e-7.
"""
import numpy as np


def exp_sum(K, W):
    """sum(exp(K * W)) as a float; K and W of one shape. Its slope is K * exp(K * W)."""
    return float(np.sum(np.exp(K * W)))


def tangled(A, W):
    """sum(exp(A * W)) + W[0, 1] * W[1, 3]**2 - sin(W[1, 0] * W[0, 4]): entries that interact; W (2, 5) or larger."""
    return float(np.sum(np.exp(A * W)) + W[0, 1] * W[1, 3] ** 2 - np.sin(W[1, 0] * W[0, 4]))


def weighted_exp(k, weights, W):
    """sum(weights * exp(k * W)) as a float, for a column W and a column of weights."""
    return float(np.sum(np.asarray(weights) * np.exp(k * W)))
