"""Interactive explorers: ipywidgets controls that redraw a picture from the reference math.

They work before a student writes any code; pass the student's own function as `mine` to see its
answer printed beside the reference.
"""
import os

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from . import pictures
from . import reference as ref

# The lesson 00-01 network: two inputs, two hidden nodes, one output fed by the seed's 0.2 and 0.1.
W_IH = np.array([[0.9, -0.4], [0.3, 0.8]])
W_HO = np.array([[0.2, 0.1]])


def slider(description, value, low, high, step=0.01):
    """A float slider that reports its value only on release-free drags (continuous updates)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=True, readout_format=".2f",
                               style={"description_width": "initial"})


def live(draw, controls, layout="column"):
    """Controls (a dict name -> widget) above an Output that draw(**values) refills on every change."""
    out = widgets.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            draw(**{name: c.value for name, c in controls.items()})
            plt.show()

    for control in controls.values():
        control.observe(redraw, names="value")
    if not os.environ.get("NBGRADER_EXECUTION"):  # nobody looks at pictures while nbgrader grades
        redraw()
    box = widgets.HBox if layout == "row" else widgets.VBox
    return widgets.VBox([box(list(controls.values())), out])


def _yours(mine, *args):
    """A line comparing the student's function with the reference, or '' when there is none."""
    if mine is None:
        return ""
    try:
        return f"your function says: {np.round(mine(*args), 4).tolist()}"
    except NotImplementedError:
        return "your function: not written yet"
    except Exception as exc:  # a student's bug must not break the picture
        return f"your function raised {type(exc).__name__}: {exc}"


def feedforward_explorer(mine=None):
    """Sliders for the two inputs; the network redraws with every node's output (lesson 00)."""
    def draw(x1, x2):
        x = np.array([[x1], [x2]])
        h, o = ref.feedforward(W_IH, W_HO, x)
        fig, ax = plt.subplots(figsize=(6, 3))
        pictures.draw_network([W_IH, W_HO], values=[x, h, o], ax=ax,
                              title=f"o = sigmoid(W_ho @ sigmoid(W_ih @ x)) = {o[0, 0]:.3f}")
        note = _yours(mine, W_IH, W_HO, x)
        if note:
            fig.text(0.5, 0.02, note, ha="center", fontsize=9)
    return live(draw, {"x1": slider("input x1", 1.0, 0, 1), "x2": slider("input x2", 0.0, 0, 1)}, "row")


def sigmoid_explorer():
    """A slider for the weighted sum z; the sigmoid curve marks where it lands (lesson 00)."""
    def draw(z):
        pictures.plot_sigmoid(z)
    return live(draw, {"z": slider("weighted sum z", 0.5, -6, 6, 0.1)})


def error_explorer(mine=None):
    """A slider for the guess and buttons for the target; error arrow and squared cost redraw (lesson 01)."""
    def draw(guess, target):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 4.4), height_ratios=[1, 2])
        pictures.plot_error(target, guess, ax=top)
        pictures.plot_cost_curve(target, guess, ax=bottom)
        note = _yours(mine, target, guess)
        if note:
            top.set_title(note, fontsize=9)
        fig.tight_layout()
    controls = {"guess": slider("guess", 0.7, 0, 1),
                "target": widgets.ToggleButtons(options=[1.0, 0.0], description="target")}
    return live(draw, controls)


# --- lessons 02-03: who is to blame, hidden errors as a matrix -------------------------------

# Lesson 02's two outputs: row 1 is the seed's 0.2 and 0.1 into output 1; errors are the seed's [0.3, -0.4].
W_HO2 = np.array([[0.2, 0.1], [0.1, 0.3]])
E_O2 = np.array([[0.3], [-0.4]])
# Lesson 03: three hidden nodes, two outputs (non-square), and a 2-3-2-1 network for many layers.
W_HO3 = np.array([[0.2, 0.1, 0.5], [0.1, 0.3, 0.2]])
DEEP_WEIGHTS = [np.array([[0.9, -0.4], [0.3, 0.8], [-0.5, 0.6]]), W_HO3, np.array([[0.2, 0.1]])]
DEEP_NAMES = ["x", "a", "b", "o"]


def _weight_sliders(W, low=-1.0, high=1.0):
    """One slider per entry of W, named w<destination><source> as in the lessons."""
    return {f"w{i + 1}{j + 1}": slider(f"w{i + 1}{j + 1}", float(W[i, j]), low, high, 0.05)
            for i in range(W.shape[0]) for j in range(W.shape[1])}


def _matrix(values, shape):
    return np.array([values[f"w{i + 1}{j + 1}"] for i in range(shape[0]) for j in range(shape[1])]).reshape(shape)


def _columns(ui, *groups):
    """Rearrange live()'s controls into side-by-side columns (groups of control names)."""
    controls = {c.description: c for c in ui.children[0].children}
    ui.children = (widgets.HBox([widgets.VBox([controls[name] for name in group]) for group in groups]),
                   ui.children[1])
    return ui


def _no_sum(ax, message):
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
        note = _yours(mine, weights, error)
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
        note = _yours(mine, W, e)
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
        note = _yours(mine, W, E_O2)
        if note:
            fig.text(0.5, 0.01, note, ha="center", fontsize=9)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    controls = dict(rule=widgets.ToggleButtons(options=["proportional", "dropped denominators"], description="rule"),
                    **_weight_sliders(W_HO2, 0.0, 1.0))
    ui = live(draw, controls)
    rule = ui.children[0].children[0]
    sliders = {c.description: c for c in ui.children[0].children[1:]}
    ui.children = (widgets.VBox([rule, widgets.HBox([widgets.VBox([sliders["w11"], sliders["w12"]]),
                                                     widgets.VBox([sliders["w21"], sliders["w22"]])])]),
                   ui.children[1])
    return ui


def _yours_list(mine, *args):
    """Like _yours, for a function that returns a list of columns."""
    try:
        return "your function says: " + ", ".join(str(np.round(np.ravel(e), 4).tolist()) for e in mine(*args))
    except NotImplementedError:
        return "your function: not written yet"
    except Exception as exc:  # a student's bug must not break the picture
        return f"your function raised {type(exc).__name__}: {exc}"


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



# --- lessons 04-05: nudging a weight, the delta-weight formula -------------------------------

def descent_explorer(mine=None, w=-0.5, x=2.0, target=1.0):
    """A learning-rate slider: gradient descent's steps down one weight's cost curve, and the cost per step (lesson 04).

    With mine=nudge_line the title also shows your function's first step for the same weight.
    """
    def draw(lr, steps):
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.3), width_ratios=[3, 2])
        pictures.plot_descent(w, x, target, lr, steps, ax=left)
        path = np.array(pictures.descent_path(w, x, target, lr, steps))
        pictures.plot_cost_steps((target - path * x) ** 2, ax=right, title="cost after each step")
        note = _yours(mine, w, 0.0, x, target, lr)
        if note:
            fig.suptitle(f"first step from w = {w}: reference {path[1]:.4f}; {note} (new m, new b)", fontsize=9)
        fig.tight_layout()
    controls = {"lr": slider("learning rate", 0.1, 0.01, 0.6),
                "steps": widgets.IntSlider(value=10, min=1, max=30, description="steps")}
    return live(draw, controls)


def slope_explorer(mine=None):
    """A slider for the weighted sum z: the sigmoid with its tangent, and the same slope read off y alone (lesson 04)."""
    def draw(z):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 5.6))
        pictures.plot_sigmoid(z, ax=top, tangent=True)
        y = float(ref.sigmoid(z))
        pictures.plot_slope_from_output(y, ax=bottom, show_wrong=True)
        note = _yours(mine, y)
        if note:
            bottom.set_title(f"{bottom.get_title()}; {note}", fontsize=9)
        fig.tight_layout()
    return live(draw, {"z": slider("weighted sum z", 1.0, -6, 6, 0.1)})


def delta_weights_explorer(W_ih, W_ho, x, mine=None):
    """Sliders for the two targets and the learning rate; a net with 2 outputs redraws with every weight's change (lesson 05).

    Errors come from the seed's story: e_o = t - o, e_h = W_ho.T @ e_o; with mine=delta_weights the
    title shows your dW_ho too.
    """
    h, o = ref.feedforward(W_ih, W_ho, x)

    def draw(t1, t2, lr):
        t = np.array([[t1], [t2]])
        e_o = ref.output_error(t, o)
        e_h = ref.hidden_errors(W_ho, e_o)
        dW_ih, dW_ho = ref.delta_weights(e_h, h, x, lr), ref.delta_weights(e_o, o, h, lr)
        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        pictures.draw_weight_changes([dW_ih, dW_ho], values=[x, h, o], ax=ax,
                                     title=f"weight changes for targets {t.ravel().tolist()}: "
                                           "blue = weight grows, red = shrinks, width = size")
        note = _yours(mine, e_o, o, h, lr)
        if note:
            fig.text(0.5, 0.02, f"dW_ho: {note}", ha="center", fontsize=9)
    controls = {"t1": slider("target 1", 1.0, 0, 1), "t2": slider("target 2", 0.0, 0, 1),
                "lr": slider("learning rate", 0.5, 0.05, 2.0, 0.05)}
    return live(draw, controls)


# --- lesson 04: new explorers go right below this line ----------------------------------------

# --- end of lesson 04 ---


# --- lesson 05: new explorers go right below this line ----------------------------------------

# --- end of lesson 05 ---


# --- lesson 06: new explorers go right below this line ----------------------------------------

# --- end of lesson 06 ---


# --- lesson 07: new explorers go right below this line ----------------------------------------

# --- end of lesson 07 ---


# --- lesson 08: new explorers go right below this line ----------------------------------------

# --- end of lesson 08 ---


# --- lesson 09: new explorers go right below this line ----------------------------------------

def _yours_slope(mine, *args):
    """Like _yours, but a function that returns booleans is shown as it is, not as a crash of the rounding."""
    try:
        got = mine(*args)
    except NotImplementedError:
        return "your function: not written yet"
    except Exception as exc:  # a student's bug must not break the picture
        return f"your function raised {type(exc).__name__}: {exc}"
    if np.asarray(got).dtype == np.bool_:
        return f"your function says: {np.asarray(got).tolist()} (booleans: return floats)"
    try:
        return f"your function says: {np.round(np.asarray(got, dtype=float), 4).tolist()}"
    except (TypeError, ValueError):
        return f"your function says: {got!r}"


def activation_explorer(tanh_slope=None, relu_slope=None):
    """A slider for the weighted sum z: sigmoid, tanh and ReLU with their tangents and slopes there (lesson 09).

    With tanh_slope=tanh_slope_from_output and relu_slope=relu_slope, your functions' answers for the
    same z are printed under the picture (tanh's from its output tanh(z), ReLU's from z itself).
    """
    def draw(z):
        z = round(z, 6)  # a slider's 0 may arrive as 1e-17: the corner of ReLU must be exactly 0
        notes = []
        if tanh_slope is not None:
            notes.append(f"tanh_slope_from_output({np.tanh(z):.3f}): " + _yours_slope(tanh_slope, float(np.tanh(z))))
        if relu_slope is not None:
            notes.append(f"relu_slope([[{z:g}]]): " + _yours_slope(relu_slope, np.array([[z]])))
        pictures.plot_activations(z, footer="   ".join(notes) or None)
    return live(draw, {"z": slider("weighted sum z", 1.0, -4, 4, 0.1)})


# --- end of lesson 09 ---


# --- lesson 10: new explorers go right below this line ----------------------------------------

# --- end of lesson 10 ---
