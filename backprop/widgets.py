"""Interactive explorers: ipywidgets controls that redraw a picture from the reference math.

They work before a student writes any code; pass the student's own function as `mine` to see its
answer printed beside the reference.
"""
import threading

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from . import pictures
from . import reference as ref

# The lesson 00-01 network: two inputs, two hidden nodes, one output fed by the story's 0.2 and 0.1.
W_IH = np.array([[0.9, -0.4], [0.3, 0.8]])
W_HO = np.array([[0.2, 0.1]])


def slider(description, value, low, high, step=0.01):
    """A float slider that reports its value only on release-free drags (continuous updates)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=True, readout_format=".2f",
                               style={"description_width": "initial"})


# One drawing at a time: ipykernel 7 may handle a widget's message while another is being handled, and
# pyplot's figures are shared (a figure closed by one drawing while another draws loses its canvas).
DRAWING = threading.Lock()


def live(draw, controls, layout="column"):
    """Controls (a dict name -> widget) above an Output that draw(**values) refills on every change."""
    out = widgets.Output()

    def redraw(change=None):
        with DRAWING, out:
            out.clear_output(wait=True)
            before = set(plt.get_fignums())
            try:
                draw(**{name: c.value for name, c in controls.items()})
            except Exception:  # a drawing that failed half-way must not show up in the next one
                for number in set(plt.get_fignums()) - before:
                    plt.close(number)
                raise
            plt.show()

    for control in controls.values():
        control.observe(redraw, names="value")
    if not pictures.grading():  # nobody looks at pictures while nbgrader grades
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

# Lesson 02's two outputs: row 1 is the story's 0.2 and 0.1 into output 1; errors are the story's [0.3, -0.4].
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


COLUMN_WIDTH = "280px"  # three columns of sliders fit beside each other in a 1280-pixel window


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
    """Sliders for the targets, the learning rate and the two weights from h1; every weight's change redraws (lesson 05).

    The weights from h1 reach far enough to push each output near 0 or 1, where its slope o (1 - o)
    and with it every change into that output nearly vanish. Errors follow the story: e_o = t - o,
    e_h = W_ho.T @ e_o; with mine=delta_weights the picture shows your dW_ho too.
    """
    def draw(t1, t2, lr, w11, w21):
        W = W_ho.astype(float).copy()
        W[0, 0], W[1, 0] = w11, w21
        h, o = ref.feedforward(W_ih, W, x)
        t = np.array([[t1], [t2]])
        e_o = ref.output_error(t, o)
        e_h = ref.hidden_errors(W, e_o)
        dW_ih, dW_ho = ref.delta_weights(e_h, h, x, lr), ref.delta_weights(e_o, o, h, lr)
        fig, ax = plt.subplots(figsize=(8, 4.2))
        slopes = ", ".join(f"o{i + 1} = {v:.3f} (slope {v * (1 - v):.3f})" for i, v in enumerate(o.ravel()))
        pictures.draw_weight_changes([dW_ih, dW_ho], values=[x, h, o], ax=ax,
                                     title=f"{slopes}\nblue = weight grows, red = shrinks, width = size")
        note = _yours(mine, e_o, o, h, lr)
        if note:
            fig.text(0.5, 0.02, f"dW_ho: {note}", ha="center", fontsize=9)
    controls = {"t1": slider("target 1", 1.0, 0, 1), "t2": slider("target 2", 0.0, 0, 1),
                "lr": slider("learning rate", 0.5, 0.05, 2.0, 0.05),
                "w11": slider("weight h1 -> o1", float(W_ho[0, 0]), -8, 8, 0.1),
                "w21": slider("weight h1 -> o2", float(W_ho[1, 0]), -8, 8, 0.1)}
    return live(draw, controls)


# --- lesson 04 ---

# The story's single node: input 2 and the weight that makes it guess exactly 0.7 against a target of 1.
NODE_X, NODE_TARGET = 2.0, 1.0
NODE_W = float(np.log(0.7 / 0.3) / NODE_X)


def wiggle_explorer(w=NODE_W):
    """Sliders for one weight and a wiggle size: the chain rule's slope of the cost against the measured one (lesson 04)."""
    def draw(w, wiggle):
        pictures.plot_wiggle(w, wiggle, NODE_X, NODE_TARGET).figure.tight_layout()
    return live(draw, {"w": slider("weight w", round(w, 2), -1.5, 2.5, 0.01),
                       "wiggle": slider("wiggle size", 0.1, 0.01, 0.5, 0.01)})


# --- lesson 05 ---


# --- lesson 06 ---

def _slopes_of_half_cost(W_ih, W_ho, x, t):
    """Minus lesson 05's delta weights at lr = 1, for the story's and the chain rule's hidden errors: slopes of C/2."""
    h, o = ref.feedforward(W_ih, W_ho, x)
    e_o = ref.output_error(t, o)
    slope_ho = -ref.delta_weights(e_o, o, h, 1.0)
    return {"story": {"W_ih": -ref.delta_weights(ref.hidden_errors(W_ho, e_o), h, x, 1.0), "W_ho": slope_ho},
            "exact": {"W_ih": -ref.delta_weights(ref.exact_hidden_errors(W_ho, e_o, o), h, x, 1.0), "W_ho": slope_ho}}


def _your_slope(mine, f, W, index, eps):
    """The student's numerical_gradient at one entry, as a short phrase (never raises)."""
    if mine is None:
        return ""
    given = np.array(W, dtype=float)
    try:
        slope = float(np.asarray(mine(f, given, eps))[index])
    except NotImplementedError:
        return "your numerical_gradient: not written yet"
    except Exception as exc:  # a student's bug must not break the picture
        return f"your numerical_gradient raised {type(exc).__name__}: {exc}"
    changed = "" if np.array_equal(given, W) else " (and it changed W: work on a copy)"
    return f"your numerical_gradient: {slope:+.8f}{changed}"


def gradient_check_explorer(W_ih, W_ho, x, t, mine=None):
    """Pick a weight, eps (log slider) and a rule: C/2 along that weight with both rules' slopes, and how far the
    forward and central estimates are from the chosen rule's slope for every eps (lesson 06).

    W_ih (n_hid, n_in), W_ho (n_out, n_hid), x (n_in, 1), t (n_out, 1); with mine=numerical_gradient your
    slope for the chosen weight is shown too.
    """
    matrices = {"W_ih": np.array(W_ih, dtype=float), "W_ho": np.array(W_ho, dtype=float)}
    slopes = _slopes_of_half_cost(matrices["W_ih"], matrices["W_ho"], x, t)
    eps_grid = np.logspace(0, -13, 53)
    names = {f"{layer}[{i}, {j}]": (layer, (i, j)) for layer, W in matrices.items()
             for i in range(W.shape[0]) for j in range(W.shape[1])}

    def half_cost_of(layer):
        def f(W):
            pair = dict(matrices, **{layer: W})
            return ref.cost(t, ref.feedforward(pair["W_ih"], pair["W_ho"], x)[1]) / 2
        return f

    def draw(weight, eps, compare):
        layer, index = names[weight]
        f_layer = half_cost_of(layer)
        w = float(matrices[layer][index])

        def f(value):
            W = matrices[layer].copy()
            W[index] = value
            return f_layer(W)

        chain, story = slopes["exact"][layer][index], slopes["story"][layer][index]
        fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 4.0), width_ratios=[1, 1.2])
        lines = {f"chain rule: slope {chain:+.4f}": (chain, dict(color=pictures.POSITIVE, lw=1.5)),
                 f"story's rule: slope {story:+.4f}": (story, dict(color=pictures.NEGATIVE, ls="--", lw=1.5))}
        pictures.plot_cost_along_weight(f, w, lines, ax=left, eps=eps, title=f"C/2 as {weight} moves (now {w:+.2f})")
        target = chain if compare == "chain rule" else story
        forward, central = pictures.difference_errors(f, w, target, eps_grid)
        pictures.plot_eps_errors(eps_grid, forward, central, ax=right, mark=eps,
                                 title=f"relative error against the {compare}'s slope", ylim=(1e-14, 1e6))
        now_forward, now_central = (f(w + eps) - f(w)) / eps, (f(w + eps) - f(w - eps)) / (2 * eps)
        note = f"eps = {eps:.1e}:  forward {now_forward:+.8f},  central {now_central:+.8f},  {compare} {target:+.8f}"
        yours = _your_slope(mine, f_layer, matrices[layer], index, eps)
        fig.text(0.5, 0.055, note, ha="center", fontsize=9)
        if yours:
            fig.text(0.5, 0.01, yours, ha="center", fontsize=9)
        fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.24, wspace=0.28)

    controls = {"weight": widgets.Dropdown(options=list(names), value="W_ih[0, 0]", description="weight"),
                "eps": widgets.FloatLogSlider(value=1e-5, base=10, min=-12, max=0, step=0.5, description="eps",
                                              readout_format=".0e", continuous_update=True),
                "compare": widgets.ToggleButtons(options=["chain rule", "story's rule"], description="compare with")}
    return live(draw, controls)


# --- lesson 07 ---

def stuck_node_explorer():
    """Sliders for one node's weight w and bias b: sigmoid(w x) beside sigmoid(w x + b) on the 0 -> 1, 1 -> 0 task (lesson 07)."""
    def draw(w, b):
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.3), sharey=True)
        pictures.plot_node(w, None, ax=left)
        pictures.plot_node(w, b, ax=right)
        left.text(0.04, 0.06, "without bias: stuck at 0.5 for x = 0", transform=left.transAxes, fontsize=8,
                  color=pictures.NEGATIVE)
        right.text(0.04, 0.06, "with bias b", transform=right.transAxes, fontsize=8, color=pictures.POSITIVE)
        right.set_ylabel("")
        fig.tight_layout()
    return live(draw, {"w": slider("weight w", -2.0, -8, 8, 0.1), "b": slider("bias b", 0.0, -8, 8, 0.1)}, "row")


def training_explorer(params, x, target, mine=None):
    """Sliders for the learning rate and the number of steps on one example: the cost curve and the net after training (lesson 07).

    params {W_ih, b_h, W_ho, b_o}; with mine=train_step a line below gives your function's cost after the same steps.
    """
    def draw(lr, steps):
        costs, outputs, trained = pictures.training_run(ref.train_step, params, x, target, lr, steps)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.8), width_ratios=[1, 1.8])
        pictures.plot_cost_steps(costs, ax=left, title=f"cost {costs[0]:.4f} -> {costs[-1]:.4f}")
        left.lines[0].set_marker("")
        h = ref.sigmoid(trained["W_ih"] @ x + trained["b_h"])
        pictures.draw_network_with_bias(trained, values=[x, h, outputs[-1]], ax=right,
                                        title=f"after {steps} steps (lr {lr:.2f}): outputs "
                                              f"{np.round(outputs[-1], 3).tolist()}, targets {target.ravel().tolist()}")
        note = _yours_training(mine, params, x, target, lr, steps)
        if note:
            fig.text(0.5, 0.01, note, ha="center", fontsize=9)
        fig.tight_layout(rect=(0, 0.05 if note else 0, 1, 1))
    controls = {"lr": slider("learning rate", 0.5, 0.05, 3.0, 0.05),
                "steps": widgets.IntSlider(value=100, min=1, max=500, description="steps",
                                           style={"description_width": "initial"})}
    return live(draw, controls)


def _yours_training(mine, params, x, target, lr, steps):
    """A line giving the cost after `steps` calls of the student's train_step, or '' when there is none."""
    if mine is None:
        return ""
    from copy import deepcopy  # the student's step may change params in place: it gets its own copy
    try:
        costs, _, _ = pictures.training_run(mine, deepcopy(params), x.copy(), target.copy(), lr, steps)
        return f"your train_step, the same {steps} steps: cost {costs[-1]:.4f}"
    except NotImplementedError:
        return "your train_step: not written yet"
    except Exception as exc:  # a student's bug must not break the picture
        return f"your train_step raised {type(exc).__name__}: {exc}"


# --- lesson 08 ---

import base64 as _base64  # noqa: E402

from . import network as _network  # noqa: E402


def _png_output(png):
    """An Output widget's display_data entry holding PNG bytes."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": _base64.b64encode(png).decode("ascii"),
                     "text/plain": "<the network's loss and output>"}}


class XorTrainer:
    """The live XOR trainer of lesson 08: controls, Train/Stop buttons, a progress bar and a redrawn picture.

    Training runs network.train in a background thread, so the notebook stays usable; every few epochs
    its on_epoch callback redraws the picture, and returns False (training stops) once Stop was pressed.
    """

    def __init__(self, mine=None, lr=1.0, hidden=2, epochs=2000, start=0, rule="exact", frames=25):
        self.mine, self.frames = mine, frames
        style = {"description_width": "initial"}
        self.controls = {
            "lr": widgets.FloatSlider(value=lr, min=0.05, max=8.0, step=0.05, description="learning rate",
                                      continuous_update=False, readout_format=".2f", style=style),
            "hidden": widgets.IntSlider(value=hidden, min=1, max=8, description="hidden nodes",
                                        continuous_update=False, style=style),
            "epochs": widgets.IntSlider(value=epochs, min=100, max=5000, step=100, description="epochs",
                                        continuous_update=False, style=style),
            "start": widgets.IntSlider(value=start, min=0, max=49, description="random start",
                                       continuous_update=False, style=style),
            "rule": widgets.ToggleButtons(options=["exact", "story"], value=rule, description="rule", style=style),
        }
        self.train_button = widgets.Button(description="Train", button_style="success", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger", icon="stop", disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=epochs, description="epoch")
        self.counter = widgets.Label(value=f"0 / {epochs}")
        self.picture = widgets.Output()
        self.train_button.on_click(lambda _: self.train())
        self.stop_button.on_click(lambda _: self.stop())
        for control in self.controls.values():
            control.observe(lambda change: self.preview(), names="value")
        c = self.controls
        self.box = widgets.VBox([
            widgets.HBox([widgets.VBox([c["lr"], c["hidden"]]), widgets.VBox([c["epochs"], c["start"]])]),
            c["rule"],
            widgets.HBox([self.train_button, self.stop_button, self.progress, self.counter]),
            self.picture])
        self.box.trainer = self
        self.thread, self.running, self.redraws = None, False, 0
        self.stop_requested = threading.Event()
        self.result = None  # (params, losses) of the last run
        self.preview()

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    @staticmethod
    def grading():
        return pictures.grading()  # nobody watches while nbgrader grades

    def _describe(self, v):
        return (f"2-{v['hidden']}-1 network, learning rate {v['lr']:.2f}, {v['epochs']} epochs, "
                f"random start {v['start']}, {v['rule']} rule")

    def _yours(self, params):
        """What the student's predict says on the four rows, beside the reference."""
        if self.mine is None:
            return ""
        want = np.round(_network.predict(params, pictures.XOR_INPUTS.T).ravel(), 3).tolist()
        try:
            got = np.round(np.concatenate([np.ravel(self.mine(params, x.reshape(-1, 1)))
                                           for x in pictures.XOR_INPUTS]), 3).tolist()
        except NotImplementedError:
            return "\nyour predict: not written yet"
        except Exception as exc:  # a student's bug must not break the picture
            return f"\nyour predict raised {type(exc).__name__}: {exc}"
        return f"\nyour predict on the four rows: {got}; the reference says {want}"

    def draw(self, picture, params, losses, note):
        """Replace the picture (one message: no flicker) with the loss curve and the output surface."""
        png = picture.update(params, losses)
        self.picture.outputs = (_png_output(png),
                                {"output_type": "stream", "name": "stdout", "text": note + self._yours(params) + "\n"})
        self.redraws += 1

    def preview(self):
        """The untrained network for the current settings (nothing is drawn while grading or training)."""
        if self.grading() or self.running:
            return
        v = self.values()
        self.progress.max, self.progress.value, self.counter.value = v["epochs"], 0, f"0 / {v['epochs']}"
        self.draw(pictures.XorTrainingPicture(v["epochs"]), _network.init_params(2, v["hidden"], 1, seed=v["start"]),
                  [], f"before training: {self._describe(v)}. Press Train.")

    def train(self):
        """Start training in a background thread (the Train button); does nothing while grading or running."""
        if self.grading() or self.running:
            return
        self.running = True
        self.stop_requested.clear()
        self._enable(False)
        self.thread = threading.Thread(target=self._run, args=(self.values(),), daemon=True)
        self.thread.start()

    def stop(self):
        """Ask the running training to stop after its current epoch (the Stop button)."""
        self.stop_requested.set()

    def _enable(self, idle):
        for control in list(self.controls.values()) + [self.train_button]:
            control.disabled = not idle
        self.stop_button.disabled = idle

    def _run(self, v):
        epochs = v["epochs"]
        params = _network.init_params(2, v["hidden"], 1, seed=v["start"])
        every = max(1, epochs // self.frames)
        picture = pictures.XorTrainingPicture(epochs)

        def on_epoch(epoch, p, losses):
            self.progress.value, self.counter.value = epoch + 1, f"{epoch + 1} / {epochs}"
            self.draw(picture, p, losses, f"training: {self._describe(v)}")
            return not self.stop_requested.is_set()

        try:
            self.progress.max, self.progress.value = epochs, 0
            params, losses = _network.train(params, pictures.XOR_INPUTS, pictures.XOR_TARGETS, v["lr"], epochs,
                                            seed=v["start"], rule=v["rule"], every=every, on_epoch=on_epoch)
            self.result = (params, losses)
            outputs = _network.predict(params, pictures.XOR_INPUTS.T).ravel()
            right = bool(np.all((outputs > 0.5) == (pictures.XOR_TARGETS.ravel() > 0.5)))
            if len(losses) < epochs:
                verdict = f"stopped after {len(losses)} of {epochs} epochs"
            elif right:
                verdict = f"learnt XOR: all four outputs on the right side of 0.5 after {epochs} epochs"
            else:
                verdict = (f"not learnt after {epochs} epochs: stuck, which is normal for some random starts "
                           "(see the table below); try another start or more hidden nodes")
            self.draw(picture, params, losses, f"{verdict} ({self._describe(v)})")
        except Exception as exc:  # shown, not lost in a thread
            self.picture.outputs = ({"output_type": "stream", "name": "stderr",
                                     "text": f"training failed: {type(exc).__name__}: {exc}\n"},)
        finally:
            self.running = False
            self._enable(True)


def xor_trainer(mine=None, lr=1.0, hidden=2, epochs=2000, start=0, rule="exact"):
    """Train a 2-n-1 network on XOR live: loss curve and output surface redraw every few epochs (lesson 08).

    Train starts a run in the background with the chosen settings and Stop ends it early; with
    mine=predict the picture also shows your predict on the four rows.
    """
    return XorTrainer(mine, lr, hidden, epochs, start, rule).box


# --- lesson 09 ---

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


# --- lesson 10 ---

INK_LEVELS = (0.0, 0.5, 1.0)  # a click darkens a square one step: empty, grey, black, then empty again


def _next_ink(value):
    """The ink level after one click on a square holding `value` (0..1)."""
    return INK_LEVELS[1] if value < 0.25 else INK_LEVELS[2] if value < 0.75 else INK_LEVELS[0]


def _ink_colour(value):
    grey = int(round(255 * (1 - float(value))))
    return f"#{grey:02x}{grey:02x}{grey:02x}"


def digit_drawing(params, images=None, labels=None):
    """An 8 x 8 grid of squares to click (empty, grey, black) beside the network's ten outputs as bars (lesson 10).

    params: the trained network (read with the course's predict); images (n, 64) and labels (n,):
    held-out digits to start from (the first of each kind). The box carries .pixels (the 64
    buttons), .image (64,), .outputs() and .start for tests.
    """
    starts = {"a blank page": np.zeros(64)}
    if images is not None and labels is not None:
        for digit in range(10):
            found = np.flatnonzero(np.asarray(labels) == digit)
            if len(found):
                starts[f"a held-out {digit}"] = np.asarray(images, dtype=float)[found[0]].copy()
    image = starts["a blank page"].copy()
    out = widgets.Output(layout=widgets.Layout(min_width="470px"))
    square = widgets.Layout(width="30px", height="30px", padding="0px", margin="0px", border="1px solid #bbb")
    pixels = [widgets.Button(description="", tooltip=f"row {k // 8 + 1}, column {k % 8 + 1}", layout=square)
              for k in range(64)]
    grid = widgets.GridBox(pixels, layout=widgets.Layout(grid_template_columns="repeat(8, 30px)",
                                                         grid_gap="1px", width="max-content", margin="8px 12px 0 0"))
    start = widgets.Dropdown(options=list(starts), value="a blank page", description="start from",
                             style={"description_width": "initial"})
    clear = widgets.Button(description="clear", tooltip="every square back to empty")

    def outputs():
        return ref.predict(params, image.reshape(64, 1))

    def redraw():
        for button, value in zip(pixels, image):
            button.style.button_color = _ink_colour(value)
        if pictures.grading():
            return
        o = outputs()
        with DRAWING, out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(4.8, 2.9))
            best = int(np.argmax(o))
            pictures.plot_outputs(o, ax=ax, title=f"the network's guess: {best} (output {float(o[best, 0]):.2f})")
            fig.tight_layout()
            plt.show()

    def click(k):
        def handler(_button):
            image[k] = _next_ink(image[k])
            redraw()
        return handler

    def restart(change=None):
        image[:] = starts[start.value]
        redraw()

    def wipe(_button):
        image[:] = 0.0
        redraw()

    for k, button in enumerate(pixels):
        button.on_click(click(k))
    start.observe(restart, names="value")
    clear.on_click(wipe)
    redraw()
    box = widgets.VBox([widgets.HBox([start, clear]), widgets.HBox([grid, out])])
    box.pixels, box.image, box.outputs, box.start = pixels, image, outputs, start
    return box

