"""Lesson 06 (gradient check): its explorer, its pictures, its visible checks' mutation cases, its quoted numbers."""

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop import checks, pictures, widgets
from backprop import reference as ref
from coursekit.course import read
from readable import assert_readable, drawn_texts, legend_over_lines, widget_controls
from test_visible_checks import run_until_check

matplotlib.use("Agg")
LESSON = "06_gradient_check"
W_IH = np.array([[0.6, 0.2, 0.4], [-0.8, 0.3, 1.0], [-0.2, -0.8, 0.9], [0.4, -0.6, 0.3]])
W_HO = np.array([[1.0, -0.6, 0.7, 0.4], [-0.6, -0.6, 0.9, -0.3]])
X = np.array([[1.0], [0.5], [-0.3]])
T = np.array([[1.0], [0.0]])


def _stub(*args):
    raise NotImplementedError()


def _mutating(f, W, eps=1e-5):
    """A student's numerical_gradient that wiggles W in place and never puts it back."""
    grad = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        W[index] += eps
        up = f(W)
        W[index] -= 2 * eps
        grad[index] = (up - f(W)) / (2 * eps)
    return grad


def _broken(f, W, eps=1e-5):
    return W[7, 7]


def test_assert_readable_catches_overlaps_and_cut_off_labels():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xticks([0, 1], ["left", "right"])
    assert {"left", "right"} <= {label for label, _ in drawn_texts(fig)}
    ax.text(0.5, 0.5, "one label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "another label", transform=ax.transAxes)
    with pytest.raises(AssertionError, match="overlaps"):
        assert_readable(fig)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_title("a title far too long to fit in a figure only four inches wide, cut off at both ends")
    with pytest.raises(AssertionError, match="cut off"):
        assert_readable(fig)
    plt.close("all")


# --- the explorer ------------------------------------------------------------------------------

def _moved(control):
    options = getattr(control, "options", None)
    if options:
        return [o for o in options if o != control.value][-1]
    if isinstance(control, ipywidgets.FloatLogSlider):
        return control.value * 10 ** control.step
    return control.value + control.step


@pytest.fixture
def shown(rendered):
    """Every figure the explorer rendered, in order."""
    yield rendered
    plt.close("all")


def _texts(fig):
    return [t.get_text() for t in fig.texts]


@pytest.mark.parametrize("mine", [None, _stub, ref.numerical_gradient, _mutating, _broken],
                         ids=["none", "stub", "reference", "mutating", "raising"])
def test_explorer_draws_and_redraws_for_every_control(mine, shown):
    """It draws on creation and again whenever any control moves, whatever the student's function does."""
    box = widgets.gradient_check_explorer(W_IH, W_HO, X, T, mine=mine)
    assert len(shown) == 1, "nothing was drawn on creation"
    controls = widget_controls(box)
    assert [type(c).__name__ for c in controls] == ["Dropdown", "FloatLogSlider", "ToggleButtons"]
    for control in controls:
        before = len(shown)
        control.value = _moved(control)
        assert len(shown) == before + 1, f"moving {control.description} did not redraw"
        plt.close("all")


@pytest.mark.parametrize("mine, says", [(None, None), (_stub, "not written yet"),
                                        (ref.numerical_gradient, "your numerical_gradient: -0.02687631"),
                                        (_mutating, "(and it changed W: work on a copy)"),
                                        (_broken, "raised IndexError")])
def test_explorer_reports_the_students_slope(mine, says, shown):
    widgets.gradient_check_explorer(W_IH, W_HO, X, T, mine=mine)
    notes = _texts(shown[-1])
    assert any("eps = 1.0e-5" in n and "chain rule -0.02687631" in n for n in notes), notes
    if says is None:
        assert len(notes) == 1
    else:
        assert any(says in n for n in notes), notes


def test_a_mutating_student_function_does_not_change_the_explorers_network(shown):
    W_ih, W_ho = W_IH.copy(), W_HO.copy()
    box = widgets.gradient_check_explorer(W_ih, W_ho, X, T, mine=_mutating)
    for control in widget_controls(box):
        control.value = _moved(control)
    assert np.array_equal(W_ih, W_IH) and np.array_equal(W_ho, W_HO)


def test_explorer_compares_with_the_chosen_rule(shown):
    """For a weight of W_ih the story's slope is far off at every eps; the chain rule's agrees near 1e-5."""
    box = widgets.gradient_check_explorer(W_IH, W_HO, X, T)
    weight, eps, compare = widget_controls(box)
    chain_note = _texts(shown[-1])[0]
    compare.value = "story's rule"
    story_note = _texts(shown[-1])[0]
    assert "chain rule -0.02687631" in chain_note and "story's rule -0.12157" in story_note


def test_explorer_figure_is_readable(shown):
    box = widgets.gradient_check_explorer(W_IH, W_HO, X, T, mine=_mutating)
    assert_readable(shown[-1])
    weight, eps, compare = widget_controls(box)
    compare.value = "story's rule"
    eps.value = 0.1
    weight.value = "W_ho[1, 3]"
    assert_readable(shown[-1])


def test_the_explorers_legends_cover_no_curve(shown):
    """For every weight, the legends sit in their own room above the curves and the slopes' lines."""
    box = widgets.gradient_check_explorer(W_IH, W_HO, X, T)
    weight, eps, compare = widget_controls(box)
    for name in weight.options:
        weight.value = name
        for ax in shown[-1].axes:
            assert not legend_over_lines(ax), (name, ax.get_title(), legend_over_lines(ax))


def test_the_eps_slider_reads_as_the_line_under_the_picture(shown):
    """The slider's readout and the printed eps show the same digits (3.2e-3, not 3e-3 beside 3.2e-03)."""
    box = widgets.gradient_check_explorer(W_IH, W_HO, X, T)
    weight, eps, compare = widget_controls(box)
    eps.value = 10 ** -2.5
    assert eps.readout_format == ".1e"
    assert any("eps = 3.2e-3:" in text for text in _texts(shown[-1])), _texts(shown[-1])


# --- pictures ----------------------------------------------------------------------------------

def _lesson_errors():
    h, o = ref.feedforward(W_IH, W_HO, X)
    e_o = T - o
    half = lambda A, B: ref.cost(T, ref.feedforward(A, B, X)[1]) / 2
    slope_ih = ref.numerical_gradient(lambda W: half(W, W_HO), W_IH)
    slope_ho = ref.numerical_gradient(lambda W: half(W_IH, W), W_HO)
    ho = ref.relative_error(-ref.delta_weights(e_o, o, h, 1.0), slope_ho)
    story = ref.relative_error(-ref.delta_weights(ref.hidden_errors(W_HO, e_o), h, X, 1.0), slope_ih)
    exact = ref.relative_error(-ref.delta_weights(ref.exact_hidden_errors(W_HO, e_o, o), h, X, 1.0), slope_ih)
    return {"story": {"W_ih": story, "W_ho": ho}, "exact": {"W_ih": exact, "W_ho": ho}}


@pytest.mark.parametrize("rules", [["story"], ["story", "exact"]])
def test_relative_error_picture_is_readable(rules):
    errors = {rule: _lesson_errors()[rule] for rule in rules}
    axes = pictures.plot_relative_errors(errors, title="the story's hidden errors and the chain rule's")
    fig = axes[0].figure
    assert fig.get_size_inches()[0] <= 10
    assert_readable(fig)
    plt.close(fig)


def test_relative_error_picture_shows_every_weight_of_both_rules():
    errors = _lesson_errors()
    axes = pictures.plot_relative_errors(errors)
    marks = [line for ax in axes for line in ax.get_lines()]
    assert sum(len(line.get_xdata()) for line in marks) == 2 * (12 + 8)
    plt.close(axes[0].figure)


def test_eps_picture_is_readable():
    eps = np.logspace(-1, -13, 49)
    forward, central = ref.difference_errors(ref.sigmoid, 1.0, ref.sigmoid_slope_from_output(ref.sigmoid(1.0)), eps)
    ax = pictures.plot_eps_errors(eps, forward, central, mark=1e-5,
                                  title="the sigmoid's slope at z = 1: estimates against y (1 - y)")
    ax.figure.tight_layout()  # what the inline backend's tight bounding box does for the lesson
    assert_readable(ax.figure)
    plt.close(ax.figure)


def test_relative_error_is_zero_for_equal_one_for_opposite_and_half_for_three_times():
    got = ref.relative_error(np.array([2.0, 1.0, 3.0, 0.0]), np.array([2.0, -1.0, 1.0, 0.0]))
    assert np.allclose(got, [0, 1, 0.5, 0])


def test_central_differences_shrink_like_eps_squared_forward_like_eps():
    eps = np.array([1e-2, 1e-3])
    forward, central = ref.difference_errors(np.exp, 0.3, np.exp(0.3), eps)
    assert 8 < forward[0] / forward[1] < 12 and 80 < central[0] / central[1] < 120


# --- the visible check and the lesson's numbers --------------------------------------------------

MUTATING = {
    "never put back": _mutating,
    "put back by += and -=": lambda f, W, eps=1e-5: _put_back_by_adding(f, W, eps),
}


def _put_back_by_adding(f, W, eps):
    grad = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        W[index] += eps
        up = f(W)
        W[index] -= 2 * eps
        down = f(W)
        W[index] += eps
        grad[index] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("label", sorted(MUTATING))
def test_visible_check_rejects_a_W_left_changed(label):
    """Not catalogued (their values are right, or nearly): check() itself must catch the changed W."""
    def numerical_gradient(f, W, eps=1e-5):
        return MUTATING[label](f, W, eps)
    error = run_until_check(LESSON, "numerical_gradient", numerical_gradient)
    assert error is not None and "changed its argument `W` in place" in error, error


def test_check_shows_a_function_argument_by_its_name(capsys):
    def bent(W):
        return float(np.sum(np.exp(3 * W)))
    checks.check(checks.own_copy(ref.numerical_gradient), bent, np.array([[0.1, 0.2]]))
    assert "numerical_gradient(bent, [[0.1, 0.2]])" in capsys.readouterr().out


def _prose():
    return "\n".join(c.source for c in read("solutions", LESSON).cells if c.cell_type == "markdown")


def test_the_numbers_the_lesson_quotes_are_the_ones_it_computes():
    prose = _prose()
    h, o = ref.feedforward(W_IH, W_HO, X)
    e_o = T - o
    story, exact = ref.hidden_errors(W_HO, e_o), ref.exact_hidden_errors(W_HO, e_o, o)
    ratios = (story / exact).ravel()
    assert f"{ratios.min():.2f} to {ratios.max():.2f}" in prose
    errors = _lesson_errors()
    assert f"from {errors['story']['W_ih'].min():.2f} to {errors['story']['W_ih'].max():.2f}" in prose
    assert errors["story"]["W_ho"].max() < 1e-10 and "below `1e-10`" in prose
    assert max(e.max() for e in errors["exact"].values()) < 1e-8
    half = lambda A: ref.cost(T, ref.feedforward(A, W_HO, X)[1]) / 2
    first = ref.numerical_gradient(half, W_IH)[0, 0]
    assert f"`{-ref.delta_weights(story, h, X, 1.0)[0, 0]:.6f}`" in prose and f"`{first:.6f}`" in prose

    W_ih5 = np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]])
    W_ho5 = np.array([[0.2, -0.7, 0.4], [0.5, 0.1, -0.3]])
    h5, o5 = ref.feedforward(W_ih5, W_ho5, np.array([[1.0], [0.5]]))
    e5 = np.array([[1.0], [0.0]]) - o5
    s5, x5 = ref.hidden_errors(W_ho5, e5), ref.exact_hidden_errors(W_ho5, e5, o5)
    show = lambda v: "[" + ", ".join(f"{float(a):.3f}" for a in v.ravel()) + "]"
    assert show(s5) in prose and show(x5) in prose
    cosine = lambda a, b: float(np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b)))
    assert f"{cosine(s5, x5):.5f}" in prose and f"{cosine(story, exact):.5f}" in prose
    assert 3.9 < float(np.mean(s5 / x5)) < 4.2 and "times about 4" in prose
    printed = _printed()
    _assert_the_step_directions_quoted(prose, printed)
    _assert_the_deep_check_quoted(prose, printed)


def _step_directions(W_ih, W_ho, x, t):
    """Cosines of the story's step with the chain rule's: (W_ih's part, all weights), and how long W_ih's part is."""
    h, o = ref.feedforward(W_ih, W_ho, x)
    e_o = t - o
    story_ih = ref.delta_weights(ref.hidden_errors(W_ho, e_o), h, x, 1.0)
    exact_ih = ref.delta_weights(ref.exact_hidden_errors(W_ho, e_o, o), h, x, 1.0)
    d_ho = ref.delta_weights(e_o, o, h, 1.0)
    cosine = lambda a, b: float(np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b)))
    whole = cosine(np.concatenate([story_ih.ravel(), d_ho.ravel()]), np.concatenate([exact_ih.ravel(), d_ho.ravel()]))
    return cosine(story_ih, exact_ih), whole, float(np.linalg.norm(story_ih) / np.linalg.norm(exact_ih))


def _printed():
    """What each code cell of the solved lesson prints, by grade_id (hidden tests skipped): the numbers a student sees."""
    import contextlib
    import io

    from coursekit.course import grade_info, solution_code
    namespace, printed = {"__name__": "__lesson__"}, {}
    for cell in read("solutions", LESSON).cells:
        info = grade_info(cell)
        if cell.cell_type != "code" or (info.get("grade") and not info.get("solution")):
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec("\n".join(l for l in solution_code(cell.source).splitlines() if not l.startswith("%")), namespace)
        printed[info.get("grade_id")] = out.getvalue()
        plt.close("all")
    return printed


def _assert_the_step_directions_quoted(prose, printed):
    """Nearly the right direction per layer, not for the whole step: the prose quotes both, as the cell prints them."""
    ours = _step_directions(W_IH, W_HO, X, T)
    W_ih5, W_ho5 = np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]]), np.array([[0.2, -0.7, 0.4], [0.5, 0.1, -0.3]])
    lesson05 = _step_directions(W_ih5, W_ho5, np.array([[1.0], [0.5]]), T)
    assert ours[0] > 0.99 and ours[1] < 0.8 and lesson05[1] < 0.9, (ours, lesson05)
    assert f"steps is {ours[0]:.3f} on our network ({lesson05[0]:.3f} on lesson 05's" in prose
    assert f"{ours[2]:.1f} times on ours" in prose
    assert f"only {ours[1]:.3f} ({lesson05[1]:.3f} over the" in prose
    assert "nearly the right direction\" holds for each layer, not for the" in prose
    shown = printed["step_directions"]
    for number in (ours[0], ours[1], lesson05[0], lesson05[1]):
        assert f"cosine {number:.3f}" in shown, (number, shown)
    assert f"{ours[2]:.1f} times as long" in shown, shown


def _assert_the_deep_check_quoted(prose, printed):
    """Three hidden layers of different widths: the chain rule's errors give every layer's slopes of C/2."""
    exact = _deep_check("exact")
    largest = max(error for error, _ in exact)
    shown = printed["deep_gradient_check"]
    assert largest < 1e-7 and f"all 53 weights is `{largest:.0e}`" in prose
    assert f"over all 53 weights {largest:.0e}" in shown, shown
    story = _deep_check("story")
    assert story[-1][0] < 1e-9 and all(error > 0.5 for error, _ in story[:-1])
    for l, (_, longer) in enumerate(story[:-1]):
        assert f"{longer:.1f} times for `W_{l + 1}`" in prose and f"{longer:.1f} times as long" in shown, longer


def _deep_network():
    rng = np.random.default_rng(2606)
    sizes = [3, 5, 4, 3, 2]
    return [rng.normal(0, 1, (n_to, n_from)) for n_from, n_to in zip(sizes[:-1], sizes[1:])]


def _deep_outputs(weights):
    outputs = [X]
    for W in weights:
        outputs.append(ref.sigmoid(W @ outputs[-1]))
    return outputs[1:]


def _deep_check(rule):
    """Per layer of the 3-5-4-3-2 network: (largest relative error against C/2's slopes, step length / the exact one)."""
    weights = _deep_network()
    outs = _deep_outputs(weights)
    feeds, e_L = [X] + outs[:-1], T - outs[-1]
    errors = {"exact": ref.exact_backpropagate_errors(weights, outs, e_L),
              "story": ref.backpropagate_errors(weights, e_L)}
    exact = errors["exact"]
    rows = []
    for l, W in enumerate(weights):
        half = lambda W_l: ref.cost(T, _deep_outputs(weights[:l] + [W_l] + weights[l + 1:])[-1]) / 2
        measured = ref.numerical_gradient(half, W)
        step = -ref.delta_weights(errors[rule][l], outs[l], feeds[l], 1.0)
        exact_step = -ref.delta_weights(exact[l], outs[l], feeds[l], 1.0)
        rows.append((ref.relative_error(step, measured).max(), float(np.linalg.norm(step) / np.linalg.norm(exact_step))))
    return rows


def test_one_hidden_layer_of_the_deep_rule_is_exact_hidden_errors():
    h, o = ref.feedforward(W_IH, W_HO, X)
    e_o = T - o
    got = ref.exact_backpropagate_errors([W_IH, W_HO], [h, o], e_o)
    assert len(got) == 2 and got[1] is e_o and np.array_equal(got[0], ref.exact_hidden_errors(W_HO, e_o, o))


def test_visible_check_rejects_an_answer_that_uses_up_the_callers_lists():
    """Not catalogued (its values are right): check() itself says the list was changed, and how to avoid it."""
    def exact_backpropagate_errors(weights, outputs, output_errors):
        errors = [output_errors]
        while len(weights) > 1:
            W, o = weights.pop(), outputs.pop()
            errors.insert(0, W.T @ (errors[0] * o * (1 - o)))
        return errors
    error = run_until_check(LESSON, "exact_backpropagate_errors", exact_backpropagate_errors)
    assert error is not None and "changed its argument `weights` in place: build a new list instead" in error, error


def test_the_eps_numbers_the_lesson_quotes():
    prose = _prose()
    eps = np.logspace(-1, -13, 49)
    forward, central = ref.difference_errors(ref.sigmoid, 1.0, ref.sigmoid_slope_from_output(ref.sigmoid(1.0)), eps)
    at = np.argmin(np.abs(np.log10(eps) + 5))
    assert f"`{forward[at]:.0e}`" in prose and f"`{central[at]:.0e}`" in prose
    assert f"`{eps[forward.argmin()]:.0e}`" in prose and f"`{forward.min():.0e}`" in prose
    w = 0.7
    w += 1e-5
    w -= 2e-5
    w += 1e-5
    assert w != 0.7


# --- the out-of-kernel grader: f is a function, sent by name ---------------------------------------

def test_curves_travel_into_the_wall_by_name_and_nothing_else_does():
    from functools import partial

    from backprop import curves
    from grader.autograde import out_of_kernel
    K = np.array([[1.5, 2.0], [2.5, 3.0]])
    f = out_of_kernel.decode(json_round_trip(out_of_kernel.encode(partial(curves.exp_sum, K))))
    W = np.array([[0.1, -0.2], [0.3, 0.4]])
    assert f(W) == curves.exp_sum(K, W)
    assert isinstance(out_of_kernel.decode(out_of_kernel.encode(lambda W: 0.0)), out_of_kernel.Foreign)
    assert isinstance(out_of_kernel.decode(out_of_kernel.encode(partial(np.sum, K))), out_of_kernel.Foreign)
    for forged in ("__import__", "np", "_private", "os.system", "exp_sum.__globals__"):
        assert isinstance(out_of_kernel.decode({"curve": forged}), out_of_kernel.Foreign), forged


def json_round_trip(data):
    import json
    return json.loads(json.dumps(data))


@pytest.fixture(scope="module")
def out_of_kernel():
    """Grade one submission of lesson 06 the way `python -m grader grade` checks it outside the kernel."""
    from grader import wall as grading_wall
    from grader.autograde import out_of_kernel
    source = read("solutions", LESSON)
    tests = out_of_kernel.hidden_cases(source)
    setup = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    with grading_wall.Wall(allow_unwalled=True) as wall:  # scoring is tested here, the wall in test_isolation.py

        def grade(nb):
            results, _ = out_of_kernel.run_check(out_of_kernel.student_cells(nb), setup, tests, spawn=wall.python_argv)
            wall.reset()
            return {grade_id: score for grade_id, (score, *_) in out_of_kernel.score_results(tests, results).items()}
        yield grade


def _bank_cases():
    import tomllib
    from coursekit.course import BANK
    entries = tomllib.loads((BANK / f"{LESSON}.toml").read_text())["entry"]
    return [pytest.param(e, id=f"{e['function']}:{e['style']}:{e.get('mistake', i)}") for i, e in enumerate(entries)
            if e["function"] == "numerical_gradient"]


def test_out_of_kernel_check_scores_the_finished_and_the_untouched_lesson(out_of_kernel):
    from coursekit.course import finished
    assert out_of_kernel(finished(LESSON)) == {"test_numerical_gradient": 1.0, "test_exact_hidden_errors": 1.0,
                                               "test_exact_backpropagate_errors": 1.0}
    assert out_of_kernel(read("lessons", LESSON)) == {"test_numerical_gradient": 0.0, "test_exact_hidden_errors": 0.0,
                                                      "test_exact_backpropagate_errors": 0.0}


@pytest.mark.parametrize("entry", _bank_cases())
def test_out_of_kernel_check_agrees_with_the_bank(entry, out_of_kernel):
    """The function argument reaches the walled child: right answers keep the point, wrong ones lose it."""
    from coursekit.course import finished
    scores = out_of_kernel(finished(LESSON, {entry["function"]: entry["code"]}))
    want = 1.0 if entry["style"] == "correct" else 0.0
    assert scores == {"test_numerical_gradient": want, "test_exact_hidden_errors": 1.0,
                      "test_exact_backpropagate_errors": 1.0}, scores
