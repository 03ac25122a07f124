"""Unit tests of the backprop package: reference math against independent oracles, checks, mistakes."""
import math

import numpy as np
import pytest

from backprop import checks, mistakes, reference as ref

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
    checks.check(ref.output_error, 1, 0.7, want=0.3)
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


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_catalogued_mistake_differs_from_the_reference(name):
    """A mistake that agreed with the reference could never be named: each must give another answer."""
    args = FIXTURES[name]
    assert mistakes.for_function(name)
    want = getattr(ref, name)(*args)
    for mistake in mistakes.for_function(name):
        try:
            theirs = mistake.compute(*args)
        except Exception:
            continue
        assert checks.compare(theirs, want) is not None, f"{name}: {mistake.label} equals the reference"
