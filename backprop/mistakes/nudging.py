"""Lessons 04-05: nudging a line, the sigmoid's slope, one layer's gradient and its weight change."""
from .base import Mistake, ref, sig


MISTAKES = {
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
                lambda y: sig(y) * (1 - sig(y))),
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
                lambda e, o, lr: lr * e * sig(o) * (1 - sig(o))),
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
                lambda e, o, x, lr: (lr * e * sig(o) * (1 - sig(o))) @ x.T),
    ],
}


def _nudge_sequential(m, b, x, target, lr):
    """The classic slip: update m, then recompute the error with the new m for b."""
    m_new = m + lr * (target - (m * x + b)) * x
    return m_new, b + lr * (target - (m_new * x + b))
