"""Lesson 10: one-hot targets, accuracy and the mini-batch step."""
import numpy as np

from .base import Mistake, ref, sig


MISTAKES = {
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


def _train_step_batch_slip(params, X, T, lr, reduce="mean", bias="mean", rule="exact"):
    """train_step_batch (lesson 10) with one slip: another reduction over the batch, bias shape or hidden error."""
    W_ih, b_h, W_ho, b_o = params["W_ih"], params["b_h"], params["W_ho"], params["b_o"]
    rate = {"mean": lr / X.shape[1], "sum": lr, "rows": lr / X.shape[0]}[reduce]
    H = sig(W_ih @ X + b_h)
    O = sig(W_ho @ H + b_o)
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
