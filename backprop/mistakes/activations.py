"""Lesson 09: tanh's slope, ReLU and ReLU's slope."""
import numpy as np

from .base import Mistake


MISTAKES = {
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
}
