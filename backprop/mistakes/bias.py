"""Lesson 07: the bias's step and one training step with biases."""
import numpy as np

from .base import Mistake, ref, sig


MISTAKES = {
    "delta_bias": [
        Mistake("no learning rate", "you forgot the learning rate: the bias step is lr * e * o * (1 - o)",
                lambda e, o, lr: e * o * (1 - o)),
        Mistake("no slope", "you forgot the slope factor o * (1 - o): the bias step is lr * e * o * (1 - o)",
                lambda e, o, lr: lr * e),
        Mistake("sigmoid again", "you applied the sigmoid to outputs that are already squashed: use o * (1 - o)",
                lambda e, o, lr: lr * e * sig(o) * (1 - sig(o))),
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
}


def _train_step_slip(params, x, target, lr, rule="exact", new_W_ho_for_e_h=False, hidden_slope=True,
                     bias_step="delta_bias", forward_bias=True, sign=1, changes_only=False):
    """train_step with one slip switched on (lesson 07); every variant returns a dict like the real one."""
    W_ih, b_h, W_ho, b_o = params["W_ih"], params["b_h"], params["W_ho"], params["b_o"]
    h = sig(W_ih @ x + (b_h if forward_bias else 0))
    o = sig(W_ho @ h + (b_o if forward_bias else 0))
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
