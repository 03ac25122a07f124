"""Lessons 00-01: the sigmoid, the feed-forward pass, the output error and the cost."""
import numpy as np

from .base import Mistake, ref, sig


MISTAKES = {
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
                lambda W_ih, W_ho, x: (W_ih @ x, sig(W_ho @ (W_ih @ x)))),
        Mistake("no sigmoid on output", "the output is not squashed: o should be sigmoid(W_ho @ h)",
                lambda W_ih, W_ho, x: (sig(W_ih @ x), W_ho @ sig(W_ih @ x))),
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
}
