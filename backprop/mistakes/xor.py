"""Lesson 08: predicting with a trained network and the training loop (visiting order, loss, shapes)."""
import random

import numpy as np

from .base import Mistake, ref, sig


MISTAKES = {
    "predict": [
        Mistake("1-D output", "you returned a 1-D array: predict returns the output column, shape (n_outputs, 1) "
                "(keep x and every layer as columns)",
                lambda p, x: ref.predict(p, x).ravel()),
        Mistake("(h, o)", "you returned (h, o), like feedforward: predict returns only the output column o",
                lambda p, x: (sig(p["W_ih"] @ x + p["b_h"]), ref.predict(p, x))),
        Mistake("no biases", "you ignored the biases: add b_h to the hidden sum and b_o to the output sum",
                lambda p, x: sig(p["W_ho"] @ sig(p["W_ih"] @ x))),
        Mistake("no hidden bias", "you forgot the hidden bias: h = sigmoid(W_ih @ x + b_h)",
                lambda p, x: sig(p["W_ho"] @ sig(p["W_ih"] @ x) + p["b_o"])),
        Mistake("no output bias", "you forgot the output bias: o = sigmoid(W_ho @ h + b_o)",
                lambda p, x: sig(p["W_ho"] @ sig(p["W_ih"] @ x + p["b_h"]))),
        Mistake("no sigmoid on output", "the output is not squashed: o = sigmoid(W_ho @ h + b_o)",
                lambda p, x: p["W_ho"] @ sig(p["W_ih"] @ x + p["b_h"]) + p["b_o"]),
        Mistake("no sigmoid on hidden", "the hidden layer is not squashed: h = sigmoid(W_ih @ x + b_h)",
                lambda p, x: sig(p["W_ho"] @ (p["W_ih"] @ x + p["b_h"]) + p["b_o"])),
    ],
    "train": [
        Mistake("new generator per epoch", "you made a new generator every epoch (default_rng(seed) inside the "
                "loop), so every epoch visits the rows in the same order: make rng once, before the epochs",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, order="same every epoch")),
        Mistake("Python's random", "you shuffled with Python's random module: use the one numpy generator, "
                "rng = np.random.default_rng(seed), and rng.permutation(n_samples) each epoch",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, order="python random")),
        Mistake("no shuffling", "you visited the rows in order 0, 1, ..., n-1: each epoch should visit them "
                "in the order rng.permutation(n_samples)",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, order="in order")),
        Mistake("loss after the step", "you measured each example's cost after its step: measure it just "
                "before train_step, with the weights that made the guess",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, measure="after step")),
        Mistake("loss at the end of the epoch", "you measured the loss on all rows after the epoch: "
                "losses[k] is the mean of each example's cost just before its own step",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, measure="end of epoch")),
        Mistake("sum instead of mean", "your losses are the sum of the epoch's costs: take their mean "
                "(divide by the number of examples)",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, reduce=np.sum)),
        Mistake("last example only", "your losses hold only the last example's cost of each epoch: "
                "take the mean over all of the epoch's examples",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, reduce=lambda c: c[-1])),
        Mistake("1-D target", "your target is targets[i] as it stands, a 1-D array of shape (n_outputs,): make it a "
                "column like x, targets[i].reshape(-1, 1). With one output numpy hides the slip; with two, "
                "t - o broadcasts into a matrix and the step's shapes no longer fit",
                lambda p, X, T, lr, epochs, seed=0: _train(p, X, T, lr, epochs, seed, target="1-D")),
    ],
}


def _train(params, inputs, targets, lr, epochs, seed=0, order="one generator", measure="before step", reduce=np.mean,
           target="column"):
    """reference.train (its loop, run_epochs) with one slip (lesson 08): another visiting order, loss, reduction or target."""
    rng, python_rng = np.random.default_rng(seed), random.Random(seed)

    def visit(n):
        if order == "one generator":
            return rng.permutation(n)
        if order == "same every epoch":
            return np.random.default_rng(seed).permutation(n)
        if order == "python random":
            rows = list(range(n))
            python_rng.shuffle(rows)
            return rows
        return range(n)

    def step(params, x, t):
        t = t.ravel() if target == "1-D" else t
        before = ref.cost(t, ref.predict(params, x))
        params = ref.train_step(params, x, t, lr)
        return params, ref.cost(t, ref.predict(params, x)) if measure == "after step" else before

    def loss(costs, params):
        if measure == "end of epoch":
            costs = [ref.cost(targets[i].reshape(-1, 1), ref.predict(params, inputs[i].reshape(-1, 1)))
                     for i in range(len(inputs))]
        return float(reduce(costs))

    return ref.run_epochs(params, inputs, targets, epochs, step, visit, loss)
