"""Known-wrong versions of the graded functions, each with the sentence that names the mistake.

A check that finds a student's answer equal to one of these on its fixtures says that sentence
instead of a bare "wrong". The lists are ordered: the first matching mistake is the one named.
"""
import random
import types
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import reference


def own_copy(fn):
    """A copy of a course function that checks.reference_forbidden does not reach."""
    copy_ = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    copy_.__kwdefaults__, copy_.__doc__ = fn.__kwdefaults__, fn.__doc__
    return copy_


# The mistakes build on copies of the reference: a known-wrong answer standing in for a student's must
# not be refused as "calls the course's own function" before it is recognised.
ref = types.SimpleNamespace(**{name: own_copy(fn) for name, fn in vars(reference).items()
                               if isinstance(fn, types.FunctionType)})


@dataclass(frozen=True)
class Mistake:
    """One recognisable wrong answer: a short label, what to tell the student, how it computes."""
    label: str
    message: str
    compute: Callable


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _train_step_slip(params, x, target, lr, rule="exact", new_W_ho_for_e_h=False, hidden_slope=True,
                     bias_step="delta_bias", forward_bias=True, sign=1, changes_only=False):
    """train_step with one slip switched on (lesson 07); every variant returns a dict like the real one."""
    W_ih, b_h, W_ho, b_o = params["W_ih"], params["b_h"], params["W_ho"], params["b_o"]
    h = _sig(W_ih @ x + (b_h if forward_bias else 0))
    o = _sig(W_ho @ h + (b_o if forward_bias else 0))
    e_o = target - o
    dW_ho = ref.delta_weights(e_o, o, h, lr)
    W_for_e_h = W_ho + dW_ho if new_W_ho_for_e_h else W_ho
    if rule == "story":
        e_h = W_for_e_h.T @ e_o
    elif rule == "hidden slope":
        e_h = (W_for_e_h.T @ e_o) * h * (1 - h)
    else:
        e_h = W_for_e_h.T @ (e_o * o * (1 - o))
    dW_ih = ref.delta_weights(e_h, h, x, lr) if hidden_slope else (lr * e_h) @ x.T
    if bias_step == "none":
        db_h, db_o = np.zeros_like(b_h), np.zeros_like(b_o)
    elif bias_step == "inputs summed":
        db_h, db_o = dW_ih.sum(axis=1, keepdims=True), dW_ho.sum(axis=1, keepdims=True)
    elif bias_step == "weight step":
        db_h, db_o = dW_ih, dW_ho
    else:
        db_h, db_o = ref.delta_bias(e_h, h, lr), ref.delta_bias(e_o, o, lr)
    changes = {"W_ih": dW_ih, "b_h": db_h, "W_ho": dW_ho, "b_o": db_o}
    if changes_only:
        return changes
    return {key: params[key] + sign * changes[key] for key in ("W_ih", "b_h", "W_ho", "b_o")}


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
        Mistake("the weights themselves", "you returned the weights themselves: each share is w_j / sum(w) * error, "
                "which equals w_j only when the error happens to equal the sum of the weights",
                lambda w, e: np.asarray(w, dtype=float).copy()),
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
    # --- lesson 06 ---
    "numerical_gradient": [
        Mistake("forward differences", "you used forward differences, (f(W + eps) - f(W)) / eps: wiggle each weight both "
                "ways and divide by the distance between the wiggles, (f(W + eps) - f(W - eps)) / (2 * eps)",
                lambda f, W, eps=1e-5: np.array([(f(W + eps * E) - f(W)) / eps for E in
                                                 np.eye(W.size).reshape((W.size,) + W.shape)]).reshape(W.shape)),
        Mistake("backward differences", "you used backward differences, (f(W) - f(W - eps)) / eps: wiggle each weight both "
                "ways and divide by the distance between the wiggles, (f(W + eps) - f(W - eps)) / (2 * eps)",
                lambda f, W, eps=1e-5: np.array([(f(W) - f(W - eps * E)) / eps for E in
                                                 np.eye(W.size).reshape((W.size,) + W.shape)]).reshape(W.shape)),
        Mistake("divided by eps", "your slopes are twice too big: W + eps and W - eps are 2 * eps apart, so divide by 2 * eps, not eps",
                lambda f, W, eps=1e-5: 2 * ref.numerical_gradient(f, W, eps)),
        Mistake("/ 2 * eps", "you wrote / 2 * eps, which multiplies by eps: put the denominator in brackets, / (2 * eps)",
                lambda f, W, eps=1e-5: ref.numerical_gradient(f, W, eps) * eps * eps),
        Mistake("ignores eps", "you ignored the eps you were given: wiggle each weight by the function's argument eps, "
                "not by a fixed 1e-5",
                lambda f, W, eps=1e-5: ref.numerical_gradient(f, W)),
        Mistake("every weight at once", "you wiggled every weight at once and got one number: wiggle one entry at a time "
                "and return one slope per entry, an array shaped like W",
                lambda f, W, eps=1e-5: (f(W + eps) - f(W - eps)) / (2 * eps)),
        Mistake("flat", "you returned the slopes as one flat row of numbers: give them W's shape "
                "(for example grad = np.zeros_like(W), then grad[i, j] = ...)",
                lambda f, W, eps=1e-5: ref.numerical_gradient(f, W, eps).ravel()),
        Mistake("never put back", "you never put a wiggled entry back: every later slope was measured with the "
                "earlier entries still moved by -eps (it only shows when the weights interact, as in a network); "
                "set each entry back to its old value before wiggling the next",
                lambda f, W, eps=1e-5: _never_put_back(f, W, eps)),
    ],
    "exact_hidden_errors": [
        Mistake("story's rule", "you used the story's rule W_ho.T @ e_o (lesson 03): it lacks each output's slope "
                "o * (1 - o); the chain rule sends back W_ho.T @ (e_o * o * (1 - o))",
                lambda W, e, o: W.T @ e),
        Mistake("no transpose", "you multiplied by W_ho without transposing: the error travels backwards, "
                "through W_ho.T, so W_ho.T @ (e_o * o * (1 - o))",
                lambda W, e, o: W @ (e * o * (1 - o))),
        Mistake("slope after the transpose", "you multiplied by the slope after sending the error back, (W_ho.T @ e_o) * o * (1 - o) "
                "(@ and * go left to right): each output's slope belongs inside the brackets, W_ho.T @ (e_o * o * (1 - o))",
                lambda W, e, o: W.T @ e * o * (1 - o)),
        Mistake("sigmoid again", "you applied the sigmoid again to outputs that are already squashed: the slope is o * (1 - o)",
                lambda W, e, o: W.T @ (e * _sig(o) * (1 - _sig(o)))),
        Mistake("no output errors", "you forgot the output errors: send back W_ho.T @ (e_o * o * (1 - o)), the slopes times the errors",
                lambda W, e, o: W.T @ (o * (1 - o))),
    ],
    "exact_backpropagate_errors": [
        Mistake("story's rule", "you sent the errors back by the story's rule e_l = W_{l+1}.T @ e_{l+1} (lesson 03): "
                "every step back lacks a slope; the chain rule first gives e_{l+1} the slope of layer l+1, "
                "W_{l+1}.T @ (e_{l+1} * o_{l+1} * (1 - o_{l+1}))",
                lambda Ws, outs, e: ref.backpropagate_errors(Ws, e)),
        Mistake("slope only at the outputs", "only the first step back (from the outputs) has a slope: every step "
                "back does, e_l = W_{l+1}.T @ (e_{l+1} * o_{l+1} * (1 - o_{l+1})) for every layer l",
                lambda Ws, outs, e: _slope_only_at_outputs(Ws, outs, e)),
        Mistake("own layer's slope", "each step back used the slope of the layer being computed, "
                "(W_{l+1}.T @ e_{l+1}) * o_l * (1 - o_l): the slope belongs to the layer the error comes from, "
                "W_{l+1}.T @ (e_{l+1} * o_{l+1} * (1 - o_{l+1})) (delta_weights adds layer l's own slope later)",
                lambda Ws, outs, e: _deep_walk(Ws, outs, e, lambda W, e1, o1, o: (W.T @ e1) * o * (1 - o))),
        Mistake("outputs one layer off", "the outputs inside the brackets are one layer too early: e_{l+1} travels "
                "back with the slope of its own layer, o_{l+1} (mind Python's counting: outputs[0] is o_1)",
                lambda Ws, outs, e: _deep_walk(Ws, outs, e, lambda W, e1, o1, o: W.T @ (e1 * o * (1 - o)))),
        Mistake("W @", "you used W @ somewhere: the error goes backwards, through the transpose, "
                "W_{l+1}.T @ (e_{l+1} * o_{l+1} * (1 - o_{l+1}))",
                lambda Ws, outs, e: _deep_walk(Ws, outs, e, lambda W, e1, o1, o: W @ (e1 * o1 * (1 - o1)))),
        Mistake("sigmoid again", "you applied the sigmoid again to outputs that are already squashed: "
                "the slope of layer l+1 is o_{l+1} * (1 - o_{l+1})",
                lambda Ws, outs, e: _deep_walk(Ws, outs, e,
                                               lambda W, e1, o1, o: W.T @ (e1 * _sig(o1) * (1 - _sig(o1))))),
        Mistake("reversed list", "your list runs from the output back: return [e_1, ..., e_L], first hidden layer "
                "first and the output errors last",
                lambda Ws, outs, e: ref.exact_backpropagate_errors(Ws, outs, e)[::-1]),
        Mistake("error for the inputs", "you also sent the error back through W_1: e_1 belongs to the first hidden "
                "layer, the inputs have no error",
                lambda Ws, outs, e: _exact_with_input_error(Ws, outs, e)),
    ],


    # --- lesson 07 ---
    "delta_bias": [
        Mistake("no learning rate", "you forgot the learning rate: the bias step is lr * e * o * (1 - o)",
                lambda e, o, lr: e * o * (1 - o)),
        Mistake("no slope", "you forgot the slope factor o * (1 - o): the bias step is lr * e * o * (1 - o)",
                lambda e, o, lr: lr * e),
        Mistake("sigmoid again", "you applied the sigmoid to outputs that are already squashed: use o * (1 - o)",
                lambda e, o, lr: lr * e * _sig(o) * (1 - _sig(o))),
        Mistake("times the outputs", "you multiplied by the outputs as if they were the bias's input: "
                "a bias's input is always 1, so the step is lr * e * o * (1 - o) * 1",
                lambda e, o, lr: ref.layer_gradient(e, o, lr) * o),
        Mistake("@ outputs.T", "you multiplied by outputs.T, which makes an (n, n) matrix: "
                "a bias's input is the number 1, so the step is the column lr * e * o * (1 - o)",
                lambda e, o, lr: ref.layer_gradient(e, o, lr) @ o.T),
        Mistake("summed", "you added the steps into one number: every node has its own bias, "
                "so the answer is a column (n, 1), one step per node",
                lambda e, o, lr: float(np.sum(ref.layer_gradient(e, o, lr)))),
        Mistake("row", "you returned a row (1, n): every node has its own bias, and the biases are a column "
                "(n, 1) like errors and outputs, so their change is a column too",
                lambda e, o, lr: ref.layer_gradient(e, o, lr).T),
        Mistake("one input per node", "you fed the biases a column of n ones, one input per node, which makes "
                "an (n, n) matrix: each bias is one weight with one input, the number 1, so inputs = np.ones((1, 1))",
                lambda e, o, lr: ref.layer_gradient(e, o, lr) @ np.ones_like(o).T),
    ],
    "train_step": [
        Mistake("story's rule", "your hidden errors are the story's W_ho.T @ e_o: lesson 06 found that the gradient "
                "needs the output slope inside, e_h = W_ho.T @ (e_o * o * (1 - o)) (exact_hidden_errors)",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, rule="story")),
        Mistake("W_ho updated first", "you changed W_ho before computing the hidden errors, so e_h came from the new "
                "W_ho: compute every error from the old weights first, then change the weights",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, new_W_ho_for_e_h=True)),
        Mistake("hidden slope in e_h", "your hidden errors use the hidden layer's slope h * (1 - h) where the "
                "output layer's o * (1 - o) belongs: e_h = W_ho.T @ (e_o * o * (1 - o)); h * (1 - h) comes "
                "later, in W_ih's step",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, rule="hidden slope")),
        Mistake("no hidden slope", "W_ih's step left out the hidden layer's own slope h * (1 - h): "
                "dW_ih = delta_weights(e_h, h, x, lr) multiplies by it, even though e_h already holds o * (1 - o)",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, hidden_slope=False)),
        Mistake("biases unchanged", "your biases did not change: b_h and b_o learn too, "
                "by delta_bias (the delta-weight formula with input 1)",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, bias_step="none")),
        Mistake("bias step times the inputs", "your bias steps were multiplied by the layer's inputs and added up "
                "(like dW @ ones): a bias's input is always 1, so its step is delta_bias(e, o, lr)",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, bias_step="inputs summed")),
        Mistake("bias step is the weight step", "your biases came back shaped like the weight matrices "
                "(b + dW broadcasts the column into a matrix): a bias's step is the column delta_bias(e, o, lr)",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, bias_step="weight step")),
        Mistake("no biases forward", "your forward pass left out the biases: "
                "h = sigmoid(W_ih @ x + b_h) and o = sigmoid(W_ho @ h + b_o)",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, forward_bias=False)),
        Mistake("subtracted", "you subtracted the changes: the minus sign of gradient descent is already inside "
                "e = t - o, so add them (W + dW)",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, sign=-1)),
        Mistake("returned the changes", "you returned the changes (dW and db), not the new parameters: "
                "add each change to its old value",
                lambda p, x, t, lr: _train_step_slip(p, x, t, lr, changes_only=True)),
    ],


    # --- lesson 08 ---
    "predict": [
        Mistake("1-D output", "you returned a 1-D array: predict returns the output column, shape (n_outputs, 1) "
                "(keep x and every layer as columns)",
                lambda p, x: ref.predict(p, x).ravel()),
        Mistake("(h, o)", "you returned (h, o), like feedforward: predict returns only the output column o",
                lambda p, x: (_sig(p["W_ih"] @ x + p["b_h"]), ref.predict(p, x))),
        Mistake("no biases", "you ignored the biases: add b_h to the hidden sum and b_o to the output sum",
                lambda p, x: _sig(p["W_ho"] @ _sig(p["W_ih"] @ x))),
        Mistake("no hidden bias", "you forgot the hidden bias: h = sigmoid(W_ih @ x + b_h)",
                lambda p, x: _sig(p["W_ho"] @ _sig(p["W_ih"] @ x) + p["b_o"])),
        Mistake("no output bias", "you forgot the output bias: o = sigmoid(W_ho @ h + b_o)",
                lambda p, x: _sig(p["W_ho"] @ _sig(p["W_ih"] @ x + p["b_h"]))),
        Mistake("no sigmoid on output", "the output is not squashed: o = sigmoid(W_ho @ h + b_o)",
                lambda p, x: p["W_ho"] @ _sig(p["W_ih"] @ x + p["b_h"]) + p["b_o"]),
        Mistake("no sigmoid on hidden", "the hidden layer is not squashed: h = sigmoid(W_ih @ x + b_h)",
                lambda p, x: _sig(p["W_ho"] @ (p["W_ih"] @ x + p["b_h"]) + p["b_o"])),
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

    # --- lesson 09 ---
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


    # --- lesson 10 ---
    "one_hot": [
        Mistake("row", "you returned a row of shape (1, n_classes): a target is a column, shape (n_classes, 1), "
                "like every vector in the course",
                lambda label, n: np.eye(n)[[label]]),
        Mistake("1-D", "you returned a 1-D array of shape (n_classes,): make it a column, shape (n_classes, 1), "
                "e.g. start from np.zeros((n_classes, 1))",
                lambda label, n: np.eye(n)[label]),
        Mistake("off by one", "your 1.0 sits in row label - 1, one row too high: rows count from 0, so digit 0 "
                "is row 0 and the 1.0 goes in row `label` itself",
                lambda label, n: np.eye(n)[:, [label - 1]]),
        Mistake("all ones", "every entry is 1.0: only the label's row is 1.0, every other row is 0.0",
                lambda label, n: np.ones((n, 1))),
    ],
    "accuracy": [
        Mistake("count", "you returned how many images it got right (a count): divide by the number of images "
                "for a fraction between 0 and 1",
                lambda p, X, y: int(round(ref.accuracy(p, X, y) * len(y)))),
        Mistake("error rate", "you returned the share it got wrong (1 - accuracy): count the images whose guess "
                "equals the label",
                lambda p, X, y: 1.0 - ref.accuracy(p, X, y)),
        Mistake("wrong axis", "you took the arg-max along the wrong axis: the outputs have one column per image, "
                "so each image's guess is np.argmax(outputs, axis=0)",
                lambda p, X, y: float(np.mean(
                    np.argmax(ref.predict(p, np.asarray(X, dtype=float).T), axis=1) == np.asarray(y)))),
        Mistake("no arg-max", "you compared the outputs themselves with the labels: outputs are numbers between "
                "0 and 1, never a digit; the guess is the row of the largest output, np.argmax(outputs, axis=0)",
                lambda p, X, y: float(np.mean(ref.predict(p, np.asarray(X, dtype=float).T) == np.asarray(y)))),
        Mistake("array of hits", "you returned one True/False per image: take their mean, and return it as a "
                "Python float (float(...))",
                lambda p, X, y: np.argmax(ref.predict(p, np.asarray(X, dtype=float).T), axis=0) == np.asarray(y)),
        Mistake("images as columns", "you fed the images in without .T: images holds one image per row, the "
                "network takes one image per column, predict(params, images.T)",
                lambda p, X, y: float(np.mean(
                    np.argmax(ref.predict(p, np.asarray(X, dtype=float)), axis=0) == np.asarray(y)))),
    ],
    "train_step_batch": [
        Mistake("summing over the batch instead of the mean", "you added up the batch's changes instead of "
                "averaging them: divide by the batch size B = X.shape[1] (the number of columns), so that the step "
                "is lr times the mean change and does not grow with the batch",
                lambda p, X, T, lr: _train_step_batch_slip(p, X, T, lr, reduce="sum")),
        Mistake("examples as rows instead of columns", "you counted the batch as len(X) = X.shape[0], the number "
                "of rows: the examples are the COLUMNS of X (n_inputs, B), so the batch size is X.shape[1]",
                lambda p, X, T, lr: _train_step_batch_slip(p, X, T, lr, reduce="rows")),
        Mistake("a bias left with one column per example", "your biases came back with one column per example, "
                "shape (n, B): average each bias's changes over the batch, db.mean(axis=1, keepdims=True), "
                "so that b stays an (n, 1) column",
                lambda p, X, T, lr: _train_step_batch_slip(p, X, T, lr, bias="per example")),
        Mistake("a bias left with each example's whole change", "your biases came back with one column per example, "
                "shape (n, B), each with that example's whole change: a bias moves once per batch, by lr times the "
                "mean of its changes, db.mean(axis=1, keepdims=True), and stays an (n, 1) column",
                lambda p, X, T, lr: _train_step_batch_slip(p, X, T, lr, bias="whole change")),
        Mistake("a bias averaged over the nodes", "your bias changes were averaged down each column, over the "
                "nodes (axis=0): the examples are the columns, so average along the rows, .mean(axis=1, keepdims=True)",
                lambda p, X, T, lr: _train_step_batch_slip(p, X, T, lr, bias="axis 0")),
        Mistake("one step per example in turn", "you made one train_step per example, each starting from the "
                "weights the previous one left: a batch step computes every example's change from the same old "
                "weights, then moves once, by lr times their mean",
                lambda p, X, T, lr: _steps_in_turn(p, X, T, lr)),
        Mistake("story's rule", "your hidden errors are the story's W_ho.T @ E_o: the exact rule (lessons 06 and "
                "07) sends back W_ho.T @ (E_o * O * (1 - O)), exact_hidden_errors, for a batch as for one example",
                lambda p, X, T, lr: _train_step_batch_slip(p, X, T, lr, rule="story")),
    ],

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


def _never_put_back(f, W, eps):
    """numerical_gradient on a copy whose wiggled entries stay at W - eps: later slopes come from a moved point."""
    grad, wiggled = np.zeros(np.shape(W)), np.array(W, dtype=float)
    for index in np.ndindex(grad.shape):
        wiggled[index] = W[index] + eps
        up = f(wiggled)
        wiggled[index] = W[index] - eps
        grad[index] = (up - f(wiggled)) / (2 * eps)
    return grad


def _deep_walk(weights, outputs, output_errors, step):
    """Like exact_backpropagate_errors, with a custom step(W_{l+1}, e_{l+1}, o_{l+1}, o_l) -> e_l."""
    errors = [output_errors]
    for l in range(len(weights) - 2, -1, -1):
        errors.insert(0, step(weights[l + 1], errors[0], outputs[l + 1], outputs[l]))
    return errors


def _slope_only_at_outputs(weights, outputs, output_errors):
    """The chain rule's step from the outputs to the last hidden layer, the story's rule further back."""
    if len(weights) < 2:
        return [output_errors]
    last_hidden = ref.exact_hidden_errors(weights[-1], output_errors, outputs[-1])
    return ref.backpropagate_errors(weights[:-1], last_hidden) + [output_errors]


def _exact_with_input_error(weights, outputs, output_errors):
    """One step too many: an 'error' for the input layer in front of the chain rule's list."""
    errors = ref.exact_backpropagate_errors(weights, outputs, output_errors)
    return [weights[0].T @ (errors[0] * outputs[0] * (1 - outputs[0]))] + errors


def _nudge_sequential(m, b, x, target, lr):
    """The classic slip: update m, then recompute the error with the new m for b."""
    m_new = m + lr * (target - (m * x + b)) * x
    return m_new, b + lr * (target - (m_new * x + b))


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


def _train_step_batch_slip(params, X, T, lr, reduce="mean", bias="mean", rule="exact"):
    """train_step_batch (lesson 10) with one slip: another reduction over the batch, bias shape or hidden error."""
    W_ih, b_h, W_ho, b_o = params["W_ih"], params["b_h"], params["W_ho"], params["b_o"]
    rate = {"mean": lr / X.shape[1], "sum": lr, "rows": lr / X.shape[0]}[reduce]
    H = _sig(W_ih @ X + b_h)
    O = _sig(W_ho @ H + b_o)
    E_o = T - O
    E_h = W_ho.T @ E_o if rule == "story" else ref.exact_hidden_errors(W_ho, E_o, O)
    steps = {"b_h": ref.delta_bias(E_h, H, rate), "b_o": ref.delta_bias(E_o, O, rate)}
    if bias == "mean":
        steps = {k: v.sum(axis=1, keepdims=True) for k, v in steps.items()}
    elif bias == "whole change":
        steps = {k: v * X.shape[1] for k, v in steps.items()}
    elif bias == "axis 0":
        steps = {k: v.sum(axis=0, keepdims=True) * X.shape[1] / len(v) for k, v in steps.items()}
    return {"W_ih": W_ih + ref.delta_weights(E_h, H, X, rate), "b_h": b_h + steps["b_h"],
            "W_ho": W_ho + ref.delta_weights(E_o, O, H, rate), "b_o": b_o + steps["b_o"]}


def _steps_in_turn(params, X, T, lr):
    """Lesson 07's train_step once per column of X (n_inputs, B) / T, each from the previous step's weights."""
    for i in range(X.shape[1]):
        params = ref.train_step(params, X[:, [i]], T[:, [i]], lr)
    return params


def for_function(name):
    """The known mistakes for one graded function (empty when none are catalogued)."""
    return CATALOG.get(name, [])


# --- lesson 11: a tiny autograd (each wrong answer acts on the graph, as the student's would) ---

def _add_assigned(node):
    for parent in node.parents:
        parent.grad = node.grad


def _add_no_upstream(node):
    for parent in node.parents:
        parent.grad += 1.0


def _add_first_parent_only(node):
    node.parents[0].grad += node.grad


def _mul_assigned(node):
    a, b = node.parents
    a.grad = node.grad * b.data
    b.grad = node.grad * a.data


def _mul_own_factor(node):
    a, b = node.parents
    a.grad += node.grad * a.data
    b.grad += node.grad * b.data


def _mul_no_upstream(node):
    a, b = node.parents
    a.grad += b.data
    b.grad += a.data


def _mul_like_add(node):
    for parent in node.parents:
        parent.grad += node.grad


def _sigmoid_slope_of(slope, assign=False, upstream=True):
    def rule(node):
        (a,) = node.parents
        step = (node.grad if upstream else 1.0) * slope(node, a)
        a.grad = step if assign else a.grad + step
    return rule


def _order_without_seen(root):
    order = []

    def visit(node):
        for parent in node.parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order


def _order_node_first(root):
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        order.append(node)
        for parent in node.parents:
            visit(parent)
    visit(root)
    return order


def _order_without_leaves(root):
    return [node for node in ref.topological_order(root) if node.parents]


def _backward_forwards(root, rules):
    root.grad = 1.0
    for node in ref.topological_order(root):
        if node.parents:
            rules[node.op](node)


def _backward_recursive(root, rules):
    root.grad = 1.0

    def visit(node):
        if node.parents:
            rules[node.op](node)
            for parent in node.parents:
                visit(parent)
    visit(root)


def _backward_no_seed(root, rules):
    for node in reversed(ref.topological_order(root)):
        if node.parents:
            rules[node.op](node)


def _backward_leaves_too(root, rules):
    root.grad = 1.0
    for node in reversed(ref.topological_order(root)):
        rules[node.op](node)


ASSIGNED = ("you set the parents' grad with = instead of adding to it with +=: a value used twice (a + a, a * a, "
            "a weight on two paths) must collect every contribution, and what it already holds from other paths "
            "must stay")
CATALOG.update({
    "add_backward": [
        Mistake("= instead of +=", ASSIGNED, _add_assigned),
        Mistake("no upstream gradient", "you added the local slope 1 alone: multiply it by node.grad, the gradient "
                "arriving from above (the chain rule), parent.grad += node.grad * 1", _add_no_upstream),
        Mistake("first parent only", "only the first parent got its share: both parents of a + b get node.grad "
                "(loop over node.parents)", _add_first_parent_only),
    ],
    "mul_backward": [
        Mistake("slope from the node's own parent", "each parent's slope came from its own .data: in a * b the "
                "local slope for a is the OTHER factor, b.data (and for b it is a.data)", _mul_own_factor),
        Mistake("no upstream gradient", "you added the other factor alone: multiply it by node.grad, the gradient "
                "arriving from above, a.grad += node.grad * b.data", _mul_no_upstream),
        Mistake("slope 1, as for +", "you passed node.grad on unchanged, as + does: for a * b the local slope for a "
                "is b.data, so a.grad += node.grad * b.data", _mul_like_add),
        Mistake("= instead of +=", ASSIGNED, _mul_assigned),
    ],
    "sigmoid_backward": [
        Mistake("slope from the input", "you took the slope from the input, a.data * (1 - a.data): y * (1 - y) "
                "needs the sigmoid's OUTPUT, node.data * (1 - node.data)",
                _sigmoid_slope_of(lambda node, a: a.data * (1 - a.data))),
        Mistake("sigmoid again", "you applied the sigmoid to node.data, which is already a sigmoid output: "
                "the slope is node.data * (1 - node.data)",
                _sigmoid_slope_of(lambda node, a: _sig(node.data) * (1 - _sig(node.data)))),
        Mistake("no upstream gradient", "you added the local slope alone: multiply it by node.grad, "
                "a.grad += node.grad * node.data * (1 - node.data)",
                _sigmoid_slope_of(lambda node, a: node.data * (1 - node.data), upstream=False)),
        Mistake("= instead of +=", ASSIGNED,
                _sigmoid_slope_of(lambda node, a: node.data * (1 - node.data), assign=True)),
    ],
    "topological_order": [
        Mistake("node listed twice", "a node used twice is listed twice: remember the nodes you have visited "
                "(a set) and skip a node you have seen", _order_without_seen),
        Mistake("node before its parents", "a node comes before its parents: visit all of a node's parents "
                "first, then append the node, so the root comes last", _order_node_first),
        Mistake("leaves left out", "the leaves (inputs, weights, numbers) are missing: list every node reachable "
                "from root, those without parents too", _order_without_leaves),
    ],
    "backward": [
        Mistake("wrong order", "you called the rules in topological order, leaves first: a node may pass its "
                "gradient back only once it is complete, so go through reversed(topological_order(root)), "
                "root first", _backward_forwards),
        Mistake("node visited twice", "a node used twice was visited twice and passed its gradient back twice: "
                "call each node's rule exactly once, in reversed(topological_order(root))", _backward_recursive),
        Mistake("root.grad not set", "every gradient stayed 0: start with root.grad = 1.0 (the root's slope "
                "with respect to itself)", _backward_no_seed),
        Mistake("rules for the leaves", "you called a rule for a leaf (op \"\", no parents): call rules[node.op] "
                "only for nodes that have parents", _backward_leaves_too),
    ],
})
