"""Pictures the lessons draw: networks with their weights, the sigmoid, errors and costs.

Every function draws on a matplotlib Axes (made when `ax` is None) and returns it.
"""
import matplotlib.pyplot as plt
import numpy as np

from . import reference as ref

POSITIVE, NEGATIVE, NODE = "#1f77b4", "#d62728", "#f5f5f0"


def _axes(ax, size=(5, 3.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _centres(sizes):
    """Centre (x, y) of every node: one (n, 2) array per layer, layers left to right, centred on y = 0."""
    return [np.column_stack([np.full(n, float(i)), (n - 1) / 2 - np.arange(n)]) for i, n in enumerate(sizes)]


def draw_network(weights, values=None, names=None, edge_labels=True, ax=None, title=None, scale=None):
    """Draw a layered net: weights [W_1, ..., W_L] (W[dest, src]), optional node values per layer.

    Edge width grows with |w|, blue for positive and red for negative; node labels show values.
    """
    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    centres = _centres(sizes)
    ax = _axes(ax, (1.9 * len(sizes) + 1, 0.9 * max(sizes) + 1.2))
    scale = scale or max(float(np.max(np.abs(W))) for W in weights) or 1.0
    for layer, W in enumerate(weights):
        for dest in range(W.shape[0]):
            for src in range(W.shape[1]):
                (x0, y0), (x1, y1) = centres[layer][src], centres[layer + 1][dest]
                w = float(W[dest, src])
                ax.plot([x0, x1], [y0, y1], color=POSITIVE if w >= 0 else NEGATIVE,
                        lw=0.5 + 5 * abs(w) / scale, alpha=0.8, zorder=1)
                if edge_labels:
                    t = 0.42 if W.shape[0] > 1 else 0.5
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"{w:+.2f}", fontsize=8,
                            ha="center", va="center", zorder=3,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    default = ["x", "h", "o"] if len(sizes) == 3 else [f"L{i}" for i in range(len(sizes))]
    names = names or default
    for layer, pts in enumerate(centres):
        for i, (x, y) in enumerate(pts):
            ax.add_patch(plt.Circle((x, y), 0.22, fc=NODE, ec="#333", zorder=2))
            label = f"{names[layer]}{i + 1}"
            if values is not None and values[layer] is not None:
                label += f"\n{float(np.ravel(values[layer])[i]):.3f}"
            ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=4)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-max(sizes) / 2 - 0.1, max(sizes) / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_sigmoid(z=None, ax=None, tangent=False):
    """The sigmoid curve on [-6, 6]; mark z (and its tangent line, slope y * (1 - y)) if given."""
    ax = _axes(ax, (5, 3))
    zs = np.linspace(-6, 6, 241)
    ax.plot(zs, ref.sigmoid(zs), color="#333")
    ax.axhline(0, color="#bbb", lw=0.8)
    ax.axhline(1, color="#bbb", lw=0.8, ls="--")
    if z is not None:
        y = float(ref.sigmoid(z))
        ax.plot([z], [y], "o", color=POSITIVE)
        label = f"sigmoid({z:.2f}) = {y:.3f}"
        if tangent:
            slope = y * (1 - y)
            ax.plot(zs, y + slope * (zs - z), color=NEGATIVE, lw=1)
            label += f", slope {slope:.3f}"
        ax.set_title(label, fontsize=10)
    ax.set_ylim(-0.1, 1.1)
    ax.set_xlabel("z (weighted sum)")
    ax.set_ylabel("sigmoid(z)")
    return ax


def plot_error(target, guess, ax=None):
    """A number line from 0 to 1 with the guess, the target and the error arrow between them."""
    ax = _axes(ax, (5, 1.6))
    error = target - guess
    ax.axhline(0, color="#999", lw=1)
    ax.plot([guess], [0], "o", color="#555", ms=9, label=f"guess {guess:.2f}")
    ax.plot([target], [0], "*", color="#2ca02c", ms=14, label=f"target {target:.2f}")
    if abs(error) > 1e-9:
        ax.annotate("", xy=(target, 0.25), xytext=(guess, 0.25),
                    arrowprops=dict(arrowstyle="->", color=POSITIVE if error > 0 else NEGATIVE, lw=2))
    ax.text(0.5, 0.5, f"error = target - guess = {error:+.2f}", ha="center", fontsize=10)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.4, 0.8)
    ax.set_yticks([])
    ax.legend(loc="lower right", fontsize=8, ncol=2, frameon=False)
    return ax


def plot_cost_curve(target, guess, ax=None):
    """The squared error (target - g)^2 for every guess g in [0, 1], with the current guess marked."""
    ax = _axes(ax, (5, 3))
    gs = np.linspace(0, 1, 201)
    ax.plot(gs, (target - gs) ** 2, color="#333")
    c = (target - guess) ** 2
    ax.plot([guess], [c], "o", color=NEGATIVE)
    ax.set_title(f"cost = (target - guess)\N{SUPERSCRIPT TWO} = {c:.3f}", fontsize=10)
    ax.set_xlabel("guess")
    ax.set_ylabel("cost")
    return ax


def plot_bars(values, labels, ax=None, title=None, ylim=None):
    """Bars for a few numbers (e.g. each hidden node's share of the blame), value printed on each."""
    ax = _axes(ax, (4, 3))
    values = np.ravel(values).astype(float)
    bars = ax.bar(labels, values, color=[POSITIVE if v >= 0 else NEGATIVE for v in values])
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v, f"{v:+.3f}", ha="center",
                va="bottom" if v >= 0 else "top", fontsize=9)
    ax.axhline(0, color="#999", lw=0.8)
    if ylim:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# --- lessons 02-03 ---------------------------------------------------------------------------


# --- lessons 04-05 ---------------------------------------------------------------------------
