"""Lessons 02-03: who is to blame (each hidden node's share of the errors) and hidden errors as a matrix."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures
from .. import reference as ref
from .controls import live, run_student, slider, yours

# Lesson 02's two outputs: row 1 is the story's 0.2 and 0.1 into output 1; errors are the story's [0.3, -0.4].
W_HO2 = np.array([[0.2, 0.1], [0.1, 0.3]])
E_O2 = np.array([[0.3], [-0.4]])
# Lesson 03: three hidden nodes, two outputs (non-square), and a 2-3-2-1 network for many layers.
W_HO3 = np.array([[0.2, 0.1, 0.5], [0.1, 0.3, 0.2]])
DEEP_WEIGHTS = [np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]]), W_HO3, np.array([[0.2, 0.1]])]
DEEP_NAMES = ["x", "a", "b", "o"]
COLUMN_WIDTH = "280px"  # three columns of sliders fit beside each other in a 1280-pixel window


def _weight_sliders(W, low=-1.0, high=1.0):
    """One slider per entry of W, named w<destination><source> as in the lessons."""
    return {f"w{i + 1}{j + 1}": slider(f"w{i + 1}{j + 1}", float(W[i, j]), low, high, 0.05)
            for i in range(W.shape[0]) for j in range(W.shape[1])}


def _matrix(values, shape):
    """The matrix of `shape` from the sliders' values {w<destination><source>: value}."""
    return np.array([values[f"w{i + 1}{j + 1}"] for i in range(shape[0]) for j in range(shape[1])]).reshape(shape)


def _columns(ui, *groups):
    """Rearrange live()'s controls into side-by-side columns (groups of control names)."""
    controls = {c.description: c for c in ui.children[0].children}
    for control in controls.values():
        control.layout.width = COLUMN_WIDTH
    ui.children = (widgets.HBox([widgets.VBox([controls[name] for name in group]) for group in groups],
                                layout=widgets.Layout(flex_flow="row wrap")),
                   ui.children[1])
    return ui


def _no_sum(ax, message):
    """An empty panel saying why there is nothing to draw (the shares divide by zero)."""
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color=pictures.NEGATIVE, wrap=True)
    ax.axis("off")


def blame_explorer(mine=None):
    """Sliders for two weights into one output and for its error; each hidden node's share redraws (lesson 02)."""
    def draw(w11, w12, error):
        weights = np.array([w11, w12])
        total = weights.sum()
        fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.2), width_ratios=[1, 1.1])
        if abs(total) < 1e-9:
            pictures.draw_network([weights.reshape(1, 2)], values=[None, [error]], names=["e_h", "e_o"], ax=left)
            _no_sum(right, "w11 + w12 = 0:\nevery share w / (w11 + w12)\ndivides by zero")
        else:
            shares = ref.split_error(weights, error)
            pictures.draw_network([weights.reshape(1, 2)], values=[shares, [error]], names=["e_h", "e_o"], ax=left,
                                  title="errors at the nodes")
            pictures.plot_bars(shares, ["h1", "h2"], ax=right,
                               title=f"h1 takes {w11 / total:.0%}, h2 takes {w12 / total:.0%} of {error:+.2f}")
        note = yours(mine, weights, error)
        if note:
            fig.text(0.5, 0.01, note, ha="center", fontsize=9)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return live(draw, {"w11": slider("w11", 0.2, -1, 1, 0.05), "w12": slider("w12", 0.1, -1, 1, 0.05),
                       "error": slider("error", 0.3, -1, 1, 0.05)}, "row")


def blame_two_outputs_explorer(mine=None):
    """Sliders for W_ho (2 x 2) and both output errors; the network and each hidden node's parts redraw (lesson 02)."""
    def draw(**values):
        W = _matrix(values, (2, 2))
        e = np.array([[values["e1"]], [values["e2"]]])
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), width_ratios=[1, 1.3])
        if np.any(np.abs(W.sum(axis=1)) < 1e-9):
            pictures.draw_network([W], values=[None, e], names=["e_h", "e_o"], ax=left)
            _no_sum(right, "the weights into one output add up to 0:\nits shares divide by zero")
        else:
            e_h = ref.hidden_errors_proportional(W, e)
            pictures.draw_network([W], values=[e_h, e], names=["e_h", "e_o"], ax=left, title="errors at the nodes")
            pictures.plot_blame(W, e, ax=right, title="each hidden node's part of each output's error")
        note = yours(mine, W, e)
        if note:
            fig.text(0.5, 0.01, note, ha="center", fontsize=9)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    controls = dict(_weight_sliders(W_HO2), e1=slider("e1", 0.3, -1, 1, 0.05), e2=slider("e2", -0.4, -1, 1, 0.05))
    return _columns(live(draw, controls), ["w11", "w12"], ["w21", "w22"], ["e1", "e2"])


def matrix_explorer(mine=None):
    """Toggle the proportional rule against dropped denominators on a 2 x 2 W_ho; both results side by side (lesson 03)."""
    def draw(rule, **values):
        W = _matrix(values, (2, 2))
        dropped = ref.hidden_errors(W, E_O2)
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), width_ratios=[1, 1.2])
        if np.any(np.abs(W.sum(axis=1)) < 1e-9):
            proportional = np.full_like(dropped, np.nan)
        else:
            proportional = ref.hidden_errors_proportional(W, E_O2)
        shown = proportional if rule == "proportional" else dropped
        formula = "sum_i w_ij / (row i's sum) * e_i" if rule == "proportional" else "W_ho.T @ e_o"
        pictures.draw_network([W], values=[shown, E_O2], names=["e_h", "e_o"], ax=left, title=f"e_h = {formula}")
        pictures.plot_rule_comparison(proportional, dropped, selected=rule, ax=right,
                                      title=f"row sums {W[0].sum():.2f} and {W[1].sum():.2f}")
        note = yours(mine, W, E_O2)
        if note:
            fig.text(0.5, 0.01, note, ha="center", fontsize=9)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    controls = dict(rule=widgets.ToggleButtons(options=["proportional", "dropped denominators"], description="rule",
                                                   style={"button_width": "auto"}),  # whole names, not "dropped denomi…"
                    **_weight_sliders(W_HO2, 0.0, 1.0))
    ui = live(draw, controls)
    rule = ui.children[0].children[0]
    sliders = {c.description: c for c in ui.children[0].children[1:]}
    ui.children = (widgets.VBox([rule, widgets.HBox([widgets.VBox([sliders["w11"], sliders["w12"]]),
                                                     widgets.VBox([sliders["w21"], sliders["w22"]])])]),
                   ui.children[1])
    return ui


def _yours_list(mine, *args):
    """Like yours, for a function that returns a list of columns."""
    said, problem = run_student("your function", lambda: ", ".join(str(np.round(np.ravel(e), 4).tolist())
                                                                   for e in mine(*args)))
    return problem or "your function says: " + said


def error_flow_explorer(weights=None, output_errors=None, mine=None):
    """A slider for how many steps back the error has travelled through a deep net; e_l = W_{l+1}.T @ e_{l+1} (lesson 03)."""
    weights = DEEP_WEIGHTS if weights is None else weights
    output_errors = np.array([[0.3]]) if output_errors is None else output_errors
    errors = ref.backpropagate_errors(weights, output_errors)
    L = len(weights)
    names = DEEP_NAMES if L == 3 else None

    def draw(steps):
        values = [None] + [e if l >= L - 1 - steps else None for l, e in enumerate(errors)]
        last = L - steps
        title = ("e_{0} = output errors".format(L) if steps == 0
                 else f"step {steps}: e_{last} = W_{last + 1}.T @ e_{last + 1}, shape {errors[last - 1].shape}")
        fig, ax = plt.subplots(figsize=(7, 3.4))
        pictures.draw_network(weights, values=values, names=names, ax=ax, title=title)
        if mine is not None:
            fig.text(0.5, 0.01, _yours_list(mine, weights, output_errors), ha="center", fontsize=9)
    return live(draw, {"steps": widgets.IntSlider(value=0, min=0, max=L - 1, description="steps back")})
