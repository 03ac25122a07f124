"""Lesson 07 (bias, one full training step): its pictures, explorers, visible checks and quoted numbers."""
import copy
import re

import matplotlib
import numpy as np
import pytest

from backprop.mistakes import own_copy

from backprop import checks, mistakes, pictures, widgets
from backprop import reference as ref
from backprop.network import init_params
from coursekit.course import read
from readable import labels_over_nodes, overlapping_texts, widget_controls
from student_slips import writing_in_place
from test_visible_checks import run_until_check

matplotlib.use("Agg")
plt = matplotlib.pyplot
LESSON = "07_bias_training"
W_IH = np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]])
W_HO = np.array([[0.2, -0.7, 0.4], [0.5, 0.1, -0.3]])
X, T = np.array([[1.0], [0.5]]), np.array([[1.0], [0.0]])
PARAMS = {"W_ih": W_IH, "b_h": np.zeros((3, 1)), "W_ho": W_HO, "b_o": np.zeros((2, 1))}


def _stub(*args):
    raise NotImplementedError()


def _params_in_place(params, x, target, lr):
    """A train_step that is right but changes its argument: the explorer must not let it touch the lesson's params."""
    new = ref.train_step(params, x, target, lr)
    for key in params:
        params[key] += new[key] - params[key]
    return params


# --- explorers ---------------------------------------------------------------------------------

def _move_every_control(box, draws):
    for control in widget_controls(box):
        before = len(draws)
        step = getattr(control, "step", 1)
        control.value = control.value - step if control.value + step > control.max else control.value + step
        assert len(draws) == before + 1 and draws[-1] >= 1, f"moving {control.description} did not redraw"


def test_stuck_node_explorer_draws_and_redraws_for_every_control(draws):
    box = widgets.stuck_node_explorer()
    assert draws and draws[-1] >= 1
    assert [c.description for c in widget_controls(box)] == ["weight w", "bias b"]
    _move_every_control(box, draws)


@pytest.mark.parametrize("mine", [None, _stub, ref.train_step, _params_in_place], ids=["none", "stub", "reference", "mutating"])
def test_training_explorer_draws_and_redraws_whatever_the_students_code(mine, draws):
    params = copy.deepcopy(PARAMS)
    box = widgets.training_explorer(params, X, T, mine=mine)
    assert draws and draws[-1] >= 1
    assert [c.description for c in widget_controls(box)] == ["learning rate", "steps"]
    _move_every_control(box, draws)
    assert checks.compare(params, PARAMS) is None, "the explorer changed the lesson's params"


def test_training_explorer_says_what_the_students_train_step_gives(rendered):
    def notes():
        return [t.get_text() for fig in rendered for t in fig.texts]
    widgets.training_explorer(PARAMS, X, T, mine=ref.train_step)
    costs, _, _ = pictures.training_run(ref.train_step, PARAMS, X, T, 0.5, 100)
    assert f"your train_step, the same 100 steps: cost {costs[-1]:.4f}" in notes()
    rendered.clear()
    widgets.training_explorer(PARAMS, X, T, mine=_stub)
    assert "your train_step: not written yet" in notes()


def test_the_explorers_draw_no_label_over_another(rendered):
    widgets.stuck_node_explorer()
    box = widgets.training_explorer(PARAMS, X, T, mine=ref.train_step)
    lr, steps = widget_controls(box)
    for value in (0.05, 3.0):
        lr.value = value
        steps.value = 500
    assert len(rendered) == 5  # stuck node; training explorer: creation, then lr, 500 steps, lr again
    for fig in rendered:
        assert not overlapping_texts(fig)


# --- pictures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 3, 2), (3, 4, 2), (2, 2, 1), (2, 4, 1), (4, 3, 2), (3, 3, 3)])
@pytest.mark.parametrize("fmt", ["{:+.2f}", "{:+.4f}"])
def test_network_with_bias_has_no_label_over_a_label_or_a_node(shape, fmt):
    for seed in range(3):
        params = init_params(*shape, seed=seed, scale=2.5)
        x = np.linspace(0, 1, shape[0]).reshape(-1, 1)
        h = ref.sigmoid(params["W_ih"] @ x + params["b_h"])
        o = ref.sigmoid(params["W_ho"] @ h + params["b_o"])
        ax = pictures.draw_network_with_bias(params, values=[x, h, o], fmt=fmt, title="a title")
        assert not overlapping_texts(ax.figure), (shape, seed)
        assert not labels_over_nodes(ax), (shape, seed)
        labels = [t.get_text() for t in ax.texts]
        n_edges = shape[0] * shape[1] + shape[1] * shape[2] + shape[1] + shape[2]
        assert len(labels) == n_edges + sum(shape) + 2, "one label per edge, per node and per always-1 node"
        assert labels.count("1") >= 2
        plt.close("all")


def test_network_with_bias_labels_every_weight_and_bias_with_its_value():
    params = {"W_ih": W_IH, "b_h": np.array([[0.1], [-0.2], [0.3]]), "W_ho": W_HO, "b_o": np.array([[-0.15], [0.25]])}
    ax = pictures.draw_network_with_bias(params)
    labels = sorted(t.get_text() for t in ax.texts if t.get_text().startswith(("+", "-")))
    expected = sorted(f"{v:+.2f}" for key in ("W_ih", "b_h", "W_ho", "b_o") for v in params[key].ravel())
    assert labels == expected
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 3 + 2, "one dashed edge per bias"
    plt.close("all")


@pytest.mark.parametrize("draw", [
    lambda: pictures.plot_pinned(),
    lambda: pictures.draw_bias_node(),
    lambda: pictures.draw_bias_node(w=-2.0, b=1.5),
    lambda: pictures.plot_node(-2.0, None),
    lambda: pictures.plot_node(-6.0, 3.0),
    lambda: pictures.plot_bias_runs({"without bias": (-3.45, 0.0, list(np.linspace(0.64, 0.251, 300))),
                                     "with bias": (-5.9, 2.84, list(np.geomspace(0.71, 0.005, 300)))}),
    lambda: pictures.plot_training(*pictures.training_run(ref.train_step, PARAMS, X, T, 0.5, 300)[:2], T),
], ids=["pinned", "bias node", "bias node values", "node without bias", "node with bias", "bias runs", "training"])
def test_lesson_pictures_have_no_overlapping_labels(draw):
    draw()
    fig = plt.gcf()
    fig.tight_layout()
    assert not overlapping_texts(fig)
    plt.close("all")


def test_plot_node_pins_the_unbiased_node_at_one_half():
    ax = pictures.plot_node(-5.0, None)
    assert "o(0) = 0.50" in ax.get_title()
    ax = pictures.plot_node(-5.0, 2.0)
    assert f"o(0) = {float(ref.sigmoid(2.0)):.2f}" in ax.get_title()
    assert ref.node_cost(-8.0) > 0.25 > ref.node_cost(-6.0, 3.0)
    plt.close("all")


def test_training_run_records_before_every_step_and_after_the_last():
    params = copy.deepcopy(PARAMS)
    costs, outputs, trained = pictures.training_run(ref.train_step, params, X, T, 0.5, 3)
    assert len(costs) == len(outputs) == 4
    assert costs[0] == pytest.approx(ref.cost(T, ref.predict(PARAMS, X)))
    again = PARAMS
    for _ in range(3):
        again = ref.train_step(again, X, T, 0.5)
    assert checks.compare(trained, again) is None
    assert np.allclose(outputs[-1], ref.predict(again, X).ravel())
    assert costs[-1] == pytest.approx(ref.cost(T, ref.predict(again, X)))
    assert checks.compare(params, PARAMS) is None


# --- checks and catalogue ----------------------------------------------------------------------

_train_step = own_copy(ref.train_step)  # a student's own correct step, which the refusal does not reach


_mutating_in_place = writing_in_place(_train_step)


def _mutating_the_dict(params, x, target, lr):
    new = _train_step(params, x, target, lr)
    params.update(new)
    return params


def _mutating_a_shallow_copy(params, x, target, lr):
    copied, new = params.copy(), _train_step(params, x, target, lr)
    for key in copied:
        copied[key] += new[key] - copied[key]
    return copied


@pytest.mark.parametrize("slip", [_mutating_in_place, _mutating_the_dict, _mutating_a_shallow_copy])
def test_visible_check_of_train_step_names_a_changed_argument(slip):
    def train_step(params, x, target, lr):
        return slip(params, x, target, lr)
    error = run_until_check(LESSON, "train_step", train_step)
    assert error and "changed its argument `params` in place: build a new dict" in error


def test_every_train_step_mistake_returns_a_dict_with_the_four_keys():
    start = init_params(3, 4, 2, seed=5)
    x, t = np.full((3, 1), 0.3), np.array([[0.9], [0.2]])
    want = ref.train_step(start, x, t, 0.7)
    for mistake in mistakes.for_function("train_step"):
        got = mistake.compute(copy.deepcopy(start), x, t, 0.7)
        assert isinstance(got, dict) and set(got) == set(want), mistake.label
        assert checks.compare(got, want) is not None, f"{mistake.label} equals the reference"


def test_train_step_reference_is_one_step_of_the_network_engine():
    from backprop import network
    start = init_params(2, 3, 2, seed=9)
    assert checks.compare(ref.train_step(start, X, T, 0.4), network.train_step(start, X, T, 0.4)) is None


# --- the numbers the lesson quotes ---------------------------------------------------------------

def _prose():
    return "\n".join(c.source for c in read("solutions", LESSON).cells if c.cell_type == "markdown")


def _train_node(use_bias, lr=2.0, epochs=300):
    w, b, costs = 0.5, 0.0, []
    for _ in range(epochs):
        total = 0.0
        for x, t in zip(ref.NOT_INPUTS, ref.NOT_TARGETS):
            o = float(ref.sigmoid(w * x + b))
            total += (t - o) ** 2
            w += lr * (t - o) * o * (1 - o) * x
            if use_bias:
                b += lr * (t - o) * o * (1 - o)
        costs.append(total)
    return w, b, costs


def test_the_numbers_in_the_prose_are_the_numbers_the_code_gives():
    prose = _prose()
    quoted = []
    quoted.append(f"{ref.node_cost(-6, 3):.4f}")                                   # w = -6, b = 3
    for use_bias in (False, True):
        w, b, costs = _train_node(use_bias)
        quoted += [f"{costs[-1]:.4f}", f"{float(ref.sigmoid(w + b)):.3f}", f"{float(ref.sigmoid(b)):.3f}"]
        assert np.all(np.diff(costs) < 0), "the prose says the cost keeps falling"
    h = ref.sigmoid(W_IH @ X)
    o = ref.sigmoid(W_HO @ h)
    e_o = T - o
    e_h = ref.exact_hidden_errors(W_HO, e_o, o)
    quoted += [f"{v:.4f}" for v in e_h.ravel()]
    ratio = np.linalg.norm(W_HO.T @ e_o) / np.linalg.norm(e_h)
    assert 3.5 < ratio < 4.5, "the prose says the story's rule is about four times too far"
    costs, _, _ = pictures.training_run(ref.train_step, PARAMS, X, T, 0.5, 300)
    quoted += [f"{costs[0]:.4f}", f"{costs[1]:.4f}", f"{costs[-1]:.4f}"]
    db_o = ref.delta_bias(e_o, o, 0.5)
    dW_ho = ref.delta_weights(e_o, o, h, 0.5)
    quoted += [f"{db_o[0, 0]:.4f}", f"{h[0, 0]:.4f}", f"{dW_ho[0, 0]:.4f}"]
    late = ref.exact_hidden_errors(W_HO + dW_ho, e_o, o)
    quoted.append(f"{late[0, 0]:.4f}")
    assert 0.25 < 1 - late[0, 0] / e_h[0, 0] < 0.35, "the prose says about 30% less"
    for lr, shown in ((0.05, 4), (3.0, 4)):
        costs, _, _ = pictures.training_run(ref.train_step, PARAMS, X, T, lr, 500)
        quoted.append(f"{costs[-1]:.{shown}f}")
    missing = [q for q in quoted if not re.search(re.escape(q) + r"(?!\d)", prose)]
    assert not missing, f"numbers the code gives but the prose does not say: {missing}"


def test_the_delta_bias_prompt_leaves_the_formula_to_the_student():
    """Before delta_bias's answer cell the lesson gives the idea (a weight whose input is always 1), not the formula."""
    cells = read("lessons", LESSON).cells  # what the student sees: the answer cell's stub and docstring too
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
    before = " ".join(" ".join(c.source.split()) for c in cells[:ids.index("delta_bias") + 1])
    for answer in ("lr * e * o * (1 - o)", "lr * errors * outputs", "\\Delta b =", "layer_gradient(errors",
                   "np.ones((1, 1))"):
        assert answer not in before, f"the lesson writes {answer!r} before delta_bias's answer cell"
    assert "always says 1" in before and "(n, 1)" in before


def test_the_update_order_story_credits_the_right_code():
    """Rashid's train() computes the hidden errors first; Toy-Neural-Network-JS's changes W_ho first: told once, here."""
    prose = " ".join(_prose().split())
    assert "Rashid's `train()`" in prose and "computes the hidden errors first, from the old weights" in prose
    assert "Toy-Neural-Network-JS" in prose and "adds the changes to `W_ho` and its bias first" in prose
    lesson05 = " ".join(" ".join(c.source.split()) for c in read("solutions", "05_delta_weights").cells
                        if c.cell_type == "markdown")
    assert "Lesson 07 shows" in lesson05 and "original code of the story" not in lesson05

