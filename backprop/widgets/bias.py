"""Lesson 07: a stuck node freed by its bias, and a network trained step by step on one example."""
from copy import deepcopy

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures
from .. import reference as ref
from .controls import live, run_student, slider


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
        costs, outputs, trained = ref.training_run(ref.train_step, params, x, target, lr, steps)
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
    # the student's step may change params in place: it gets its own copy
    costs, problem = run_student("your train_step", lambda: ref.training_run(mine, deepcopy(params), x.copy(),
                                                                             target.copy(), lr, steps)[0])
    return problem or f"your train_step, the same {steps} steps: cost {costs[-1]:.4f}"
