"""Lessons 00-01: the story's network fed forward, the sigmoid, and the error with its squared cost."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures
from .. import reference as ref
from .controls import live, slider, yours

# The lesson 00-01 network: two inputs, two hidden nodes, one output fed by the story's 0.2 and 0.1.
W_IH = np.array([[0.9, -0.4], [0.3, 0.8]])
W_HO = np.array([[0.2, 0.1]])


def feedforward_explorer(mine=None):
    """Sliders for the two inputs; the network redraws with every node's output (lesson 00)."""
    def draw(x1, x2):
        x = np.array([[x1], [x2]])
        h, o = ref.feedforward(W_IH, W_HO, x)
        fig, ax = plt.subplots(figsize=(6, 3))
        pictures.draw_network([W_IH, W_HO], values=[x, h, o], ax=ax,
                              title=f"o = sigmoid(W_ho @ sigmoid(W_ih @ x)) = {o[0, 0]:.3f}")
        note = yours(mine, W_IH, W_HO, x)
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
        note = yours(mine, target, guess)
        if note:
            top.set_title(note, fontsize=9)
        fig.tight_layout()
    controls = {"guess": slider("guess", 0.7, 0, 1),
                "target": widgets.ToggleButtons(options=[1.0, 0.0], description="target")}
    return live(draw, controls)
