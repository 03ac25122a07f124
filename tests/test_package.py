"""Unit tests of the backprop package: reference math against independent oracles, checks, mistakes."""
import copy
import math

import numpy as np
import pytest

from backprop import checks, mistakes, network, reference as ref

RNG = np.random.default_rng(7)


def test_sigmoid_matches_math_exp_elementwise():
    z = RNG.normal(0, 4, (3, 2))
    oracle = np.vectorize(lambda v: 1 / (1 + math.exp(-v)))(z)
    assert np.allclose(ref.sigmoid(z), oracle, rtol=1e-12)
    assert ref.sigmoid(0.0) == 0.5


def test_feedforward_matches_explicit_sums_on_a_3_4_2_net():
    W_ih, W_ho, x = RNG.normal(size=(4, 3)), RNG.normal(size=(2, 4)), RNG.normal(size=(3, 1))
    h = [1 / (1 + math.exp(-sum(W_ih[i, j] * x[j, 0] for j in range(3)))) for i in range(4)]
    o = [1 / (1 + math.exp(-sum(W_ho[i, j] * h[j] for j in range(4)))) for i in range(2)]
    got_h, got_o = ref.feedforward(W_ih, W_ho, x)
    assert got_h.shape == (4, 1) and got_o.shape == (2, 1)
    assert np.allclose(got_h.ravel(), h) and np.allclose(got_o.ravel(), o)


def test_error_and_cost_on_the_seeds_numbers():
    assert ref.output_error(1, 0.7) == pytest.approx(0.3)
    t, g = np.array([[1.0], [0.0]]), np.array([[0.7], [0.4]])
    assert np.allclose(ref.output_error(t, g), [[0.3], [-0.4]])
    c = ref.cost(t, g)
    assert type(c) is float and c == pytest.approx(0.25)


def test_check_passes_the_reference_and_prints_the_call(capsys):
    checks.check(checks.own_copy(ref.output_error), 1, 0.7, want=0.3)
    assert "output_error(1, 0.7) = 0.3" in capsys.readouterr().out


def test_check_names_a_catalogued_mistake_and_shows_expected_when_visible():
    def output_error(target, guess):
        return guess - target
    with pytest.raises(AssertionError, match="points the other way") as info:
        checks.check(output_error, 1, 0.7, want=0.3)
    assert "expected 0.3" in str(info.value)


def test_hidden_check_never_shows_the_expected_value():
    def cost(targets, guesses):
        return 12345.0
    t, g = RNG.uniform(size=(3, 1)), RNG.uniform(size=(3, 1))
    with pytest.raises(AssertionError) as info:
        checks.check(cost, t, g, name="cost", hidden=True)
    text = str(info.value)
    assert "wrong values" in text and "expected" not in text and f"{ref.cost(t, g):.4g}" not in text


@pytest.mark.parametrize("got, message", [
    (lambda t, g: (t - g).ravel(), "1-D array"),
    (lambda t, g: (t - g).T, "row of shape (1, 3)"),
    (lambda t, g: [0.1, 0.2, 0.3], "returned a list"),
])
def test_check_names_shape_and_type_slips(got, message):
    t, g = RNG.uniform(size=(3, 1)), RNG.uniform(size=(3, 1))
    with pytest.raises(AssertionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        checks.check(got, t, g, name="output_error")


def test_check_catches_mutation_of_an_argument():
    def output_error(target, guess):
        target -= guess
        return target
    with pytest.raises(AssertionError, match="changed its argument `target` in place"):
        checks.check(output_error, np.ones((2, 1)), np.full((2, 1), 0.5))


def test_check_is_not_fooled_by_an_always_equal_object():
    class Yes:
        def __eq__(self, other):
            return True
    with pytest.raises(AssertionError, match="should return a number"):
        checks.check(lambda t, g: Yes(), 1, 0.7, want=0.3, name="output_error")


def test_check_reports_a_stub_as_not_written():
    def sigmoid(z):
        raise NotImplementedError()
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check(sigmoid, 0.0, want=0.5)


def test_with_reference_swaps_names_and_restores_them():
    namespace = {"sigmoid": "student's"}
    with checks.with_reference(namespace, "sigmoid", "output_error"):
        assert namespace["sigmoid"] is ref.sigmoid and namespace["output_error"] is ref.output_error
    assert namespace == {"sigmoid": "student's"}


FIXTURES = {  # arguments on which every catalogued mistake should differ from the reference
    "sigmoid": (RNG.normal(size=(3, 1)),),
    "feedforward": (RNG.normal(size=(4, 3)), RNG.normal(size=(2, 4)), RNG.uniform(size=(3, 1))),
    "output_error": (RNG.uniform(size=(3, 1)), RNG.uniform(size=(3, 1))),
    "cost": (RNG.uniform(size=(3, 1)), RNG.uniform(size=(3, 1))),
}


# Mistakes that raise on their function's fixtures below, and why that is their nature, not a gap: a student
# who makes the slip gets the same exception, and the check names the slip by it (checks.explain_exception).
RAISE_ON_FIXTURES = {
    ("train", "1-D target"): "t (n_outputs,) - o (n_outputs, 1) is a matrix: its step's shapes meet only for one output",
    ("accuracy", "wrong axis"): "one guess per output node cannot meet one label per image (9 images, 4 outputs)",
    ("accuracy", "images as columns"): "W_ih (n_hidden, n_pixels) @ images (n, n_pixels) only meets when n = n_pixels",
    ("backpropagate_errors", "W @ e"): "W_l @ e_l sends the error forward: the shapes only meet on square layers",
    ("delta_weights", "no transpose"): "(n, 1) @ inputs (m, 1) only meets for m = 1, where it equals the answer",
    ("exact_backpropagate_errors", "W @"): "W_{l+1} @ a column (n_{l+1}, 1) only meets on square layers",
    ("exact_backpropagate_errors", "outputs one layer off"): "e_{l+1} * o_l only meets when layers l, l+1 are as wide",
    ("exact_hidden_errors", "no transpose"): "W_ho (n_out, n_hidden) @ a column (n_out, 1) only meets on a square W_ho",
    ("exact_hidden_errors", "slope after the transpose"): "(n_hidden, 1) * o (n_out, 1) only meets on a square W_ho",
    ("hidden_errors_proportional", "no transpose"): "shares (n_out, n_hid) @ e_o (n_out, 1) only meet on a square W_ho",
    ("backward", "rules for the leaves"): "a leaf's op is \"\", which has no rule: rules[\"\"] raises KeyError",
    ("relu", "Python's max"): "max(0, z) asks whether a whole array is above 0, which numpy refuses for 2+ entries",
}


@pytest.mark.parametrize("name", sorted(mistakes.CATALOG))
def test_every_catalogued_mistake_differs_from_the_reference(name):
    """A mistake that agreed with the reference could never be named: each must give another answer or raise.

    One that raises on the fixtures must be listed in RAISE_ON_FIXTURES with its reason, and the check
    must name it from its exception; every other one is compared with the reference.
    """
    args = FIXTURES[name]
    assert mistakes.for_function(name)
    ref_args = copy.deepcopy(args)  # lesson 11's functions change their graph: each works on its own copy
    want = checks.outcome(name, ref_args, getattr(ref, name)(*ref_args))
    for mistake in mistakes.for_function(name):
        their_args = copy.deepcopy(args)
        if (name, mistake.label) in RAISE_ON_FIXTURES:
            with pytest.raises(Exception) as raised:
                mistake.compute(*their_args)
            said = checks.explain_exception(name, args, type(raised.value).__name__, str(raised.value))
            assert mistake.message in said, f"{name}: {mistake.label} raises, but the check does not name it"
            continue
        theirs = checks.outcome(name, their_args, mistake.compute(*their_args))
        assert checks.compare(theirs, want) is not None, f"{name}: {mistake.label} equals the reference"


def test_each_functions_mistakes_live_in_one_lesson_module():
    """No graded function is catalogued by two lesson modules (the later would hide the earlier in CATALOG)."""
    names = [name for lesson in mistakes.LESSONS for name in lesson.MISTAKES]
    assert len(names) == len(set(names)) == len(mistakes.CATALOG) >= 30


def test_every_mistake_listed_as_raising_exists():
    """RAISE_ON_FIXTURES names no mistake the catalogue has lost or renamed."""
    labels = {(name, m.label) for name in mistakes.CATALOG for m in mistakes.for_function(name)}
    assert set(RAISE_ON_FIXTURES) <= labels, set(RAISE_ON_FIXTURES) - labels


# --- lessons 02-05 ---------------------------------------------------------------------------

def _numeric_grad(f, W, eps=1e-6):
    """Central differences of scalar f at every entry of W (an independent oracle)."""
    grad = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        old = W[idx]
        W[idx] = old + eps
        up = f(W)
        W[idx] = old - eps
        down = f(W)
        W[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def test_split_error_on_the_seeds_numbers():
    assert np.allclose(ref.split_error(np.array([0.2, 0.1]), 0.3), [0.2, 0.1])


def test_hidden_errors_proportional_matches_the_spelled_out_formula():
    W, e = RNG.uniform(0.1, 1, (3, 4)), RNG.normal(size=(3, 1))
    oracle = [sum(W[i, j] / sum(W[i, k] for k in range(4)) * e[i, 0] for i in range(3)) for j in range(4)]
    got = ref.hidden_errors_proportional(W, e)
    assert got.shape == (4, 1) and np.allclose(got.ravel(), oracle)


def test_hidden_errors_is_the_proportional_rule_without_denominators():
    W, e = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 1))
    oracle = [sum(W[i, j] * e[i, 0] for i in range(2)) for j in range(3)]
    assert np.allclose(ref.hidden_errors(W, e).ravel(), oracle)


def test_backpropagate_errors_walks_back_one_transpose_at_a_time():
    Ws = [RNG.normal(size=(4, 2)), RNG.normal(size=(3, 4)), RNG.normal(size=(2, 3))]
    e = RNG.normal(size=(2, 1))
    got = ref.backpropagate_errors(Ws, e)
    assert [g.shape for g in got] == [(4, 1), (3, 1), (2, 1)] and got[-1] is e
    assert np.allclose(got[0], Ws[1].T @ (Ws[2].T @ e))
    assert len(ref.backpropagate_errors(Ws[:1], e)) == 1


def test_nudge_line_steps_against_the_numerical_gradient_of_half_the_squared_error():
    m, b, x, t, lr = 0.4, -0.2, 1.7, 0.9, 0.05
    half_cost = lambda p: 0.5 * (t - (p[0] * x + p[1])) ** 2
    grad = _numeric_grad(half_cost, np.array([m, b]))
    assert np.allclose(ref.nudge_line(m, b, x, t, lr), np.array([m, b]) - lr * grad)


def test_sigmoid_slope_from_output_is_the_sigmoids_numerical_slope():
    z = RNG.normal(size=(3, 2))
    eps = 1e-6
    numeric = (ref.sigmoid(z + eps) - ref.sigmoid(z - eps)) / (2 * eps)
    assert np.allclose(ref.sigmoid_slope_from_output(ref.sigmoid(z)), numeric, atol=1e-9)


def test_delta_weights_is_minus_lr_times_the_numerical_gradient_for_one_sigmoid_layer():
    W, h, t, lr = RNG.normal(size=(2, 3)), RNG.uniform(size=(3, 1)), np.array([[1.0], [0.0]]), 0.3
    half_cost = lambda W: 0.5 * float(np.sum((t - ref.sigmoid(W @ h)) ** 2))
    o = ref.sigmoid(W @ h)
    got = ref.delta_weights(ref.output_error(t, o), o, h, lr)
    assert got.shape == W.shape and np.allclose(got, -lr * _numeric_grad(half_cost, W.copy()), atol=1e-9)
    assert np.allclose(ref.layer_gradient(np.array([[0.3], [-0.4]]), np.array([[0.7], [0.4]]), 0.1), [[0.0063], [-0.0096]])


FIXTURES.update({
    "split_error": (RNG.uniform(0.1, 1, 4), -0.37),
    "hidden_errors_proportional": (RNG.uniform(0.1, 1, (2, 3)), RNG.normal(size=(2, 1))),
    "hidden_errors": (RNG.normal(size=(3, 3)), RNG.normal(size=(3, 1))),
    "backpropagate_errors": ([RNG.normal(size=(5, 3)), RNG.normal(size=(4, 5)), RNG.normal(size=(2, 4))],
                             RNG.normal(size=(2, 1))),
    "nudge_line": (-0.3, 0.7, 1.7, -0.4, 0.05),
    "sigmoid_slope_from_output": (RNG.uniform(0.05, 0.95, (3, 2)),),
    "layer_gradient": (RNG.normal(size=(3, 1)), RNG.uniform(0.05, 0.95, (3, 1)), 0.3),
    "delta_weights": (RNG.normal(size=(4, 1)), RNG.uniform(0.05, 0.95, (4, 1)), RNG.uniform(size=(4, 1)), 1.7),
})


# --- short messages: what a notebook shows when a check fails ----------------------------------

def test_unwritten_function_gets_one_short_line_naming_it():
    def sigmoid(z):
        raise NotImplementedError()
    with pytest.raises(checks.CheckFailed) as info:
        checks.check(sigmoid, 0.0, want=0.5)
    assert info.value._render_traceback_() == [
        "CheckFailed: sigmoid is not written yet: replace `raise NotImplementedError()` with your code"]


def test_a_raising_answer_shows_the_students_line_and_none_of_the_course():
    def sigmoid(z):
        weights = np.ones(3)
        return weights @ np.ones(2)
    with pytest.raises(checks.CheckFailed) as info:
        checks.check(sigmoid, 0.0, want=0.5)
    shown = "\n".join(info.value._render_traceback_())
    assert "return weights @ np.ones(2)" in shown and "raised ValueError" in shown
    assert "backprop" not in shown.replace("CheckFailed", ""), shown


def test_a_wrong_answer_shows_only_the_verdict():
    def sigmoid(z):
        return 1 / (1 + np.exp(z))
    with pytest.raises(checks.CheckFailed) as info:
        checks.check(sigmoid, 1.0)
    lines = info.value._render_traceback_()
    assert len(lines) == 1 and "mirrored" in lines[0] and "expected 0.7311" in lines[0]


# --- delegating to the course's own answer ------------------------------------------------------

@pytest.mark.parametrize("style", ["from", "alias", "captured", "itself"])
def test_an_answer_that_calls_the_reference_is_refused_and_named(style):
    import backprop.reference as r
    captured = r.cost
    answers = {"from": lambda t, g: ref.cost(t, g), "alias": lambda t, g: r.cost(t, g),
               "captured": lambda t, g: captured(t, g), "itself": r.cost}
    t, g = RNG.uniform(size=(3, 1)), RNG.uniform(size=(3, 1))
    with pytest.raises(AssertionError, match="calls the course's own cost"):
        checks.check(answers[style], t, g, name="cost", hidden=True)
    assert ref.cost(t, g) == float(np.sum((t - g) ** 2)), "the reference works again after the check"


def test_a_train_that_hands_its_loop_to_the_courses_run_epochs_is_refused():
    """train's loop is the lesson: an answer that passes each example to reference.run_epochs is refused."""
    import backprop.reference as r

    def train(params, inputs, targets, lr, epochs, seed=0):
        rng = np.random.default_rng(seed)
        step = lambda p, x, t: (r.train_step(p, x, t, lr), r.cost(t, r.predict(p, x)))  # noqa: E731
        return r.run_epochs(params, inputs, targets, epochs, step, rng.permutation)
    args = FIXTURES["train"]
    with pytest.raises(AssertionError, match="calls the course's own train"):
        checks.check(train, *args, name="train", hidden=True)
    assert r.run_epochs(*args[:3], 1, lambda p, x, t: (p, 0.0), range)[1] == [0.0], "run_epochs works again after"


def test_an_own_copy_keeps_working_while_its_module_helpers_are_refused():
    """The grader's stand-in for train (an own copy of reference.train) still trains while train is checked,
    though reference.run_epochs, the loop it calls, is refused then."""
    import backprop.reference as r
    args = FIXTURES["train"]
    want, stand_in = r.train(*copy.deepcopy(args)), checks.own_copy(r.train)  # copied before, as the grader does
    with checks.reference_forbidden("train"):
        with pytest.raises(RuntimeError):
            r.run_epochs(*args[:3], 1, lambda p, x, t: (p, 0.0), range)
        got = stand_in(*copy.deepcopy(args))
    assert checks.compare(got, want) is None


def test_functions_of_earlier_lessons_stay_allowed():
    def cost(targets, guesses):
        return float(np.sum(ref.output_error(targets, guesses) ** 2))
    checks.check(cost, RNG.uniform(size=(3, 1)), RNG.uniform(size=(3, 1)), name="cost", hidden=True)


# --- lesson 07 ---------------------------------------------------------------------------------

FIXTURES.update({
    "delta_bias": (RNG.normal(size=(3, 1)), RNG.uniform(0.05, 0.95, (3, 1)), 0.3),
    "train_step": ({"W_ih": RNG.normal(size=(4, 3)), "b_h": RNG.normal(size=(4, 1)),
                    "W_ho": RNG.normal(size=(2, 4)), "b_o": RNG.normal(size=(2, 1))},
                   RNG.uniform(size=(3, 1)), RNG.uniform(size=(2, 1)), 0.7),
})

# lesson 06: a strongly bent f whose entries interact (forward and central differences differ far beyond 1e-7,
# and a wiggle never put back moves later slopes), non-square layers, three hidden layers of different widths
_DEEP = np.random.default_rng(2606)
FIXTURES.update({
    "numerical_gradient": (lambda W: float(np.sum(np.exp(2.5 * W)) + W[0, 0] * W[1, 2] ** 2),
                           RNG.uniform(-0.5, 0.5, (2, 3)), 1e-2),
    "exact_hidden_errors": (RNG.normal(size=(2, 4)), RNG.normal(size=(2, 1)), RNG.uniform(0.05, 0.95, (2, 1))),
    "exact_backpropagate_errors": ([_DEEP.normal(size=(n_to, n_from)) for n_from, n_to in [(3, 5), (5, 4), (4, 3), (3, 2)]],
                                   [_DEEP.uniform(0.05, 0.95, (n, 1)) for n in (5, 4, 3, 2)], _DEEP.normal(size=(2, 1))),
})

# lesson 08: a 3-4-2 network with biases for predict; XOR rows, a 2-3-1 network and three epochs for train
FIXTURES.update({
    "predict": ({"W_ih": RNG.normal(size=(4, 3)), "b_h": RNG.normal(size=(4, 1)), "W_ho": RNG.normal(size=(2, 4)),
                 "b_o": RNG.normal(size=(2, 1))}, RNG.uniform(size=(3, 1))),
    "train": ({"W_ih": RNG.uniform(-1, 1, (3, 2)), "b_h": RNG.uniform(-1, 1, (3, 1)), "W_ho": RNG.uniform(-1, 1, (2, 3)),
               "b_o": RNG.uniform(-1, 1, (2, 1))}, np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float),
              np.array([[0, 0], [1, 0], [1, 0], [0, 1]], dtype=float), 0.5, 3, 4),  # two outputs: XOR and AND
})

# --- lesson 09 fixtures (exact zeros on purpose: the slope at z = 0 is part of the spec) ---
FIXTURES.update({
    "tanh_slope_from_output": (np.array([[-0.83], [0.0], [0.41]]),),
    "relu": (np.array([[-1.3, 0.0, 0.7], [2.2, -0.4, 0.0]]),),
    "relu_slope": (np.array([[-1.3, 0.0, 0.7], [2.2, -0.4, 0.0]]),),
})

# lesson 10: a label not at either end; a tiny 6-5-4 network whose guesses some labels match and some do not
FIXTURES.update({
    "one_hot": (3, 10),
    "accuracy": (network.init_params(6, 5, 4, seed=10, scale=3.0), np.random.default_rng(10).uniform(size=(9, 6)),
                 np.array([0, 3, 3, 0, 3, 3, 0, 3, 3])),
    "train_step_batch": (network.init_params(3, 4, 2, seed=11), np.random.default_rng(11).uniform(-1, 1, (3, 5)),
                         np.random.default_rng(12).uniform(0, 1, (2, 5)), 0.6),
})


def _train_spelled_out(params, inputs, targets, lr, epochs, seed, step, predict):
    """The training loop written out in full (an independent oracle for reference.run_epochs)."""
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        costs = []
        for i in rng.permutation(len(inputs)):
            x, t = inputs[i].reshape(-1, 1), targets[i].reshape(-1, 1)
            costs.append(ref.cost(t, predict(params, x)))
            params = step(params, x, t, lr)
        losses.append(float(np.mean(costs)))
    return params, losses


@pytest.mark.parametrize("module", [ref, network])
def test_train_is_the_training_loop_written_out_bit_for_bit(module):
    """reference.train and network.train (both on reference.run_epochs) give the written-out loop's numbers exactly."""
    params, inputs, targets, lr, epochs, seed = FIXTURES["train"]
    got_params, got_losses = module.train(params, inputs, targets, lr, 20, seed)
    want_params, want_losses = _train_spelled_out(params, inputs, targets, lr, 20, seed, module.train_step,
                                                  module.predict)
    assert got_losses == want_losses
    assert all(np.array_equal(got_params[k], want_params[k]) for k in want_params)


def test_on_epoch_sees_every_few_epochs_and_the_last_and_may_stop_training():
    params, inputs, targets, lr, _, seed = FIXTURES["train"]
    seen = []
    _, losses = network.train(params, inputs, targets, lr, 10, seed, every=3,
                              on_epoch=lambda epoch, p, losses: seen.append((epoch, len(losses))))
    assert seen == [(2, 3), (5, 6), (8, 9), (9, 10)] and len(losses) == 10
    _, losses = network.train(params, inputs, targets, lr, 10, seed, every=3, on_epoch=lambda *a: False)
    assert len(losses) == 3


# lesson 11: graphs of Values in which a value is used twice and the parents already hold gradient from
# other paths (so = instead of += shows), node.grad not 1 (so a missing upstream gradient shows), a != b
def _lesson11_fixtures():
    from backprop.autograd import RULES, Value
    a = Value(0.8)
    a.grad = 0.3
    twice = a + a
    twice.grad = 1.7
    p, q = Value(1.4), Value(-0.6)
    p.grad, q.grad = -0.2, 0.45
    product = p * q
    product.grad = -1.3
    z = Value(1.9)
    z.grad = 0.35
    squashed = z.sigmoid()
    squashed.grad = 0.8
    u, v = Value(2.0), Value(-3.0)
    e = u * v + u
    root = (e * e).sigmoid()
    return {"add_backward": (twice,), "mul_backward": (product,), "sigmoid_backward": (squashed,),
            "topological_order": (root,), "backward": (root, RULES)}


FIXTURES.update(_lesson11_fixtures())
