"""The reference network with bias (lessons 06-10) against finite differences and the graded reference."""
import numpy as np
import pytest

from backprop import network, reference as ref

RNG = np.random.default_rng(11)


def _half_cost(params, x, t, hidden):
    o = network.predict(params, x, hidden)
    return 0.5 * float(np.sum((t - o) ** 2))


def _finite_difference(f, params, key, eps=1e-6):
    """Central differences of f(params) for every entry of params[key], written independently."""
    grad = np.zeros_like(params[key])
    for index in np.ndindex(grad.shape):
        up = {k: v.copy() for k, v in params.items()}
        down = {k: v.copy() for k, v in params.items()}
        up[key][index] += eps
        down[key][index] -= eps
        grad[index] = (f(up) - f(down)) / (2 * eps)
    return grad


def _relative_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


@pytest.mark.parametrize("hidden", [network.SIGMOID, network.TANH, network.RELU], ids=lambda a: a.name)
def test_exact_rule_is_minus_the_slope_of_half_the_cost(hidden):
    """Every parameter's step (exact rule) equals -d(C/2)/dp to 1e-7 relative error in float64, on a 3-4-2 net."""
    params = network.init_params(3, 4, 2, seed=5)
    x, t = RNG.uniform(-1, 1, (3, 1)), RNG.uniform(0.1, 0.9, (2, 1))
    steps = network.gradients(params, x, t, hidden)
    for key in params:
        numeric = _finite_difference(lambda p: _half_cost(p, x, t, hidden), params, key)
        assert _relative_error(steps[key], -numeric) < 1e-7, key


def test_story_rule_is_exact_for_W_ho_and_not_for_W_ih():
    """The story's hidden errors give the right W_ho step and a W_ih step that is clearly off (spec: about 0.6)."""
    params = network.init_params(3, 4, 2, seed=5)
    x, t = RNG.uniform(-1, 1, (3, 1)), RNG.uniform(0.1, 0.9, (2, 1))
    story = network.gradients(params, x, t, rule="story")
    numeric_ih = _finite_difference(lambda p: _half_cost(p, x, t, network.SIGMOID), params, "W_ih")
    numeric_ho = _finite_difference(lambda p: _half_cost(p, x, t, network.SIGMOID), params, "W_ho")
    assert _relative_error(story["W_ho"], -numeric_ho) < 1e-7
    assert _relative_error(story["W_ih"], -numeric_ih) > 0.1


def test_graded_train_step_is_the_network_with_sigmoid_and_exact_rule():
    params = network.init_params(3, 4, 2, seed=1)
    x, t = RNG.uniform(-1, 1, (3, 1)), RNG.uniform(0, 1, (2, 1))
    frozen = {k: v.copy() for k, v in params.items()}
    got, want = ref.train_step(params, x, t, 0.7), network.train_step(params, x, t, 0.7)
    assert set(got) == set(want) and all(np.allclose(got[k], want[k], rtol=1e-12) for k in want)
    assert all(np.array_equal(params[k], frozen[k]) for k in params), "train_step changed its argument"


def test_train_step_lowers_the_cost_for_a_small_learning_rate():
    params = network.init_params(3, 4, 2, seed=2)
    x, t = RNG.uniform(-1, 1, (3, 1)), np.array([[0.9], [0.1]])
    before = ref.cost(t, ref.predict(params, x))
    after = ref.cost(t, ref.predict(ref.train_step(params, x, t, 0.1), x))
    assert after < before


def test_train_matches_a_hand_written_loop_and_is_deterministic():
    """Losses are each example's pre-update cost, averaged per epoch, in rng.permutation order."""
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    targets = np.array([[0], [1], [1], [0]], dtype=float)
    params = network.init_params(2, 3, 1, seed=4)
    rng, p, oracle = np.random.default_rng(9), params, []
    for _ in range(3):
        costs = []
        for i in rng.permutation(4):
            x, t = inputs[i].reshape(2, 1), targets[i].reshape(1, 1)
            costs.append(float(np.sum((t - ref.predict(p, x)) ** 2)))
            p = ref.train_step(p, x, t, 0.5)
        oracle.append(sum(costs) / 4)
    got, losses = ref.train(params, inputs, targets, 0.5, 3, seed=9)
    assert np.allclose(losses, oracle, rtol=1e-12)
    assert all(np.array_equal(got[k], p[k]) for k in p)
    again, losses_again = network.train(params, inputs, targets, 0.5, 3, seed=9)
    assert np.allclose(losses_again, losses, rtol=1e-12) and all(np.allclose(again[k], p[k], rtol=1e-12) for k in p)


def test_train_stops_when_the_callback_says_so():
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    targets = np.array([[0], [1], [1], [0]], dtype=float)
    seen = []
    _, losses = network.train(network.init_params(2, 2, 1), inputs, targets, 0.5, 100, every=10,
                              on_epoch=lambda epoch, p, l: seen.append(epoch) or epoch < 29)
    assert seen == [9, 19, 29] and len(losses) == 30


def test_numerical_gradient_matches_a_known_slope_and_leaves_W_alone():
    W = RNG.normal(size=(3, 2))
    frozen = W.copy()
    grad = ref.numerical_gradient(lambda V: float(np.sum(np.sin(V) * V ** 2)), W)
    assert np.allclose(grad, np.cos(W) * W ** 2 + 2 * W * np.sin(W), rtol=1e-8)
    assert np.array_equal(W, frozen)


def test_exact_hidden_errors_on_the_lesson_05_network():
    """The spec's numbers: story [-0.175, -0.434, 0.385], exact [-0.043, -0.108, 0.095]."""
    W_ih = np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]])
    W_ho = np.array([[0.2, -0.7, 0.4], [0.5, 0.1, -0.3]])
    x, t = np.array([[1.0], [0.5]]), np.array([[1.0], [0.0]])
    h, o = ref.feedforward(W_ih, W_ho, x)
    e_o = t - o
    assert np.allclose(ref.hidden_errors(W_ho, e_o).ravel(), [-0.175, -0.434, 0.385], atol=5e-4)
    assert np.allclose(ref.exact_hidden_errors(W_ho, e_o, o).ravel(), [-0.043, -0.108, 0.095], atol=5e-4)


def test_activation_slopes_match_finite_differences():
    z = np.array([-2.0, -0.3, 0.4, 1.5])
    for act in network.ACTIVATIONS.values():
        numeric = (act.f(z + 1e-6) - act.f(z - 1e-6)) / 2e-6
        assert np.allclose(act.slope(z, act.f(z)), numeric, rtol=1e-6), act.name
    assert ref.relu_slope(0.0) == 0.0 and ref.relu(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]


def test_one_hot_and_accuracy():
    assert ref.one_hot(3, 5).ravel().tolist() == [0, 0, 0, 1.0, 0] and ref.one_hot(3, 5).shape == (5, 1)
    params = network.init_params(4, 3, 3, seed=0)
    images = RNG.uniform(0, 1, (20, 4))
    guesses = [int(np.argmax(ref.predict(params, im.reshape(-1, 1)))) for im in images]
    labels = np.array(guesses)
    labels[:5] = (labels[:5] + 1) % 3
    assert ref.accuracy(params, images, labels) == pytest.approx(0.75)
    assert type(ref.accuracy(params, images, labels)) is float

