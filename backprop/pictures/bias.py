"""Lesson 07: why a node needs a bias (the stuck-node task), the bias as a weight from 1, one example trained."""
import matplotlib.pyplot as plt
import numpy as np

from .. import reference as ref
from ..reference import NOT_INPUTS, NOT_TARGETS
from .nudging import plot_cost_steps
from .style import NEGATIVE, NODE, OUTPUT_COLOURS, POSITIVE, axes_or_new, sign_colour, subplots

BIAS_COLOURS = {"without bias": NEGATIVE, "with bias": POSITIVE}


def plot_pinned(axes=None):
    """Two fans: lines y = m x all pass through (0, 0); sigmoid(w x) curves all pass through (0, 0.5)."""
    made = axes is None
    if made:
        _, axes = subplots(1, 2, figsize=(9, 3.2))
    left, right = axes
    xs = np.linspace(-1.5, 1.5, 121)
    for k, m in enumerate(np.linspace(-2, 2, 9)):
        left.plot(xs, m * xs, color=plt.get_cmap("coolwarm")(k / 8), lw=1.2)
    left.plot([0], [0], "o", color="#333", ms=7, zorder=3)
    left.set_title("a line without intercept b:\nevery line y = m x passes through (0, 0)", fontsize=10)
    left.set_xlabel("x")
    left.set_ylabel("y = m x")
    left.set_ylim(-3.2, 3.2)
    for k, w in enumerate(np.linspace(-8, 8, 9)):
        right.plot(xs, ref.sigmoid(w * xs), color=plt.get_cmap("coolwarm")(k / 8), lw=1.2)
    right.plot([0], [0.5], "o", color="#333", ms=7, zorder=3)
    right.plot(NOT_INPUTS, NOT_TARGETS, "*", color="#2ca02c", ms=14, zorder=4)
    box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9)
    right.text(0.1, 1.12, "we want 1 at x = 0", fontsize=8, color="#2ca02c", va="center", bbox=box)
    right.text(1.0, 0.3, "and 0 at x = 1", fontsize=8, color="#2ca02c", ha="center", va="center", bbox=box)
    right.set_title("a sigmoid node without bias:\nevery sigmoid(w x) says 0.5 at x = 0", fontsize=10)
    right.set_xlabel("input x")
    right.set_ylabel("o = sigmoid(w x)")
    right.set_ylim(-0.05, 1.22)
    for ax in axes:
        ax.axhline(0, color="#ddd", lw=0.8, zorder=0)
        ax.axvline(0, color="#ddd", lw=0.8, zorder=0)
    if made:
        axes[0].figure.tight_layout()
    return axes


def plot_node(w, b=None, ax=None, title=None, colour=None):
    """The curve sigmoid(w x + b) (b None: no bias at all) with the task's targets and each guess's error."""
    ax = axes_or_new(ax, (4.5, 3.2))
    bias = 0.0 if b is None else b
    colour = colour or (NEGATIVE if b is None else POSITIVE)
    xs = np.linspace(-0.5, 1.5, 121)
    ax.plot(xs, ref.sigmoid(w * xs + bias), color=colour, lw=1.8)
    for x, t in zip(NOT_INPUTS, NOT_TARGETS):
        o = float(ref.sigmoid(w * x + bias))
        ax.plot([x, x], [o, t], color="#999", lw=1, ls=":", zorder=1)
        ax.plot([x], [o], "o", color=colour, ms=7, zorder=3)
    ax.plot(NOT_INPUTS, NOT_TARGETS, "*", color="#2ca02c", ms=14, zorder=4)
    if b is None:
        ax.plot([0], [0.5], "o", ms=13, mfc="none", mec="#333", zorder=5)
    formula = f"sigmoid({w:+.2f} x)" if b is None else f"sigmoid({w:+.2f} x {b:+.2f})"
    o0, o1 = (float(ref.sigmoid(w * x + bias)) for x in NOT_INPUTS)
    ax.set_title(title or f"{formula}\no(0) = {o0:.2f}, o(1) = {o1:.2f}, cost {ref.node_cost(w, bias):.3f}", fontsize=9)
    ax.axhline(0.5, color="#ddd", lw=0.8, zorder=0)
    ax.set_xlabel("input x")
    ax.set_ylabel("output o")
    ax.set_ylim(-0.05, 1.08)
    return ax


def draw_bias_node(ax=None, w=None, b=None):
    """One sigmoid node with two inputs: x (weight w) and a node that always says 1 (weight b, the bias)."""
    ax = axes_or_new(ax, (4.6, 2.4))
    inputs = {"x": (0.0, 0.55), "1": (0.0, -0.55)}
    node = (1.6, 0.0)
    for (name, (x0, y0)), weight, label in zip(inputs.items(), (w, b), ("w", "b")):
        value = 1.0 if weight is None else weight
        ax.plot([x0, node[0]], [y0, node[1]], color=sign_colour(value), lw=2,
                ls="-" if name == "x" else "--", zorder=1)
        text = label if weight is None else f"{label} = {weight:+.2f}"
        ax.text(x0 + 0.5 * (node[0] - x0), y0 + 0.5 * (node[1] - y0), text, fontsize=9, ha="center", va="center",
                zorder=3, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
        ax.add_patch(plt.Circle((x0, y0), 0.22, fc=NODE if name == "x" else "#e8e8e8", ec="#333", zorder=2))
        ax.text(x0, y0, name, ha="center", va="center", fontsize=10, zorder=4)
    ax.add_patch(plt.Circle(node, 0.26, fc=NODE, ec="#333", zorder=2))
    ax.text(*node, "o", ha="center", va="center", fontsize=10, zorder=4)
    ax.text(node[0] + 0.38, 0.0, "o = sigmoid(w x + b \N{MIDDLE DOT} 1)", fontsize=10, va="center")
    ax.text(0.0, -0.95, "always 1", fontsize=8, ha="center", va="center", color="#555")
    ax.set_xlim(-0.4, 4.1)
    ax.set_ylim(-1.15, 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_bias_runs(runs, axes=None):
    """runs: label -> (w, b, costs) of a trained single node; left the final curves, right the cost per epoch."""
    made = axes is None
    if made:
        _, axes = subplots(1, 2, figsize=(9, 3.2))
    left, right = axes
    xs = np.linspace(-0.5, 1.5, 121)
    for label, (w, b, costs) in runs.items():
        colour = BIAS_COLOURS.get(label, "#333")
        left.plot(xs, ref.sigmoid(w * xs + b), color=colour, lw=1.8, label=label)
        left.plot(NOT_INPUTS, ref.sigmoid(w * np.array(NOT_INPUTS) + b), "o", color=colour, ms=7)
        right.semilogy(np.arange(1, len(costs) + 1), costs, color=colour, lw=1.8,
                       label=f"{label}: {costs[-1]:.4f} at the end")
    left.plot(NOT_INPUTS, NOT_TARGETS, "*", color="#2ca02c", ms=14, zorder=4, label="targets")
    left.axhline(0.5, color="#ddd", lw=0.8, zorder=0)
    left.set_title("the trained nodes", fontsize=10)
    left.set_xlabel("input x")
    left.set_ylabel("output o")
    left.set_ylim(-0.05, 1.08)
    left.legend(loc="center left", fontsize=8, frameon=False, bbox_to_anchor=(0.0, 0.3))
    right.axhline(0.25, color="#999", lw=0.8, ls="--")
    right.text(len(costs), 0.25 * 1.15, "0.25 = (1 - 0.5)\N{SUPERSCRIPT TWO}", ha="right", va="bottom",
               fontsize=8, color="#555")
    right.set_title("cost of both inputs, each epoch", fontsize=10)
    right.set_xlabel("epoch")
    right.set_ylabel("cost (log scale)")
    right.legend(loc="lower left", fontsize=8, frameon=False)
    if made:
        axes[0].figure.tight_layout()
    return axes


def plot_training(costs, outputs, target, axes=None):
    """Left: the cost after each step (log scale); right: each output over the steps, its target dashed."""
    made = axes is None
    if made:
        _, axes = subplots(1, 2, figsize=(9, 3.2))
    left, right = axes
    plot_cost_steps(costs, ax=left, title=f"cost: {costs[0]:.4f} at the start, {costs[-1]:.4f} after {len(costs) - 1} steps")
    left.lines[0].set_marker("")
    outputs = np.asarray(outputs)
    steps = np.arange(len(outputs))
    for i in range(outputs.shape[1]):
        colour = OUTPUT_COLOURS[i % len(OUTPUT_COLOURS)]
        right.plot(steps, outputs[:, i], color=colour, lw=1.8, label=f"o{i + 1} (target {float(target[i, 0]):g})")
        right.axhline(float(target[i, 0]), color=colour, ls="--", lw=1)
    right.set_ylim(-0.05, 1.05)
    right.set_xlabel("step")
    right.set_ylabel("output")
    right.set_title("the outputs move to their targets", fontsize=10)
    right.legend(loc="center right", fontsize=8, frameon=False)
    if made:
        axes[0].figure.tight_layout()
    return axes
