"""Lesson 09 (other activation functions): its pictures, its explorer, the boolean-slope decision, its saved results."""
import importlib.util
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop import checks, network, pictures, widgets, xor_activations
from backprop import reference as ref
from coursekit.course import ROOT, read

matplotlib.use("Agg")


def _stub(*args):
    raise NotImplementedError()


def _crashes(*args):
    raise ValueError("operands could not be broadcast together")


def _benchmark():
    spec = importlib.util.spec_from_file_location("activations_xor", ROOT / "benchmarks" / "activations_xor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the explorer ---------------------------------------------------------------------------------

STUDENT = {"none": None, "stub": _stub, "reference": "reference",
           "booleans": lambda v: v > 0, "crashes": _crashes}


def _footer(fig):
    return [t.get_text() for t in fig.texts if t.get_text().startswith(("tanh_slope", "relu_slope"))]


@pytest.mark.parametrize("mine", sorted(STUDENT))
def test_activation_explorer_builds_and_redraws_when_the_slider_moves(mine, rendered):
    """It draws on creation and on every move, whatever the student's functions do; their answers sit in the footer."""
    tanh_slope = ref.tanh_slope_from_output if STUDENT[mine] == "reference" else STUDENT[mine]
    relu_slope = ref.relu_slope if STUDENT[mine] == "reference" else STUDENT[mine]
    box = widgets.activation_explorer(tanh_slope=tanh_slope, relu_slope=relu_slope)
    footers = [_footer(fig) for fig in rendered]
    assert len(footers) == 1
    slider = box.children[0].children[0]
    slider.value = -2.0
    footers, titles = [_footer(fig) for fig in rendered], [[t.get_text() for t in fig.texts] for fig in rendered]
    assert len(footers) == 2 and titles[0] != titles[1], "moving z did not change the picture's numbers"
    if mine == "none":
        assert footers[-1] == []
        return
    footer = footers[-1][0]
    expected = {"stub": "not written yet", "reference": "your function says: 0.0707",
                "booleans": "(booleans: return floats)", "crashes": "your function raised ValueError"}[mine]
    assert expected in footer, footer
    if mine == "reference":
        assert "relu_slope([[-2]]): your function says: [[0.0]]" in footer


def test_activation_explorer_puts_relus_corner_at_exactly_zero(rendered):
    """A slider value of 1e-17 is the corner z = 0: the verdict says so instead of 'dead'."""
    box = widgets.activation_explorer()
    box.children[0].children[0].value = 1e-17
    texts = [[t.get_text() for t in fig.texts] for fig in rendered]
    assert any("at the corner z = 0" in t for t in texts[-1]), texts[-1]


# --- the pictures -------------------------------------------------------------------------------

def _inside(fig):
    """Everything the figure draws fits in it (its tight box, in inches, lies within the figure's size)."""
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    return box.x0 >= -0.01 and box.y0 >= -0.01 and box.x1 <= width + 0.01 and box.y1 <= height + 0.01


@pytest.mark.parametrize("z", [None, -3.9, -1.3, 0.0, 0.7, 3.7])
@pytest.mark.parametrize("footer", [None, "tanh_slope_from_output(0.604): your function says: 0.6347   "
                                          "relu_slope([[0.7]]): your function says: [[1.0]]"])
def test_plot_activations_labels_do_not_overlap_and_fit(z, footer):
    """No two labels overlap, the lines under the panels stay clear of them, and nothing leaves the figure."""
    fig = pictures.plot_activations(z, footer=footer)
    assert fig.get_figwidth() <= 10
    assert _inside(fig), "something is cut off"
    lines = [(t.get_text(), t.get_window_extent()) for t in fig.texts]
    assert len(lines) == (3 if z is not None else 0) + (1 if footer else 0)
    renderer = fig.canvas.get_renderer()
    panels = [ax.get_tightbbox(renderer) for ax in fig.axes]
    for i, (text, box) in enumerate(lines):
        for other, other_box in lines[i + 1:]:
            assert not box.overlaps(other_box), f"{text!r} overlaps {other!r}"
        for panel in panels:
            assert not box.overlaps(panel), f"{text!r} overlaps a panel"
    for ax in fig.axes:  # inside each panel: the legend's entries and the tick labels do not collide
        inner = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.get_legend().get_texts()]
        for i, (text, box) in enumerate(inner):
            for other, other_box in inner[i + 1:]:
                assert not box.overlaps(other_box), f"{text!r} overlaps {other!r}"
    plt.close(fig)


def test_plot_activations_draws_the_three_curves_and_their_slopes():
    """Left: sigmoid, tanh, ReLU over z; right: y(1-y), 1-y**2 and ReLU's step, with its corner's two dots."""
    fig = pictures.plot_activations()
    left, right = fig.axes
    zs = np.linspace(-4, 4, 401)
    curves = [line.get_ydata() for line in left.get_lines() if len(line.get_xdata()) == 401]
    assert np.allclose(curves[0], ref.sigmoid(zs)) and np.allclose(curves[1], np.tanh(zs))
    assert np.allclose(curves[2], np.maximum(0, zs))
    slopes = [line for line in right.get_lines() if len(line.get_xdata()) == 401]
    assert np.allclose(slopes[0].get_ydata(), ref.sigmoid(zs) * (1 - ref.sigmoid(zs)))
    assert np.allclose(slopes[1].get_ydata(), 1 - np.tanh(zs) ** 2)
    dots = [(tuple(l.get_xdata()), tuple(l.get_ydata()), l.get_markerfacecolor()) for l in right.get_lines()
            if len(l.get_xdata()) == 1]
    assert ((0,), (1,), "white") in dots and any(d[:2] == ((0,), (0,)) and d[2] != "white" for d in dots)
    plt.close(fig)


@pytest.mark.parametrize("z", [-2.5, -0.4, 0.0, 0.3, 1.9])
def test_activation_values_are_each_functions_output_and_numerical_slope(z):
    values = network.activation_values(z)
    eps = 1e-6
    for name, f in {"sigmoid": ref.sigmoid, "tanh": np.tanh, "relu": ref.relu}.items():
        y, slope = values[name]
        assert y == pytest.approx(float(f(z)))
        if name == "relu" and z == 0:
            assert slope == 0.0  # the corner: the course's convention, not the central difference's 0.5
        else:
            assert slope == pytest.approx((f(z + eps) - f(z - eps)) / (2 * eps), abs=1e-8)


def test_activation_verdicts_say_where_each_saturates_or_dies():
    assert "saturated: only 9.4%" in pictures.activation_verdict("sigmoid", 3.7)
    # the lesson's "Slide to z = 4: ... 7.1% of its steepest, tanh's to 0.1%"
    assert "saturated: only 7.1% of its steepest" in pictures.activation_verdict("sigmoid", 4.0)
    assert "saturated: only 0.1% of its steepest" in pictures.activation_verdict("tanh", 4.0)
    assert "18% of its steepest" in pictures.activation_verdict("sigmoid", 3.0)
    assert "saturated: only 0.2%" in pictures.activation_verdict("tanh", 3.7)
    assert "saturated" not in pictures.activation_verdict("tanh", 0.5)
    assert "dead" in pictures.activation_verdict("relu", -0.1)
    assert "corner" in pictures.activation_verdict("relu", 0.0)
    assert "passes back unchanged" in pictures.activation_verdict("relu", 0.1)


def test_loss_curves_and_solved_by_epoch_show_what_they_are_given():
    curves = {"sigmoid": [0.3, 0.2, 0.1], "tanh": [0.3, 0.05, 0.01], "relu": [0.3, 0.2, 0.2]}
    ax = pictures.plot_loss_curves(curves)
    assert [list(l.get_ydata()) for l in ax.get_lines()] == list(curves.values())
    assert [t.get_text() for t in ax.get_legend().get_texts()][1] == "tanh hidden layer:\nmean cost 0.0100 at the end"
    plt.close("all")
    ax = pictures.plot_solved_by_epoch({"sigmoid": [2, None, 0, None], "relu": [None] * 4}, 5)
    shares = [list(l.get_ydata()) for l in ax.get_lines()]
    assert shares[0] == [0, 0.25, 0.25, 0.5, 0.5, 0.5] and shares[1] == [0] * 6
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid: 2 of 4 solved", "ReLU: 0 of 4 solved"]
    plt.close("all")


# --- the boolean slope: rejected, for arrays as for numbers ---------------------------------------

def test_boolean_arrays_are_not_numbers():
    """A slope of True/False is rejected where numbers are expected, for arrays as it already was for numbers."""
    assert "booleans" in str(checks.compare(np.array([[True], [False]]), np.array([[1.0], [0.0]])))
    assert checks.compare(np.array([[True], [False]]), np.array([[True], [False]])) is None
    assert checks.compare(np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]])) is None
    assert checks.compare(True, 1.0) is not None


def test_a_relu_slope_of_booleans_is_named_and_told_to_return_floats():
    def relu_slope(z):
        return z > 0
    with pytest.raises(AssertionError, match=re.escape("return floats, e.g. (z > 0).astype(float)")):
        checks.check(relu_slope, np.array([[-1.0], [0.0], [2.0]]))
    with pytest.raises(AssertionError, match=re.escape("return floats")):
        checks.check(relu_slope, np.array([[-1.0, 0.0, 2.0]]), name="relu_slope", hidden=True)


def test_the_slope_read_from_the_output_is_the_same_everywhere_so_it_is_not_a_mistake():
    """relu(z) > 0 exactly where z > 0 (relu(0) = 0): no input tells the two apart, the bank lists it as correct."""
    z = np.concatenate([np.linspace(-3, 3, 601), [0.0, -0.0, 1e-300, -1e-300]])
    assert np.array_equal((ref.relu(z) > 0).astype(float), ref.relu_slope(z))


def test_the_networks_relu_layer_uses_the_slope_from_z():
    z = np.array([[-1.0], [0.0], [2.0]])
    assert np.array_equal(network.RELU.slope(z, ref.relu(z)), [[0.0], [0.0], [1.0]])
    assert np.allclose(network.TANH.slope(None, np.array([[0.5]])), [[0.75]])


# --- the saved results of benchmarks/activations_xor.py -------------------------------------------

def test_saved_results_cover_every_start():
    settings = xor_activations.SETTINGS
    assert set(xor_activations.RESULTS) == set(settings["hidden_sizes"])
    for by_name in xor_activations.RESULTS.values():
        assert list(by_name) == ["sigmoid", "tanh", "relu"]
        for name, record in by_name.items():
            assert all(len(v) == settings["starts"] for v in record.values())
            for when, loss in zip(record["solved_at"], record["final_loss"]):
                assert when is None or 0 <= when < settings["epochs"]


def test_saved_results_agree_with_a_fresh_run_of_the_first_starts():
    """The lesson quotes a file, not a live run: recompute starts 0 and 1 of the 2-2-1 net (and 0 of 2-4-1)."""
    bench = _benchmark()
    settings = xor_activations.SETTINGS
    for n_hidden, starts in ((2, (0, 1)), (4, (0,))):
        for hidden in bench.HIDDEN:
            saved = xor_activations.RESULTS[n_hidden][hidden.name]
            for k in starts:
                fresh = bench.run(n_hidden, hidden, k, settings["lr"], settings["epochs"], settings["threshold"])
                assert {key: saved[key][k] for key in fresh} == fresh, (n_hidden, hidden.name, k)


def test_docs_table_is_the_saved_results_table():
    bench = _benchmark()
    table = bench.markdown(xor_activations.SETTINGS, bench.summary(xor_activations.SETTINGS, xor_activations.RESULTS))
    assert table in (ROOT / "docs" / "activations.md").read_text()


def test_the_lessons_prose_quotes_the_saved_numbers():
    """Every count and median the lesson's text states is the one the saved results give."""
    text = "\n".join(c.source for c in read("solutions", "09_activations").cells if c.cell_type == "markdown")
    text = text.replace("**", "")
    summary = {(r["net"], r["hidden"]): r for r in _benchmark().summary(xor_activations.SETTINGS, xor_activations.RESULTS)}
    for name in ("sigmoid", "tanh", "relu"):
        row, label = summary[("2-2-1", name)], pictures.ACTIVATION_NAMES[name]
        # the summary counts epochs from 1, as the lesson does (the saved solved_at from 0: losses[k] is epoch k + 1's)
        assert re.search(rf"{label} solves (only )?{row['solved']} of 100[^.]*median {row['median']:.0f} epochs", text), name
        assert re.search(rf"{label} (solves )?{summary[('2-4-1', name)]['solved']}\b", text), name
    relu = summary[("2-2-1", "relu")]
    assert f"{relu['failed_with_dead_node']} of the {relu['runs'] - relu['solved']} failed ReLU runs" in text
    assert f"{relu['dead_from_the_start']} of the 100 starting weights had such a node" in text
    start0 = {name: xor_activations.RESULTS[2][name]["solved_at"][0] for name in ("sigmoid", "tanh")}
    assert f"epoch {start0['tanh'] + 1}" in text and f"epoch {start0['sigmoid'] + 1}" in text
    assert f"{start0['tanh'] + 1} and {start0['sigmoid'] + 1}" not in text
    assert f"the same epochs, {start0['sigmoid'] + 1} and {start0['tanh'] + 1}" in text


def test_the_slopes_the_lesson_quotes_are_the_ones_it_computes():
    """tanh's slope is the larger one only near 0: the crossing and the z = 3 slopes are quoted as computed."""
    text = " ".join(c.source for c in read("solutions", "09_activations").cells if c.cell_type == "markdown").split()
    text = " ".join(text)
    fine = np.linspace(0, 5, 500001)
    tanh_slope, sigmoid_slope = 1 - np.tanh(fine) ** 2, ref.sigmoid(fine) * (1 - ref.sigmoid(fine))
    crossing = fine[tanh_slope > sigmoid_slope].max()
    assert np.all(tanh_slope[fine > crossing] < sigmoid_slope[fine > crossing])
    assert f"`|z| = {crossing:.2f}`" in text and f"`|z| < {crossing:.2f}`" in text
    s, t = ref.sigmoid(3.0), np.tanh(3.0)
    assert f"down to {s * (1 - s):.4f} and tanh's to {1 - t ** 2:.4f}" in text
    assert "every error comes back bigger" not in text and "the formula is right" not in text
    assert "the formula passes the check, at five points" in text


def test_the_prompts_give_the_idea_not_the_expression():
    """Before each answer cell, the lesson does not write the answer out: the student writes the expression."""
    cells = read("lessons", "09_activations").cells  # what the student sees, the answer cell's stub included
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
    tanh_answers = ("1 - y**2", "1 - h**2", "1 - y ** 2", "1 - t ** 2", "1 - np.tanh", "1 - \\tanh(z)^2")
    for name, answers in (("tanh_slope_from_output", tanh_answers),
                          ("relu", ("np.maximum", "np.where", "np.clip", "z * (z > 0)"))):
        before = "\n".join(c.source for c in cells[:ids.index(name) + 1])
        for answer in answers:
            assert answer not in before, f"the lesson writes {answer!r} before {name}'s answer cell"


@pytest.mark.parametrize("draw", ["loss_curves", "solved_by_epoch"])
def test_race_pictures_keep_their_legend_beside_the_curves_and_inside_the_figure(draw):
    results = xor_activations.RESULTS[2]
    if draw == "loss_curves":
        curves = {name: np.geomspace(0.3, 10.0 ** -(k + 1), 2000) for k, name in enumerate(results)}
        ax = pictures.plot_loss_curves(curves, title="XOR from the same starting weights")
    else:
        ax = pictures.plot_solved_by_epoch({n: r["solved_at"] for n, r in results.items()}, 3000, title="100 starts")
    fig = ax.figure
    assert fig.get_figwidth() <= 10
    assert _inside(fig), "something is cut off"
    renderer = fig.canvas.get_renderer()
    assert not ax.get_legend().get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    plt.close(fig)
