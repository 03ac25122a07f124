"""Pictures a student can read: in every network picture no label covers another label or a node."""
import itertools

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from backprop import pictures, widgets
from backprop import reference as ref
from backprop.pictures.networks import _overlap
from readable import overlapping_texts, texts_outside_axes, texts_over_lines

matplotlib.use("Agg")

W_IH = np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]])
W_HO = np.array([[0.2, -0.7, 0.4], [0.5, 0.1, -0.3]])
X = np.array([[1.0], [0.5]])


def _collisions(ax):
    """Pairs of texts (and texts over nodes they do not belong to) whose drawn boxes overlap."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    found = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
             if _overlap(box_a, box_b) > 1.0]
    circles = [p for p in ax.patches if isinstance(p, matplotlib.patches.Circle)]
    for text in texts:
        inside = any(np.allclose(text.get_position(), c.center) for c in circles)
        if inside:
            continue
        box = text.get_window_extent(renderer)
        found += [(text.get_text(), f"node at {c.center}") for c in circles
                  if _overlap(box, c.get_window_extent(renderer)) > 1.0]
    return found


def _lesson_networks():
    """Every network picture the lessons draw, with the values they show."""
    h, o = ref.feedforward(widgets.W_IH, widgets.W_HO, np.array([[1.0], [0.0]]))
    yield "00 network", lambda: pictures.draw_network([widgets.W_IH, widgets.W_HO])
    yield "00 explorer", lambda: pictures.draw_network([widgets.W_IH, widgets.W_HO], values=[[1, 0], h, o])
    yield "02 two outputs", lambda: pictures.draw_network([widgets.W_HO2], values=[[0.1, -0.2], [0.3, -0.4]],
                                                          names=["e_h", "e_o"])
    errors = ref.backpropagate_errors(widgets.DEEP_WEIGHTS, np.array([[0.3]]))
    yield "03 deep", lambda: pictures.draw_network(widgets.DEEP_WEIGHTS, values=[None] + errors,
                                                   names=widgets.DEEP_NAMES)
    h5, o5 = ref.feedforward(W_IH, W_HO, X)
    e_o = np.array([[1.0], [0.0]]) - o5
    changes = [ref.delta_weights(W_HO.T @ e_o, h5, X, 0.5), ref.delta_weights(e_o, o5, h5, 0.5)]
    yield "05 changes", lambda: pictures.draw_weight_changes(changes, values=[X, h5, o5])
    yield "3-4-2", lambda: pictures.draw_network([np.random.default_rng(1).normal(size=(4, 3)),
                                                  np.random.default_rng(2).normal(size=(2, 4))])
    from backprop import autograd
    graph_cost, graph_names = pictures.neuron_graph()
    autograd.backward(graph_cost, autograd.RULES)
    yield "11 value graph", lambda: pictures.draw_value_graph(graph_cost, graph_names)


@pytest.mark.parametrize("name, draw", list(_lesson_networks()), ids=lambda v: v if isinstance(v, str) else "")
def test_no_label_covers_another_label_or_a_node(name, draw):
    ax = draw()
    try:
        assert not _collisions(ax), f"{name}: overlapping labels {_collisions(ax)}"
    finally:
        plt.close(ax.figure)


def test_the_overlap_test_can_fail():
    """Two labels on the same spot are reported (the test above is not vacuous)."""
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "+0.20")
    ax.text(0.5, 0.5, "-0.70")
    assert _collisions(ax)
    plt.close(fig)


EXPLORERS = ["feedforward_explorer", "blame_explorer", "blame_two_outputs_explorer", "matrix_explorer",
             "error_flow_explorer"]


@pytest.mark.parametrize("name", EXPLORERS + ["delta_weights_explorer"])
def test_explorers_network_pictures_have_no_overlapping_labels(name, rendered):
    """The networks inside the explorers, at the sizes the explorers draw them."""
    args = (W_IH, W_HO, X) if name == "delta_weights_explorer" else ()
    getattr(widgets, name)(*args)
    assert rendered
    try:
        for fig in rendered:
            for ax in fig.axes:
                if any(isinstance(p, matplotlib.patches.Circle) for p in ax.patches):
                    assert not _collisions(ax), f"{name}: overlapping labels {_collisions(ax)}"
    finally:
        plt.close("all")


def _some_pictures():
    """One call of each way the lessons make a figure: a single Axes, several, a Figure, a lesson's own."""
    pictures.draw_network([widgets.W_IH, widgets.W_HO])
    pictures.plot_transpose_fit(W_HO, np.array([[0.3], [-0.4]]))
    pictures.plot_pinned()
    pictures.plot_activations()
    pictures.subplots(1, 2)


def test_no_picture_is_shown_while_nbgrader_grades(monkeypatch):
    """While nbgrader grades (NBGRADER_EXECUTION set) figures are made but pyplot keeps none to render."""
    plt.close("all")
    monkeypatch.setenv(pictures.GRADING, "autograde")
    _some_pictures()
    assert plt.get_fignums() == []
    monkeypatch.delenv(pictures.GRADING)
    _some_pictures()
    assert len(plt.get_fignums()) == 5
    plt.close("all")


@pytest.mark.parametrize("target, guess", [(1.0, 0.7), (0.0, 0.95), (1.0, 0.97), (0.5, 0.5), (0.02, 0.0),
                                           (0.3, 0.9), (1.0, 0.0), (0.85, 0.6)])
def test_the_error_line_names_its_points_inside_the_frame_and_off_the_line(target, guess):
    """Lesson 01's number line: each point named beside it (no legend markers that read as more points),
    every name inside the frame, over no marker or line, and over no other name."""
    fig, ax = plt.subplots(figsize=(5, 1.6))
    pictures.plot_error(target, guess, ax=ax)
    try:
        assert ax.get_legend() is None
        assert not texts_outside_axes(ax), texts_outside_axes(ax)
        assert not texts_over_lines(ax), texts_over_lines(ax)
        assert not overlapping_texts(fig), overlapping_texts(fig)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("values", [[0.2, 0.1], [0.2, -0.1], [-0.2, -0.1], [0.0, 0.0], [1.0, 0.001]])
def test_bar_numbers_stay_inside_the_frame(values):
    """Lesson 02's bars: the number on each bar is inside the frame (not touching it) and under no title."""
    fig, ax = plt.subplots(figsize=(4, 3))
    pictures.plot_bars(values, ["h1", "h2"], ax=ax, title="h1 takes 67%, h2 takes 33% of +0.30")
    try:
        assert not texts_outside_axes(ax, tolerance=-2.0), texts_outside_axes(ax, tolerance=-2.0)
        assert not overlapping_texts(fig), overlapping_texts(fig)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("W", [[[0.2, 0.1], [0.15, 0.3]], [[0.1, 0.1], [0.1, 0.1]], [[0.9, -0.4], [0.3, 0.8]]])
def test_labels_of_crossing_edges_each_sit_on_their_own_edge(W):
    """Lesson 03's 2 x 2 picture: the two edges that cross carry their labels apart from the crossing,
    so no label box is crossed by the edge that crosses its own (a reader can tell which number is whose)."""
    fig, ax = plt.subplots(figsize=(4.5, 3.4))
    pictures.draw_network([np.array(W)], values=[np.array([[0.1], [0.2]]), np.array([[0.3], [-0.4]])],
                          names=["e_h", "e_o"], ax=ax)
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        labels = [t for t in ax.texts if t.get_bbox_patch() is not None]
        assert len(labels) == 4
        for label in labels:
            box = label.get_window_extent(renderer)
            (x, y) = ax.transData.transform(label.get_position())
            lines = {line: line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
                     for line in ax.get_lines()}
            own = next(ends for ends in lines.values()
                       if np.min(np.hypot(*(np.linspace(*ends, 400) - (x, y)).T)) < 1.0)
            crossing = []
            for line, points in lines.items():
                if np.isclose(points, own[0]).all(axis=1).any() or np.isclose(points, own[1]).all(axis=1).any():
                    continue  # its own edge, or one sharing a node with it
                track = np.linspace(points[0], points[-1], 200)
                inside = ((track[:, 0] > box.x0) & (track[:, 0] < box.x1)
                          & (track[:, 1] > box.y0) & (track[:, 1] < box.y1))
                if inside.any():
                    crossing.append(line)
            assert not crossing, f"label {label.get_text()} is crossed by another edge"
    finally:
        plt.close(fig)


def test_every_figure_says_what_it_shows():
    """alt text from the figure's titles, or from the axes it plots when a panel has no title."""
    from backprop.pictures import alt
    fig, (left, right) = plt.subplots(1, 2)
    left.set_title("C/2 as W_ih[0, 0] moves")
    right.set_xlabel("eps")
    right.set_ylabel("relative error")
    fig.suptitle("the gradient check")
    try:
        assert alt.alt_text(fig) == "Picture: the gradient check; C/2 as W_ih[0, 0] moves; relative error against eps"
        page = alt.figure_html(fig)
        assert page.startswith('<img src="data:image/png;base64,') and 'alt="Picture: the gradient check;' in page
    finally:
        plt.close(fig)


def test_in_a_notebook_figures_are_shown_with_their_alt_text():
    """In IPython, a Figure's display is one <img> with alt text (text/html), not a bare PNG."""
    from IPython.core.interactiveshell import InteractiveShell

    from backprop.pictures import alt
    shell = InteractiveShell.instance()
    alt.install()
    fig, ax = plt.subplots()
    ax.set_title("the sigmoid")
    try:
        data, _ = shell.display_formatter.format(fig)
        assert "image/png" not in data and 'alt="Picture: the sigmoid"' in data["text/html"]
    finally:
        plt.close(fig)


def _palettes():
    """The colours the pictures use to tell things apart, as (what, colour a, colour b)."""
    from backprop.pictures.activations import ACTIVATION_COLOURS
    from backprop.pictures.style import NEGATIVE, OUTPUT_COLOURS, POSITIVE
    from backprop.pictures.xor import RULE_STYLES
    yield "weight signs", POSITIVE, NEGATIVE
    for (a, ca), (b, cb) in itertools.combinations(ACTIVATION_COLOURS.items(), 2):
        yield f"activations {a}/{b}", ca, cb
    for i, j in itertools.combinations(range(3), 2):
        yield f"outputs o{i + 1}/o{j + 1}", OUTPUT_COLOURS[i], OUTPUT_COLOURS[j]
    yield "XOR rules", RULE_STYLES["exact"]["color"], RULE_STYLES["story"]["color"]
    from backprop.pictures.blame import RULE_COLOURS
    yield "blame rules", *RULE_COLOURS


@pytest.mark.parametrize("deficiency", [None, "protanopia", "deuteranopia", "tritanopia"])
def test_colours_that_mean_different_things_stay_apart_for_colour_blind_eyes(deficiency):
    """Every pair the pictures tell apart by colour alone is at least 40 CIELAB units apart, simulated."""
    from colour_vision import distance
    close = [(what, round(distance(a, b, deficiency))) for what, a, b in _palettes() if distance(a, b, deficiency) < 40]
    assert not close, f"with {deficiency or 'typical vision'}: {close}"


def test_the_gradient_checks_bands_have_a_second_cue():
    """Green and red bands look alike with deuteranopia: the legend names what each band means."""
    from backprop.pictures import plot_relative_errors
    plt.close("all")
    try:
        plot_relative_errors({"story": {"W_ih": np.array([[0.5]]), "W_ho": np.array([[1e-11]])},
                              "exact": {"W_ih": np.array([[1e-10]]), "W_ho": np.array([[1e-11]])}})
        texts = " ".join(t.get_text() for f in map(plt.figure, plt.get_fignums()) for leg in f.legends + [
            a.get_legend() for a in f.axes if a.get_legend()] for t in leg.get_texts())
        assert "they agree" in texts and "something is wrong" in texts, texts
    finally:
        plt.close("all")


def test_lesson_07s_fans_keep_their_words_off_the_curves():
    """The pinned fans of lesson 07: every word on the axes sits where no line or curve runs."""
    axes = pictures.plot_pinned()
    try:
        for ax in axes:
            assert not texts_over_lines(ax), texts_over_lines(ax)
            assert not texts_outside_axes(ax), texts_outside_axes(ax)
        assert not overlapping_texts(axes[0].figure)
    finally:
        plt.close("all")
