"""Lessons 04-05: gradient descent down one weight's cost, the sigmoid's slope, a weight change as an outer product."""
import matplotlib.pyplot as plt
import numpy as np

from .. import reference as ref
from .style import NEGATIVE, POSITIVE, add_title, axes_or_new


def descent_verdict(x, lr):
    """In words, what repeated nudges do: each one multiplies the distance to the best weight by 1 - lr*x^2."""
    factor = 1 - lr * x * x
    if abs(factor) >= 1:
        return "overshoots further every step: it blows up" if abs(factor) > 1 else "bounces back and forth forever"
    if factor < 0:
        return "overshoots, then zig-zags in"
    return "crawls" if factor > 0.8 else "converges"


def plot_descent(w, x, target, lr, steps=10, ax=None):
    """The cost (target - w*x)^2 of one weight w, and the steps gradient descent takes down it from w."""
    ax = axes_or_new(ax, (5, 3.2))
    path = np.array(ref.descent_path(w, x, target, lr, steps))
    best = target / x
    reach = min(max(abs(path - best).max(), abs(w - best)) * 1.15, 4 * abs(w - best) + 0.5)
    ws = np.linspace(best - reach, best + reach, 241)
    ax.plot(ws, (target - ws * x) ** 2, color="#333", zorder=1)
    shown = path[np.abs(path - best) <= reach]
    costs = (target - shown * x) ** 2
    ax.plot(shown, costs, "-", color=NEGATIVE, lw=0.8, alpha=0.6, zorder=2)
    ax.scatter(shown, costs, c=np.arange(len(shown)), cmap="autumn", s=28, zorder=3, edgecolors="#333")
    ax.plot([w], [(target - w * x) ** 2], "o", ms=9, mfc="none", mec="#333")
    ax.set_ylim(-0.05 * ((target - ws * x) ** 2).max(), None)
    ax.set_title(f"lr = {lr:.2f}: {descent_verdict(x, lr)}", fontsize=10)
    ax.set_xlabel("weight w")
    ax.set_ylabel("cost (target - w x)\N{SUPERSCRIPT TWO}")
    return ax


def plot_cost_steps(costs, ax=None, title=None):
    """Cost after each step, on a log scale (a straight line going down means steady progress)."""
    ax = axes_or_new(ax, (4, 3))
    costs = np.asarray(costs, dtype=float)
    ax.semilogy(np.arange(len(costs)), np.maximum(costs, 1e-300), "o-", color=POSITIVE, ms=3)
    ax.set_xlabel("step")
    ax.set_ylabel("cost (log scale)")
    add_title(ax, title)
    return ax


def plot_slope_from_output(y, ax=None, show_wrong=False):
    """The sigmoid's slope read off its output alone: y * (1 - y) for y in (0, 1), y marked."""
    ax = axes_or_new(ax, (5, 3))
    ys = np.linspace(0, 1, 201)
    ax.plot(ys, ys * (1 - ys), color="#333", label="slope = y (1 - y)")
    if show_wrong:
        s = ref.sigmoid(ys)
        ax.plot(ys, s * (1 - s), color=NEGATIVE, ls=":", label="sigmoid(y) (1 - sigmoid(y)): squashed twice")
    ax.plot([y], [y * (1 - y)], "o", color=POSITIVE)
    ax.set_title(f"output y = {y:.3f} -> slope y (1 - y) = {y * (1 - y):.3f}", fontsize=10)
    ax.set_xlabel("y = sigmoid(z), the node's output")
    ax.set_ylabel("slope")
    ax.set_ylim(0, 0.27)
    ax.legend(loc="lower center", fontsize=8, frameon=False)
    return ax


def plot_outer(left, right, names=("gradient", "h"), ax=None):
    """The product left @ right.T of two columns as a grid: cell (i, j) = left[i] * right[j], with both factors."""
    left, right = np.ravel(left), np.ravel(right)
    n, m = len(left), len(right)
    ax = axes_or_new(ax, (1.3 * m + 2.2, 0.9 * n + 1.8))
    grid = np.outer(left, right)
    scale = float(np.abs(grid).max()) or 1.0
    cmap = plt.get_cmap("RdBu")

    def cell(col, row, value, colour, text):
        ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fc=colour, ec="#333", lw=0.8))
        ax.text(col, row, text.format(value), ha="center", va="center", fontsize=8)

    for i in range(n):
        cell(-1.4, i, left[i], "#f0f0f0", "{:+.4f}")
        for j in range(m):
            cell(j, i, grid[i, j], cmap(0.5 + 0.4 * grid[i, j] / scale), "{:+.4f}")
    for j in range(m):
        cell(j, -1.4, right[j], "#f0f0f0", "{:.3f}")
    ax.text(-1.4, -1.4, "@", ha="center", va="center", fontsize=14)
    ax.text(-1.4, n - 0.1, f"{names[0]}\n({n}, 1)", ha="center", va="top", fontsize=9)
    ax.text(m - 0.35, -1.4, f"{names[1]}.T\n(1, {m})", ha="left", va="center", fontsize=9)
    ax.set_xlim(-2.1, m + 0.9)
    ax.set_ylim(n + 0.4, -2.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"{names[0]} @ {names[1]}.T: ({n}, 1) @ (1, {m}) = ({n}, {m}), "
                 f"cell [i, j] = {names[0]}[i] * {names[1]}[j]", fontsize=9)
    return ax


def plot_wiggle(w, wiggle, x, target, ax=None):
    """The node's cost around w: the chain rule's tangent against the line through C(w - h) and C(w + h)."""
    ax = axes_or_new(ax, (6, 3.4))
    ws = np.linspace(w - 1.5, w + 1.5, 301)
    ax.plot(ws, ref.one_input_cost(ws, x, target), color="#333", label="cost C(w)")
    slope = ref.one_input_cost_slope(w, x, target)
    c0 = float(ref.one_input_cost(w, x, target))
    span = np.array([w - 0.6, w + 0.6])
    ax.plot(span, c0 + slope * (span - w), color=POSITIVE, lw=2, label=f"chain rule: slope {slope:+.4f}")
    lo, hi = float(ref.one_input_cost(w - wiggle, x, target)), float(ref.one_input_cost(w + wiggle, x, target))
    measured = (hi - lo) / (2 * wiggle)
    ax.plot([w - wiggle, w + wiggle], [lo, hi], "o--", color=NEGATIVE, ms=5,
            label=f"wiggle \u00b1{wiggle:.2f}: slope {measured:+.4f}")
    ax.plot([w], [c0], "o", color="#333", ms=6)
    ax.set_xlabel("weight w")
    ax.set_ylabel("cost (t - o)\N{SUPERSCRIPT TWO}")
    ax.set_ylim(-0.02, max(1.0, float(ref.one_input_cost(ws, x, target).max())) * 1.05)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_title(f"w = {w:.3f}: guess {float(ref.sigmoid(w * x)):.3f}, cost {c0:.4f}", fontsize=10)
    return ax
