"""Lessons 02-03: who is to blame (each hidden node's share of the errors) and hidden errors as a matrix product."""
import matplotlib.pyplot as plt
import numpy as np

from .. import reference as ref
from .style import NEGATIVE, NODE, OUTPUT_COLOURS, POSITIVE, add_title, axes_or_new, sign_colour, subplots


def plot_bars(values, labels, ax=None, title=None, ylim=None):
    """Bars for a few numbers (e.g. each hidden node's share of the blame), value printed on each."""
    ax = axes_or_new(ax, (4, 3))
    values = np.ravel(values).astype(float)
    bars = ax.bar(labels, values, color=[sign_colour(v) for v in values])
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v, f"{v:+.3f}", ha="center",
                va="bottom" if v >= 0 else "top", fontsize=9)
    ax.axhline(0, color="#999", lw=0.8)
    low, high = min(0.0, values.min()), max(0.0, values.max())
    room = 0.2 * (high - low or 1.0)  # for the numbers above (and below) the bars, inside the frame
    ax.set_ylim(*(ylim or (low - (room if low < 0 else 0.1 * room), high + (room if high > 0 else 0.1 * room))))
    add_title(ax, title)
    return ax


def plot_blame(W_ho, output_errors, proportional=True, ax=None, title=None):
    """One stacked bar per hidden node: its part of each output's error (a colour per output), total marked."""
    parts = ref.blame_parts(W_ho, output_errors, proportional)
    n_out, n_hid = parts.shape
    ax = axes_or_new(ax, (4.5, 3.2))
    xs = np.arange(n_hid)
    up, down = np.zeros(n_hid), np.zeros(n_hid)
    for i, (row, e) in enumerate(zip(parts, np.ravel(output_errors))):
        ax.bar(xs, row, bottom=np.where(row >= 0, up, down), width=0.5, edgecolor="white",
               color=OUTPUT_COLOURS[i % len(OUTPUT_COLOURS)], label=f"from o{i + 1} (error {e:+.2f})")
        up, down = up + np.maximum(row, 0), down + np.minimum(row, 0)
    total = parts.sum(axis=0)
    ax.plot(xs, total, "D", color="#222", ms=7, zorder=3, label="e_h (the sum)")
    for x, t in zip(xs, total):
        ax.text(x + 0.3, t, f"{t:+.3f}", va="center", fontsize=9)
    ax.axhline(0, color="#999", lw=0.8)
    ax.set_xticks(xs, [f"h{j + 1}" for j in range(n_hid)])
    ax.set_xlim(-0.6, n_hid - 0.2)
    low, high = min(down.min(), 0), max(up.max(), 0)
    pad = 0.15 * (high - low or 1)
    ax.set_ylim(low - pad, high + pad * (1 + 0.6 * n_out))
    ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=2)
    ax.set_ylabel("error")
    add_title(ax, title)
    return ax


RULE_COLOURS = (OUTPUT_COLOURS[0], POSITIVE)  # proportional, dropped denominators: apart for colour-blind eyes too


def plot_rule_comparison(proportional, dropped, selected="proportional", ax=None, title=None):
    """Grouped bars per hidden node: the proportional rule's e_h beside the dropped-denominators one."""
    ax = axes_or_new(ax, (4.5, 3.2))
    rules = {"proportional": np.ravel(proportional), "dropped denominators": np.ravel(dropped)}
    xs = np.arange(len(rules["proportional"]))
    for k, (rule, values) in enumerate(rules.items()):
        chosen = rule == selected
        bars = ax.bar(xs + (k - 0.5) * 0.36, values, width=0.34, label=rule, alpha=1.0 if chosen else 0.35,
                      color=RULE_COLOURS[k], edgecolor="#222" if chosen else "none")
        for bar, v in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, v, f"{v:+.3f}", ha="center", fontsize=8,
                    va="bottom" if v >= 0 else "top", alpha=1.0 if chosen else 0.6)
    ax.axhline(0, color="#999", lw=0.8)
    ax.set_xticks(xs, [f"h{j + 1}" for j in xs])
    ax.margins(y=0.25)
    ax.legend(fontsize=8, frameon=False, loc="best")
    ax.set_ylabel("hidden error e_h")
    add_title(ax, title)
    return ax


def _grid(ax, M, left, label):
    """Draw matrix M as a grid of cells with its values, its name above and its shape below; return its right edge."""
    rows, cols = M.shape
    top = rows / 2
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(plt.Rectangle((left + c, top - r - 1), 1, 1, fc=NODE, ec="#555"))
            ax.text(left + c + 0.5, top - r - 0.5, f"{M[r, c]:+.2f}", ha="center", va="center", fontsize=8)
    ax.text(left + cols / 2, top + 0.25, label, ha="center", va="bottom", fontsize=10)
    ax.text(left + cols / 2, -top - 0.25, f"shape {M.shape}", ha="center", va="top", fontsize=9, color="#555")
    return left + cols


def plot_matrix_product(A, B, names=("A", "B", "A @ B"), ax=None):
    """A @ B drawn as grids of numbers with their shapes; a red cross when the inner sizes do not match."""
    A, B = np.atleast_2d(A), np.atleast_2d(B)
    fits = A.shape[1] == B.shape[0]
    width = A.shape[1] + B.shape[1] + (B.shape[1] if fits else 1) + 3.5
    height = max(A.shape[0], B.shape[0]) + 2
    ax = axes_or_new(ax, (0.62 * width + 0.5, 0.5 * height + 0.6))
    right = _grid(ax, A, 0, names[0])
    ax.text(right + 0.5, 0, "@", ha="center", va="center", fontsize=16)
    right = _grid(ax, B, right + 1, names[1])
    ax.text(right + 0.5, 0, "=", ha="center", va="center", fontsize=16)
    if fits:
        right = _grid(ax, A @ B, right + 1, names[2])
        verdict = f"({A.shape[0]}, {A.shape[1]}) @ ({B.shape[0]}, {B.shape[1]}) \N{RIGHTWARDS ARROW} " \
                  f"({A.shape[0]}, {B.shape[1]}): the inner sizes match"
    else:
        ax.text(right + 1.0, 0, "\N{BALLOT X}", ha="center", va="center", fontsize=26, color=NEGATIVE)
        right += 1.6
        verdict = f"({A.shape[0]}, {A.shape[1]}) @ ({B.shape[0]}, {B.shape[1]}): " \
                  f"{A.shape[1]} columns meet {B.shape[0]} rows, no product"
    ax.set_title(verdict, fontsize=10, color="#333" if fits else NEGATIVE)
    ax.set_xlim(-0.3, right + 0.3)
    ax.set_ylim(-height / 2, height / 2)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_transpose_fit(W_ho, output_errors):
    """Two rows: W_ho @ e_o does not fit, W_ho.T @ e_o gives one error per hidden node; returns the figure."""
    W, e = np.asarray(W_ho, dtype=float), np.asarray(output_errors, dtype=float)
    fig, (top, bottom) = subplots(2, 1, figsize=(0.62 * (W.shape[0] + 5.5) + 1.5, 0.9 * (W.shape[1] + 2) + 1.5))
    plot_matrix_product(W, e, ("W_ho", "e_o", "?"), ax=top)
    plot_matrix_product(W.T, e, ("W_ho.T", "e_o", "e_h"), ax=bottom)
    fig.tight_layout()
    return fig
