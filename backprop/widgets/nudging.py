"""Lessons 04-05: gradient descent down one weight, the sigmoid's slope, a wiggled weight, every weight's change."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures
from .. import reference as ref
from .controls import live, slider, yours

# The story's single node: input 2 and the weight that makes it guess exactly 0.7 against a target of 1.
NODE_X, NODE_TARGET = 2.0, 1.0
NODE_W = float(np.log(0.7 / 0.3) / NODE_X)


def descent_explorer(mine=None, w=-0.5, x=2.0, target=1.0):
    """A learning-rate slider: gradient descent's steps down one weight's cost curve, and the cost per step (lesson 04).

    With mine=nudge_line the title also shows your function's first step for the same weight.
    """
    def draw(lr, steps):
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.3), width_ratios=[3, 2])
        pictures.plot_descent(w, x, target, lr, steps, ax=left)
        path = np.array(ref.descent_path(w, x, target, lr, steps))
        pictures.plot_cost_steps((target - path * x) ** 2, ax=right, title="cost after each step")
        note = yours(mine, w, 0.0, x, target, lr)
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
        note = yours(mine, y)
        if note:
            bottom.set_title(f"{bottom.get_title()}; {note}", fontsize=9)
        fig.tight_layout()
    return live(draw, {"z": slider("weighted sum z", 1.0, -6, 6, 0.1)})


def wiggle_explorer(w=NODE_W):
    """Sliders for one weight and a wiggle size: the chain rule's slope of the cost against the measured one (lesson 04)."""
    def draw(w, wiggle):
        pictures.plot_wiggle(w, wiggle, NODE_X, NODE_TARGET).figure.tight_layout()
    return live(draw, {"w": slider("weight w", round(w, 2), -1.5, 2.5, 0.01),
                       "wiggle": slider("wiggle size", 0.1, 0.01, 0.5, 0.01)})


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
        note = yours(mine, e_o, o, h, lr)
        if note:
            fig.text(0.5, 0.02, f"dW_ho: {note}", ha="center", fontsize=9)
    controls = {"t1": slider("target 1", 1.0, 0, 1), "t2": slider("target 2", 0.0, 0, 1),
                "lr": slider("learning rate", 0.5, 0.05, 2.0, 0.05),
                "w11": slider("weight h1 -> o1", float(W_ho[0, 0]), -8, 8, 0.1),
                "w21": slider("weight h1 -> o2", float(W_ho[1, 0]), -8, 8, 0.1)}
    return live(draw, controls)
