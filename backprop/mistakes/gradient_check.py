"""Lesson 06: the numerical gradient and the exact hidden errors (one hidden layer or many)."""
import numpy as np

from .base import Mistake, ref, sig


MISTAKES = {
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
                lambda W, e, o: W.T @ (e * sig(o) * (1 - sig(o)))),
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
                                               lambda W, e1, o1, o: W.T @ (e1 * sig(o1) * (1 - sig(o1))))),
        Mistake("reversed list", "your list runs from the output back: return [e_1, ..., e_L], first hidden layer "
                "first and the output errors last",
                lambda Ws, outs, e: ref.exact_backpropagate_errors(Ws, outs, e)[::-1]),
        Mistake("error for the inputs", "you also sent the error back through W_1: e_1 belongs to the first hidden "
                "layer, the inputs have no error",
                lambda Ws, outs, e: _exact_with_input_error(Ws, outs, e)),
    ],
}


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
