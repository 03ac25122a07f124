"""Lessons 02-03: splitting an output's error among the hidden nodes, and hidden errors as W.T @ e."""
import numpy as np

from .base import Mistake, ref


MISTAKES = {
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
