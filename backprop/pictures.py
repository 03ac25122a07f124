"""Pictures the lessons draw: networks with their weights, the sigmoid, errors and costs.

Every function draws on a matplotlib Axes (made when `ax` is None) and returns it. While nbgrader
grades a notebook nobody looks at its pictures: figures made here are then drawn on but never shown.
"""
import os

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import reference as ref

POSITIVE, NEGATIVE, NODE = "#1f77b4", "#d62728", "#f5f5f0"


GRADING = "NBGRADER_EXECUTION"  # set by nbgrader while it runs a notebook to grade (or validate) it


def grading():
    """Is nbgrader running this notebook to grade it? (Then no picture is shown: nobody would look.)"""
    return bool(os.environ.get(GRADING))


def figure(**kwargs):
    """plt.figure for a lesson's picture; while nbgrader grades, a Figure pyplot never sees (so never rendered)."""
    if not grading():
        return plt.figure(**kwargs)
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)  # text sizes (tight_layout, label placement) still work
    return fig


def subplots(*args, figsize=None, **kwargs):
    """plt.subplots for a lesson's picture: (fig, axes), never shown while nbgrader grades."""
    fig = figure(figsize=figsize)
    return fig, fig.subplots(*args, **kwargs)


def _axes(ax, size=(5, 3.2)):
    if ax is None:
        _, ax = subplots(figsize=size)
    return ax


LAYER_GAP = 1.8  # horizontal distance between layers, in units of the vertical distance between nodes


def _centres(sizes):
    """Centre (x, y) of every node: one (n, 2) array per layer, layers left to right, centred on y = 0."""
    return [np.column_stack([np.full(n, LAYER_GAP * i), (n - 1) / 2 - np.arange(n)]) for i, n in enumerate(sizes)]


def draw_network(weights, values=None, names=None, edge_labels=True, ax=None, title=None, scale=None,
                 edge_format="{:+.2f}"):
    """Draw a layered net: weights [W_1, ..., W_L] (W[dest, src]), optional node values per layer.

    Edge width grows with |w|, blue for positive and red for negative; node labels show values to 3
    decimals, edge labels the weights in edge_format, each placed where it covers no node and no
    other label.
    """
    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    centres = _centres(sizes)
    ax = _axes(ax, (1.6 * LAYER_GAP * (len(sizes) - 1) + 1.6, 0.9 * max(sizes) + 1.2))
    scale = scale or max(float(np.max(np.abs(W))) for W in weights) or 1.0
    for layer, W in enumerate(weights):
        for dest in range(W.shape[0]):
            for src in range(W.shape[1]):
                (x0, y0), (x1, y1) = centres[layer][src], centres[layer + 1][dest]
                w = float(W[dest, src])
                ax.plot([x0, x1], [y0, y1], color=POSITIVE if w >= 0 else NEGATIVE,
                        lw=0.5 + 5 * abs(w) / scale, alpha=0.8, zorder=1)
    default = ["x", "h", "o"] if len(sizes) == 3 else [f"L{i}" for i in range(len(sizes))]
    names = names or default
    for layer, pts in enumerate(centres):
        for i, (x, y) in enumerate(pts):
            ax.add_patch(plt.Circle((x, y), NODE_RADIUS, fc=NODE, ec="#333", zorder=2))
            label = f"{names[layer]}{i + 1}"
            if values is not None and values[layer] is not None:
                label += f"\n{float(np.ravel(values[layer])[i]):.3f}"
            ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=4)
    ax.set_xlim(-0.5, LAYER_GAP * (len(sizes) - 1) + 0.5)
    ax.set_ylim(-max(sizes) / 2 - 0.1, max(sizes) / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    if edge_labels:
        place_edge_labels(ax, weights, centres, edge_format)
    return ax


NODE_RADIUS = 0.24
# Where along an edge (0 = source, 1 = destination) a label may sit, in order of preference.
LABEL_SPOTS = tuple(sorted(np.round(np.arange(0.16, 0.85, 0.04), 2), key=lambda t: (abs(t - 0.5), t)))


def place_edge_labels(ax, matrices, centres, edge_format="{:+.2f}", fontsize=8):
    """Label every edge with its entry of matrices, at the first spot that covers no node or label."""
    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    taken = [t.get_window_extent(renderer) for t in ax.texts]
    taken += [p.get_window_extent(renderer) for p in ax.patches]
    for layer, M in enumerate(matrices):
        for dest in range(M.shape[0]):
            for src in range(M.shape[1]):
                (x0, y0), (x1, y1) = centres[layer][src], centres[layer + 1][dest]
                best = None
                for t in LABEL_SPOTS:
                    text = ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), edge_format.format(float(M[dest, src])),
                                   fontsize=fontsize, ha="center", va="center", zorder=3,
                                   bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85))
                    box = text.get_window_extent(renderer)
                    cover = sum(_overlap(box, other) for other in taken)
                    if best is None or cover < best[0]:
                        if best is not None:
                            best[1].remove()
                        best = (cover, text, box)
                    else:
                        text.remove()
                    if cover == 0:
                        break
                taken.append(best[2])
    return ax


def _overlap(a, b):
    """Area shared by two display-space boxes (0 when they do not meet)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0) * max(height, 0)


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

OUTPUT_COLOURS = ["#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def blame_parts(W_ho, output_errors, proportional=True):
    """parts[i, j] = hidden node j's part of output i's error, shape (n_outputs, n_hidden); columns sum to e_h."""
    W = np.asarray(W_ho, dtype=float)
    e = np.asarray(output_errors, dtype=float).reshape(-1, 1)
    shares = W / W.sum(axis=1, keepdims=True) if proportional else W
    return shares * e


def plot_blame(W_ho, output_errors, proportional=True, ax=None, title=None):
    """One stacked bar per hidden node: its part of each output's error (a colour per output), total marked."""
    parts = blame_parts(W_ho, output_errors, proportional)
    n_out, n_hid = parts.shape
    ax = _axes(ax, (4.5, 3.2))
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
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_rule_comparison(proportional, dropped, selected="proportional", ax=None, title=None):
    """Grouped bars per hidden node: the proportional rule's e_h beside the dropped-denominators one."""
    ax = _axes(ax, (4.5, 3.2))
    rules = {"proportional": np.ravel(proportional), "dropped denominators": np.ravel(dropped)}
    xs = np.arange(len(rules["proportional"]))
    for k, (rule, values) in enumerate(rules.items()):
        chosen = rule == selected
        bars = ax.bar(xs + (k - 0.5) * 0.36, values, width=0.34, label=rule, alpha=1.0 if chosen else 0.35,
                      color=OUTPUT_COLOURS[3] if k == 0 else POSITIVE, edgecolor="#222" if chosen else "none")
        for bar, v in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, v, f"{v:+.3f}", ha="center", fontsize=8,
                    va="bottom" if v >= 0 else "top", alpha=1.0 if chosen else 0.6)
    ax.axhline(0, color="#999", lw=0.8)
    ax.set_xticks(xs, [f"h{j + 1}" for j in xs])
    ax.margins(y=0.25)
    ax.legend(fontsize=8, frameon=False, loc="best")
    ax.set_ylabel("hidden error e_h")
    if title:
        ax.set_title(title, fontsize=10)
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
    ax = _axes(ax, (0.62 * width + 0.5, 0.5 * height + 0.6))
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


# --- lessons 04-05 ---------------------------------------------------------------------------

def plot_line_nudge(m, b, x, target, lr, ax=None):
    """One point (x, target), the line y = m*x + b before (dashed) and after one nudge, the error arrow."""
    ax = _axes(ax, (5, 3.2))
    m_new, b_new = ref.nudge_line(m, b, x, target, lr)
    guess = m * x + b
    xs = np.linspace(min(0.0, x) - 0.5, max(0.0, x) + 0.5, 50)
    ax.plot(xs, m * xs + b, color="#999", ls="--", label=f"before: y = {m:.2f}x {b:+.2f}")
    ax.plot(xs, m_new * xs + b_new, color=POSITIVE, label=f"after one nudge: y = {m_new:.2f}x {b_new:+.2f}")
    ax.plot([x], [guess], "o", color="#555", ms=7)
    ax.plot([x], [target], "*", color="#2ca02c", ms=14, label=f"the point ({x:g}, {target:g})")
    if abs(target - guess) > 1e-9:
        ax.annotate("", xy=(x, target), xytext=(x, guess),
                    arrowprops=dict(arrowstyle="->", color=POSITIVE if target > guess else NEGATIVE, lw=1.5))
    ax.text(x, (guess + target) / 2, f"  error {target - guess:+.2f}", va="center", fontsize=9)
    ax.axhline(0, color="#ddd", lw=0.8, zorder=0)
    ax.axvline(0, color="#ddd", lw=0.8, zorder=0)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def descent_path(w, x, target, lr, steps):
    """Weights visited by `steps` nudges w += lr * (target - w*x) * x on one point: a list of steps + 1 numbers."""
    path = [float(w)]
    for _ in range(steps):
        w = w + lr * (target - w * x) * x
        path.append(float(w))
    return path


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
    ax = _axes(ax, (5, 3.2))
    path = np.array(descent_path(w, x, target, lr, steps))
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
    ax = _axes(ax, (4, 3))
    costs = np.asarray(costs, dtype=float)
    ax.semilogy(np.arange(len(costs)), np.maximum(costs, 1e-300), "o-", color=POSITIVE, ms=3)
    ax.set_xlabel("step")
    ax.set_ylabel("cost (log scale)")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_slope_from_output(y, ax=None, show_wrong=False):
    """The sigmoid's slope read off its output alone: y * (1 - y) for y in (0, 1), y marked."""
    ax = _axes(ax, (5, 3))
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
    ax = _axes(ax, (1.3 * m + 2.2, 0.9 * n + 1.8))
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


def draw_weight_changes(changes, values=None, names=None, ax=None, title=None, fmt="{:+.4f}"):
    """draw_network for weight changes [dW_1, ..., dW_L]: width shows size, colour sign, labels 4 decimals."""
    sizes = [changes[0].shape[1]] + [dW.shape[0] for dW in changes]
    ax = _axes(ax, (2.0 * LAYER_GAP * (len(sizes) - 1) + 1.6, 1.1 * max(sizes) + 1.2))
    return draw_network(changes, values=values, names=names, ax=ax, title=title, edge_format=fmt)


# --- lesson 04 ---

def one_input_cost(w, x, target):
    """Cost (target - sigmoid(w x))**2 of one sigmoid node with one input x, for a weight w (any shape)."""
    return (target - ref.sigmoid(np.asarray(w) * x)) ** 2


def one_input_cost_slope(w, x, target):
    """The chain rule's dC/dw for that node: -2 (t - o) * o (1 - o) * x."""
    o = ref.sigmoid(w * x)
    return -2 * (target - o) * ref.sigmoid_slope_from_output(o) * x


def plot_wiggle(w, wiggle, x, target, ax=None):
    """The node's cost around w: the chain rule's tangent against the line through C(w - h) and C(w + h)."""
    ax = _axes(ax, (6, 3.4))
    ws = np.linspace(w - 1.5, w + 1.5, 301)
    ax.plot(ws, one_input_cost(ws, x, target), color="#333", label="cost C(w)")
    slope = one_input_cost_slope(w, x, target)
    c0 = float(one_input_cost(w, x, target))
    span = np.array([w - 0.6, w + 0.6])
    ax.plot(span, c0 + slope * (span - w), color=POSITIVE, lw=2, label=f"chain rule: slope {slope:+.4f}")
    lo, hi = float(one_input_cost(w - wiggle, x, target)), float(one_input_cost(w + wiggle, x, target))
    measured = (hi - lo) / (2 * wiggle)
    ax.plot([w - wiggle, w + wiggle], [lo, hi], "o--", color=NEGATIVE, ms=5,
            label=f"wiggle \u00b1{wiggle:.2f}: slope {measured:+.4f}")
    ax.plot([w], [c0], "o", color="#333", ms=6)
    ax.set_xlabel("weight w")
    ax.set_ylabel("cost (t - o)\N{SUPERSCRIPT TWO}")
    ax.set_ylim(-0.02, max(1.0, float(one_input_cost(ws, x, target).max())) * 1.05)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_title(f"w = {w:.3f}: guess {float(ref.sigmoid(w * x)):.3f}, cost {c0:.4f}", fontsize=10)
    return ax


# --- lesson 05 ---


# --- lesson 06 ---

RULE_STYLE = {"story": dict(marker="x", color=NEGATIVE, label="story's rule: e_h = W_ho.T @ e_o"),
              "exact": dict(marker="o", color=POSITIVE, label="chain rule: e_h = W_ho.T @ (e_o * o * (1 - o))")}
GOOD, WRONG = 1e-7, 1e-2  # the usual gradient-check thresholds for relative errors


def _powers_of_ten(*axes):
    """Label log-scale axes 1e-9, 1e-6, ... as the lessons write them (plain text: quicker than mathtext)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter
    label = FuncFormatter(lambda v, _: "1" if v == 1 else f"1e{int(np.round(np.log10(v)))}" if v > 0 else "")
    for axis in axes:
        axis.set_major_formatter(label)
        axis.set_minor_formatter(NullFormatter())


def relative_error(a, b):
    """|a - b| / (|a| + |b|) element-wise: 0 when equal, 1 when opposite signs or one is 0 (0 where both are 0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    total = np.abs(a) + np.abs(b)
    return np.divide(np.abs(a - b), total, out=np.zeros_like(total), where=total > 0)


def difference_errors(f, w, slope, eps_values):
    """Relative errors of the forward and central difference slopes of scalar f at w, against slope: two arrays."""
    eps = np.asarray(eps_values, dtype=float)
    forward = np.array([(f(w + e) - f(w)) / e for e in eps])
    central = np.array([(f(w + e) - f(w - e)) / (2 * e) for e in eps])
    return relative_error(forward, slope), relative_error(central, slope)


def plot_eps_errors(eps_values, forward, central, ax=None, title=None, mark=None, floor=1e-17, ylim=None):
    """Relative error of forward and central differences against eps, both axes log; mark one eps if given.

    With ylim (low, high) the range is fixed and the 1e-7 / 1e-2 bands of plot_relative_errors are shaded.
    """
    ax = _axes(ax, (6, 3.6))
    if ylim is not None:
        ax.axhspan(ylim[0], GOOD, color="#2ca02c", alpha=0.10, lw=0)
        ax.axhspan(WRONG, ylim[1], color=NEGATIVE, alpha=0.10, lw=0)
    ax.loglog(eps_values, np.maximum(forward, floor), "o-", ms=3, color=NEGATIVE,
              label="forward: (f(w + eps) - f(w)) / eps")
    ax.loglog(eps_values, np.maximum(central, floor), "o-", ms=3, color=POSITIVE,
              label="central: (f(w + eps) - f(w - eps)) / (2 eps)")
    if mark is not None:
        ax.axvline(mark, color="#555", ls=":", lw=1, label=f"eps = {mark:.0e}")
    _powers_of_ten(ax.xaxis, ax.yaxis)
    ax.set_xlabel("eps (log scale; smaller to the left)")
    ax.set_ylabel("relative error of the slope")
    low = min(np.min(forward[forward > 0], initial=1), np.min(central[central > 0], initial=1))
    high = max(np.max(forward), np.max(central), 1e-12)
    if ylim is None:
        ylim = (max(floor, 0.3 * low), high * (high / max(floor, 0.3 * low)) ** 0.45)  # the top part for the legend
    ax.set_ylim(*ylim)
    ax.grid(True, which="major", color="#eee", lw=0.6)
    ax.legend(loc="upper center", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _weight_labels(shape):
    return [f"{i},{j}" for i in range(shape[0]) for j in range(shape[1])]


def plot_relative_errors(errors, axes=None, title=None, floor=1e-16):
    """Relative error per weight on a log scale: errors {rule: {"W_ih": array, "W_ho": array}}, rules story/exact.

    Two panels (W_ih, W_ho), one mark per weight and rule, shaded below 1e-7 (agree) and above 1e-2 (wrong).
    """
    layers = ["W_ih", "W_ho"]
    shapes = {layer: np.shape(next(iter(errors.values()))[layer]) for layer in layers}
    sizes = [int(np.prod(shapes[layer])) for layer in layers]
    if axes is None:
        fig, axes = subplots(1, 2, figsize=(9.5, 3.8), width_ratios=sizes, sharey=True)
    else:
        fig = axes[0].figure
    offsets = {rule: (-0.15 if rule == "story" else 0.15) if len(errors) > 1 else 0.0 for rule in errors}
    for ax, layer, n in zip(axes, layers, sizes):
        ax.axhspan(floor, GOOD, color="#2ca02c", alpha=0.10, lw=0)
        ax.axhspan(WRONG, 10, color=NEGATIVE, alpha=0.10, lw=0)
        for rule, per_layer in errors.items():
            style = dict(RULE_STYLE[rule])
            values = np.maximum(np.ravel(per_layer[layer]), floor)
            ax.semilogy(np.arange(n) + offsets[rule], values, ls="none", ms=6, mew=1.5,
                        marker=style["marker"], color=style["color"], mfc="none")
        _powers_of_ten(ax.yaxis)
        ax.set_xticks(np.arange(n), _weight_labels(shapes[layer]), fontsize=8)
        ax.set_xlim(-0.7, n - 0.3)
        ax.set_ylim(floor, 10)
        ax.set_xlabel(f"{layer}[i, j]: weight into node i from node j")
        ax.set_title(layer, fontsize=10)
    axes[0].set_ylabel("relative error (log scale)")
    handles = [plt.Line2D([], [], ls="none", ms=6, mew=1.5, mfc="none", marker=RULE_STYLE[r]["marker"],
                          color=RULE_STYLE[r]["color"], label=RULE_STYLE[r]["label"]) for r in errors]
    handles += [plt.Rectangle((0, 0), 1, 1, color="#2ca02c", alpha=0.25, label="below 1e-7: they agree"),
                plt.Rectangle((0, 0), 1, 1, color=NEGATIVE, alpha=0.25, label="above 1e-2: something is wrong")]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, frameon=False)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.subplots_adjust(left=0.08, right=0.99, top=0.86, bottom=0.31 if len(errors) > 1 else 0.27, wspace=0.04)
    return axes


def plot_cost_along_weight(f, w, slopes, ax=None, title=None, half_width=1.5, eps=None):
    """Scalar f along one weight around w, with a line through (w, f(w)) for each named slope {label: (slope, style)}.

    With eps, the two wiggled points w - eps and w + eps are marked as well.
    """
    ax = _axes(ax, (5, 3.6))
    ws = np.linspace(w - half_width, w + half_width, 121)
    costs = np.array([f(v) for v in ws])
    ax.plot(ws, costs, color="#333", lw=2, label="C/2 as this weight changes")
    c0 = f(w)
    near = np.linspace(w - half_width / 2, w + half_width / 2, 3)
    for label, (slope, style) in slopes.items():
        ax.plot(near, c0 + slope * (near - w), label=label, **style)
    ax.plot([w], [c0], "o", color="#333", ms=5)
    if eps is not None and eps >= 0.01:
        ax.plot([w - eps, w + eps], [f(w - eps), f(w + eps)], "s", color="#ff7f0e", ms=4, label="w - eps, w + eps")
    span = costs.max() - costs.min() or 1.0
    ax.set_ylim(costs.min() - 0.6 * span, costs.max() + 0.6 * span)
    ax.set_xlabel("the chosen weight's value")
    ax.set_ylabel("C/2")
    ax.legend(loc="upper center", fontsize=7.5, framealpha=0.9, ncol=1)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# --- lesson 07 ---

NOT_INPUTS, NOT_TARGETS = (0.0, 1.0), (1.0, 0.0)  # the stuck-node task: input 0 -> answer 1, input 1 -> answer 0
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
    left.annotate("every line y = m x\npasses through (0, 0)", xy=(0, 0), xytext=(0.25, -2.6), fontsize=9,
                  arrowprops=dict(arrowstyle="->", color="#333"), bbox=dict(fc="white", ec="none", alpha=0.9))
    left.set_title("a line without intercept b", fontsize=10)
    left.set_xlabel("x")
    left.set_ylabel("y = m x")
    left.set_ylim(-3.2, 3.2)
    for k, w in enumerate(np.linspace(-8, 8, 9)):
        right.plot(xs, ref.sigmoid(w * xs), color=plt.get_cmap("coolwarm")(k / 8), lw=1.2)
    right.plot([0], [0.5], "o", color="#333", ms=7, zorder=3)
    right.plot(NOT_INPUTS, NOT_TARGETS, "*", color="#2ca02c", ms=14, zorder=4)
    box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9)
    right.text(0.1, 1.12, "we want 1 at x = 0", fontsize=8, color="#2ca02c", va="center", bbox=box)
    right.text(1.0, 0.12, "and 0 at x = 1", fontsize=8, color="#2ca02c", ha="center", va="center", bbox=box)
    right.annotate("every sigmoid(w x)\nsays 0.5 at x = 0", xy=(0, 0.5), xytext=(-1.45, 0.62), fontsize=9,
                   arrowprops=dict(arrowstyle="->", color="#333"), bbox=dict(fc="white", ec="none", alpha=0.9))
    right.set_title("a sigmoid node without bias", fontsize=10)
    right.set_xlabel("input x")
    right.set_ylabel("o = sigmoid(w x)")
    right.set_ylim(-0.05, 1.22)
    for ax in axes:
        ax.axhline(0, color="#ddd", lw=0.8, zorder=0)
        ax.axvline(0, color="#ddd", lw=0.8, zorder=0)
    if made:
        axes[0].figure.tight_layout()
    return axes


def node_cost(w, b=0.0):
    """Cost of one sigmoid node o = sigmoid(w x + b) on the stuck-node task: sum over both inputs of (t - o)^2."""
    return float(sum((t - ref.sigmoid(w * x + b)) ** 2 for x, t in zip(NOT_INPUTS, NOT_TARGETS)))


def plot_node(w, b=None, ax=None, title=None, colour=None):
    """The curve sigmoid(w x + b) (b None: no bias at all) with the task's targets and each guess's error."""
    ax = _axes(ax, (4.5, 3.2))
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
    ax.set_title(title or f"{formula}\no(0) = {o0:.2f}, o(1) = {o1:.2f}, cost {node_cost(w, bias):.3f}", fontsize=9)
    ax.axhline(0.5, color="#ddd", lw=0.8, zorder=0)
    ax.set_xlabel("input x")
    ax.set_ylabel("output o")
    ax.set_ylim(-0.05, 1.08)
    return ax


def draw_bias_node(ax=None, w=None, b=None):
    """One sigmoid node with two inputs: x (weight w) and a node that always says 1 (weight b, the bias)."""
    ax = _axes(ax, (4.6, 2.4))
    inputs = {"x": (0.0, 0.55), "1": (0.0, -0.55)}
    node = (1.6, 0.0)
    for (name, (x0, y0)), weight, label in zip(inputs.items(), (w, b), ("w", "b")):
        value = 1.0 if weight is None else weight
        ax.plot([x0, node[0]], [y0, node[1]], color=POSITIVE if value >= 0 else NEGATIVE, lw=2,
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


BIAS_DX = 1.8  # columns further apart than draw_network's: room for every label


def _bias_centres(sizes):
    """Node centres per layer (columns BIAS_DX apart) and, per weight layer, its always-1 node below the source column."""
    centres = [np.column_stack([np.full(n, BIAS_DX * i), (n - 1) / 2 - np.arange(n)]) for i, n in enumerate(sizes)]
    ones = [np.array([BIAS_DX * i, -(sizes[i] - 1) / 2 - 0.8]) for i in range(len(sizes) - 1)]
    return centres, ones


def draw_network_with_bias(params, values=None, names=("x", "h", "o"), ax=None, title=None, fmt="{:+.2f}", scale=None):
    """A 3-layer net from params {W_ih, b_h, W_ho, b_o}; each bias is a dashed weight from a grey node saying 1.

    values: optional [x, h, o] columns shown in the nodes; fmt formats the edge labels (weights or changes).
    Each edge label goes at the spot nearest its usual place along the edge that is clear of the nodes and of the
    labels placed before it (the flattest edges first).
    """
    weights, biases = [params["W_ih"], params["W_ho"]], [params["b_h"], params["b_o"]]
    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    centres, ones = _bias_centres(sizes)
    bottom, top = min(y for _, y in ones) - 0.3, max(sizes) / 2 + 0.05
    ax = _axes(ax, (7, 7 * (top - bottom) / (BIAS_DX * 2 + 0.9)))
    ax.set_xlim(-0.45, BIAS_DX * (len(sizes) - 1) + 0.45)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    scale = scale or max(float(np.max(np.abs(a))) for a in weights + biases) or 1.0
    nodes = [(c, 0.24) for pts in centres for c in pts] + [(c, 0.18) for c in ones]
    place = _label_placer(ax, nodes)

    def edge(start, end, value, dashed, t):
        ax.plot([start[0], end[0]], [start[1], end[1]], color=POSITIVE if value >= 0 else NEGATIVE,
                lw=0.5 + 5 * abs(value) / scale, alpha=0.8, zorder=1, ls="--" if dashed else "-")
        text = fmt.format(value)
        ax.text(*place(np.asarray(start), np.asarray(end), text, t), text, fontsize=7, ha="center", va="center",
                zorder=3, style="italic" if dashed else "normal",
                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85))

    for layer, W in enumerate(weights):
        t = 0.5 if W.shape[0] == W.shape[1] else (0.7 if W.shape[0] > W.shape[1] else 0.3)
        pairs = [(dest, src) for dest in range(W.shape[0]) for src in range(W.shape[1])]
        # flattest edges first: their labels cannot dodge up or down
        for dest, src in sorted(pairs, key=lambda p: abs(centres[layer + 1][p[0]][1] - centres[layer][p[1]][1])):
            edge(centres[layer][src], centres[layer + 1][dest], float(W[dest, src]), False, t)
    for layer, b in enumerate(biases):
        for dest in range(b.shape[0]):
            edge(ones[layer], centres[layer + 1][dest], float(b[dest, 0]), True, 0.27)
        ax.add_patch(plt.Circle(ones[layer], 0.18, fc="#e0e0e0", ec="#333", ls="--", zorder=2))
        ax.text(*ones[layer], "1", ha="center", va="center", fontsize=9, zorder=4)
    for layer, pts in enumerate(centres):
        for i, (x, y) in enumerate(pts):
            ax.add_patch(plt.Circle((x, y), 0.24, fc=NODE, ec="#333", zorder=2))
            label = f"{names[layer]}{i + 1}"
            if values is not None and values[layer] is not None:
                label += f"\n{float(np.ravel(values[layer])[i]):.3f}"
            ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=4)
    return ax


def _label_placer(ax, nodes, fontsize=7, margin=1.15):
    """place(start, end, text, t): a spot on the segment start-end, at t if it is clear, else the nearest clear t."""
    ax.apply_aspect()
    x0, _ = ax.transData.transform((0, 0))
    x1, _ = ax.transData.transform((1, 0))
    unit = (x1 - x0) / ax.figure.dpi * 72  # points per data unit
    taken = []

    def clear(cx, cy, hw, hh):
        if any(abs(cx - px) < hw + pw and abs(cy - py) < hh + ph for px, py, pw, ph in taken):
            return False
        return all(max(abs(cx - nx) - hw, 0) ** 2 + max(abs(cy - ny) - hh, 0) ** 2 > r ** 2 for (nx, ny), r in nodes)

    def place(start, end, text, t):
        hw = margin * (0.62 * fontsize * len(text) + 2) / unit / 2  # a digit is about 0.62 em wide
        hh = margin * (fontsize + 2) / unit / 2
        for candidate in [t] + sorted(np.arange(0.15, 0.86, 0.05), key=lambda c: abs(c - t)):
            cx, cy = start + candidate * (end - start)
            if clear(cx, cy, hw, hh):
                break
        else:
            cx, cy = start + t * (end - start)
        taken.append((cx, cy, hw, hh))
        return cx, cy
    return place


def training_run(step, params, x, target, lr, steps):
    """Call step(params, x, target, lr) `steps` times on one example; return (costs, outputs, final params).

    costs[k] and outputs[k] (a flat array) are the network's before step k + 1; the last entries are after the last step.
    """
    outputs = [ref.predict(params, x).ravel()]
    for _ in range(steps):
        params = step(params, x, target, lr)
        outputs.append(ref.predict(params, x).ravel())
    costs = [ref.cost(target.ravel(), o) for o in outputs]
    return costs, np.array(outputs), params


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


# --- lesson 08 ---

import io as _io  # noqa: E402
import json as _json  # noqa: E402
from pathlib import Path as _Path  # noqa: E402

import matplotlib.ticker  # noqa: E402

from . import network as _network  # noqa: E402

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=float)
XOR_CONVERGENCE = _Path(__file__).with_name("xor_convergence.json")
RULE_STYLES = {"exact": dict(color="#333", ls="-"), "story": dict(color="#ff7f0e", ls="--")}


def _xor_points(ax, size=70):
    """The four XOR rows as markers: blue circles want 1, red squares want 0."""
    for (x1, x2), (t,) in zip(XOR_INPUTS, XOR_TARGETS):
        ax.scatter([x1], [x2], s=size, marker="o" if t else "s", color=POSITIVE if t else NEGATIVE,
                   edgecolor="white", linewidth=1.5, zorder=4)


def plot_xor_corners(ax=None):
    """The four XOR rows on the unit square, each labelled with its target; no straight line splits them."""
    ax = _axes(ax, (4, 3.6))
    _xor_points(ax, 110)
    for (x1, x2), (t,) in zip(XOR_INPUTS, XOR_TARGETS):
        ax.text(x1, x2 + (0.11 if x2 else -0.11), f"({x1:.0f}, {x2:.0f}) \N{RIGHTWARDS ARROW} {t:.0f}",
                ha="center", va="bottom" if x2 else "top", fontsize=9)
    xs = np.array([-0.3, 1.3])
    ax.plot(xs, 1.5 - xs, color="#999", ls=":", lw=1.2)  # cuts off (1, 1) but leaves (0, 0) with the 1s
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(-0.35, 1.35)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("XOR: 1 when exactly one input is 1", fontsize=10)
    return ax


def _surface_grid(n=61):
    grid = np.linspace(-0.1, 1.1, n)
    g1, g2 = np.meshgrid(grid, grid)
    return g1, g2, np.vstack([g1.ravel(), g2.ravel()])


def _corner_text(ax):
    """One text per XOR row, inside the square next to its corner; set_text fills in the output."""
    return [ax.text(x1 + (0.09 if x1 == 0 else -0.09), x2 + (0.09 if x2 == 0 else -0.09), "",
                    ha="left" if x1 == 0 else "right", va="bottom" if x2 == 0 else "top", fontsize=8, zorder=5,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            for x1, x2 in XOR_INPUTS]


def _square(ax):
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(-0.1, 1.1)
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel("x1", labelpad=-8)
    ax.set_ylabel("x2", labelpad=-8)


def plot_xor_surface(params, ax=None, title=None, hidden=_network.SIGMOID, values=True):
    """The network's output over the unit square (blue near 1, red near 0), its 0.5 line and the four rows."""
    ax = _axes(ax, (4, 3.6))
    g1, g2, points = _surface_grid()
    out = _network.predict(params, points, hidden).reshape(g1.shape)
    ax.imshow(out, extent=(-0.1, 1.1, -0.1, 1.1), origin="lower", cmap="RdBu", vmin=0, vmax=1,
              interpolation="bilinear", zorder=1)
    if out.min() < 0.5 < out.max():
        ax.contour(g1, g2, out, levels=[0.5], colors="#222", linewidths=1.2, zorder=2)
    _xor_points(ax)
    if values:
        corners = _network.predict(params, XOR_INPUTS.T, hidden).ravel()
        for text, o in zip(_corner_text(ax), corners):
            text.set_text(f"{o:.2f}")
    _square(ax)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _log_loss_axis(ax, lowest=1e-4):
    """A log-scale loss axis with plain tick labels (0.001, not 10^-3: mathtext is slow to draw)."""
    ax.set_yscale("log")
    ticks = [10.0 ** k for k in range(int(np.floor(np.log10(lowest))), 1)]
    ax.yaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_ylim(lowest / 2, 1.0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (mean cost per example)")
    ax.grid(alpha=0.3)


def plot_losses(curves, ax=None, title=None, epochs=None):
    """Loss per epoch on a log scale; curves maps a label to its losses (a label starting 'story' is dashed)."""
    ax = _axes(ax, (5, 3.2))
    lowest = 1e-3
    for i, (label, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=float)
        if len(losses) == 0:
            continue
        style = RULE_STYLES["story"] if label.startswith("story") else dict(color=[
            "#333", POSITIVE, NEGATIVE, "#2ca02c"][i % 4], ls="-")
        ax.plot(np.arange(1, len(losses) + 1), losses, lw=1.6, label=label, **style)
        lowest = min(lowest, float(losses.min()))
    _log_loss_axis(ax, lowest)
    ax.set_xlim(1, epochs or max([len(v) for v in curves.values()] + [2]))
    if any(len(v) for v in curves.values()) and len(curves) > 1:
        ax.legend(fontsize=8, frameon=False, loc="lower left")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


class XorTrainingPicture:
    """Loss curve | output surface in one Figure built once (no pyplot, so a background thread may draw it).

    update(params, losses) changes only what moved and returns the picture as PNG bytes: a frame of
    the live trainer costs a redraw, not a new figure.
    """

    def __init__(self, epochs, hidden=_network.SIGMOID, dpi=80):
        self.epochs, self.hidden = epochs, hidden
        self.fig = Figure(figsize=(9, 3.5), dpi=dpi)
        self.fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.9, wspace=0.12)
        self.loss_ax, self.surface_ax = self.fig.subplots(1, 2, width_ratios=[1.5, 1])
        self.line, = self.loss_ax.plot([], [], color="#333", lw=1.6)
        _log_loss_axis(self.loss_ax)
        self.loss_ax.set_xlim(0, epochs)
        self.loss_title = self.loss_ax.set_title("", fontsize=10)
        self.g1, self.g2, self.points = _surface_grid(41)
        self.image = self.surface_ax.imshow(np.full(self.g1.shape, 0.5), extent=(-0.1, 1.1, -0.1, 1.1),
                                            origin="lower", cmap="RdBu", vmin=0, vmax=1,
                                            interpolation="bilinear", zorder=1)
        self.contour = None
        _xor_points(self.surface_ax)
        self.corners = _corner_text(self.surface_ax)
        _square(self.surface_ax)
        self.surface_ax.set_title("the network's output (blue 1, red 0)", fontsize=10)

    def update(self, params, losses):
        losses = np.asarray(losses, dtype=float)
        self.line.set_data(np.arange(1, len(losses) + 1), losses)
        if len(losses) and losses.min() < self.loss_ax.get_ylim()[0] * 1.5:
            _log_loss_axis(self.loss_ax, float(losses.min()))
        self.loss_title.set_text(f"after {len(losses)} of {self.epochs} epochs"
                                 + (f": loss {losses[-1]:.4f}" if len(losses) else ""))
        out = _network.predict(params, self.points, self.hidden).reshape(self.g1.shape)
        self.image.set_data(out)
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if out.min() < 0.5 < out.max():
            self.contour = self.surface_ax.contour(self.g1, self.g2, out, levels=[0.5], colors="#222",
                                                   linewidths=1.2, zorder=2)
        for text, o in zip(self.corners, _network.predict(params, XOR_INPUTS.T, self.hidden).ravel()):
            text.set_text(f"{o:.2f}")
        buffer = _io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()


def load_xor_convergence(path=XOR_CONVERGENCE):
    """The convergence table written by benchmarks/xor_convergence.py --write, as a dict."""
    return _json.loads(_Path(path).read_text())


def convergence_table(rows):
    """Text table of convergence rows (network, rule, learning rate, converged/runs, median epochs)."""
    lines = [f"{'network':>8}  {'rule':>5}  {'learning rate':>13}  {'converged':>9}  {'median epochs':>13}"]
    for r in rows:
        median = "-" if r["median_epochs"] is None else f"{r['median_epochs']:.0f}"
        lines.append(f"{'2-%d-1' % r['hidden']:>8}  {r['rule']:>5}  {r['lr']:>13}  "
                     f"{str(r['converged']) + '/' + str(r['runs']):>9}  {median:>13}")
    return "\n".join(lines)


def plot_convergence(sweep, ax=None, title=None):
    """How many random starts learn XOR at each learning rate: one line per network size and rule."""
    ax = _axes(ax, (6, 3.4))
    colours = {2: NEGATIVE, 4: POSITIVE}
    for hidden in sorted({r["hidden"] for r in sweep}):
        for rule in ("exact", "story"):
            rows = sorted((r for r in sweep if r["hidden"] == hidden and r["rule"] == rule), key=lambda r: r["lr"])
            if not rows:
                continue
            ax.plot([r["lr"] for r in rows], [r["converged"] / r["runs"] for r in rows], marker="o", ms=4,
                    color=colours.get(hidden, "#333"), ls="-" if rule == "exact" else "--",
                    label=f"2-{hidden}-1, {rule} rule")
    ax.set_xscale("log")
    lrs = sorted({r["lr"] for r in sweep})
    ax.set_xticks(lrs)
    ax.set_xticklabels([f"{lr:g}" for lr in lrs])
    ax.minorticks_off()
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("share of random starts\nthat learn XOR")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="lower center", ncol=2)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# --- lesson 09 ---

ACTIVATION_COLOURS = {"sigmoid": "#ff7f0e", "tanh": "#2ca02c", "relu": "#9467bd"}
ACTIVATION_NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
SLOPE_FORMULAS = {"sigmoid": "y (1 - y)", "tanh": "1 - y\N{SUPERSCRIPT TWO}", "relu": "1 if z > 0, else 0"}
STEEPEST = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def activation_values(z):
    """For one weighted sum z: {name: (output y, slope)} of sigmoid, tanh and ReLU, slopes as the network writes them."""
    s, t = float(ref.sigmoid(z)), float(np.tanh(z))
    return {"sigmoid": (s, ref.sigmoid_slope_from_output(s)), "tanh": (t, ref.tanh_slope_from_output(t)),
            "relu": (float(ref.relu(z)), float(ref.relu_slope(np.array(z))))}


def activation_verdict(name, z):
    """One line in words: the output at z, the slope written from what the layer knows, and what it does to errors."""
    y, slope = activation_values(z)[name]
    if name == "relu":
        if z > 0:
            return f"ReLU: y = {y:.3f} \N{MIDDLE DOT} slope 1 (z > 0): the error passes back unchanged"
        if z < 0:
            return f"ReLU: y = {y:.3f} \N{MIDDLE DOT} slope 0 (z < 0): dead, no error gets back through it"
        return f"ReLU: y = {y:.3f} \N{MIDDLE DOT} slope 0 at the corner z = 0 (our convention)"
    share = slope / STEEPEST[name]
    how = f"saturated: only {share:.1%}" if share < 0.1 else f"{share:.0%}"
    return (f"{ACTIVATION_NAMES[name]}: y = {y:.3f} \N{MIDDLE DOT} slope {SLOPE_FORMULAS[name]} = {slope:.3f}, "
            f"{how} of its steepest ({STEEPEST[name]:g})")


def plot_activations(z=None, fig=None, span=4.0, footer=None):
    """Left: sigmoid, tanh and ReLU on [-span, span]; right: their slopes. With z: points, tangents, verdicts.

    footer: an extra line of text under the verdicts. Returns the figure.
    """
    lines = []
    if z is not None:
        lines = [(ACTIVATION_COLOURS[name], activation_verdict(name, z)) for name in ACTIVATION_COLOURS]
    if footer:
        lines.append(("#222", footer))
    plots, line, gap = 3.3, 0.24, 0.1  # inches: the panels with their axis labels, one text line, the gap
    height = plots + (gap + line * len(lines) if lines else 0)
    if fig is None:
        fig = figure(figsize=(9, height))
    left, right = fig.subplots(1, 2)
    zs = np.linspace(-span, span, 401)
    curves = {"sigmoid": ref.sigmoid(zs), "tanh": np.tanh(zs), "relu": ref.relu(zs)}
    slopes = {"sigmoid": ref.sigmoid_slope_from_output(curves["sigmoid"]),
              "tanh": ref.tanh_slope_from_output(curves["tanh"])}
    for name, ys in curves.items():
        colour = ACTIVATION_COLOURS[name]
        left.plot(zs, ys, color=colour, lw=2, label=ACTIVATION_NAMES[name])
        if name in slopes:
            right.plot(zs, slopes[name], color=colour, lw=2, label=f"{ACTIVATION_NAMES[name]}: {SLOPE_FORMULAS[name]}")
    colour = ACTIVATION_COLOURS["relu"]
    right.plot(zs[zs < 0], np.zeros((zs < 0).sum()), color=colour, lw=2, label=f"ReLU: {SLOPE_FORMULAS['relu']}")
    right.plot(zs[zs > 0], np.ones((zs > 0).sum()), color=colour, lw=2)
    right.plot([0], [1], "o", mfc="white", mec=colour, ms=6, zorder=3)
    right.plot([0], [0], "o", color=colour, ms=6, zorder=3)
    for ax in (left, right):
        ax.axhline(0, color="#bbb", lw=0.8, zorder=0)
        ax.axvline(0, color="#bbb", lw=0.8, zorder=0)
        ax.set_xlim(-span, span)
        ax.set_xlabel("z (weighted sum)")
    left.set_ylim(-1.25, 2.6)
    left.set_ylabel("output y")
    left.set_title("the curves", fontsize=10)
    left.legend(loc="upper left", fontsize=8, frameon=False)
    right.set_ylim(-0.08, 1.45)
    right.set_ylabel("slope dy/dz")
    right.set_title("their slopes", fontsize=10)
    right.legend(loc="upper left", fontsize=8, frameon=False)
    if z is not None:
        for name, (y, slope) in activation_values(z).items():
            colour = ACTIVATION_COLOURS[name]
            near = np.linspace(z - 0.9, z + 0.9, 2)
            left.plot(near, y + slope * (near - z), color=colour, lw=1.5, ls="--")
            left.plot([z], [y], "o", color=colour, ms=6, zorder=4)
            right.plot([z], [slope], "o", color=colour, ms=7, mec="#222", zorder=4)
        right.axvline(z, color="#888", lw=0.8, ls=":")
        left.axvline(z, color="#888", lw=0.8, ls=":")
    for i, (colour, text) in enumerate(lines):
        fig.text(0.08, (line * (len(lines) - i - 0.5)) / height, text, color=colour, fontsize=9.5, ha="left", va="center")
    bottom = (gap + line * len(lines) + 0.55) / height if lines else 0.55 / height
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.3 / height, bottom=bottom, wspace=0.25)
    return fig


def plot_loss_curves(curves, ax=None, title=None):
    """Mean cost per epoch (log scale) for each hidden activation: curves maps a name (sigmoid/tanh/relu) to its losses."""
    ax = _axes(ax, (8, 3.2))
    for name, losses in curves.items():
        losses = np.asarray(losses, dtype=float)
        ax.semilogy(np.arange(len(losses)), losses, color=ACTIVATION_COLOURS[name], lw=2,
                    label=f"{ACTIVATION_NAMES[name]} hidden layer:\nmean cost {losses[-1]:.4f} at the end")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cost (log scale)")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False, labelspacing=1.2)
    if title:
        ax.set_title(title, fontsize=10)
    ax.figure.tight_layout()
    return ax


def plot_solved_by_epoch(solved_at, epochs, ax=None, title=None):
    """For each activation, the share of runs solved by each epoch; solved_at maps a name to a list (epoch or None per run)."""
    ax = _axes(ax, (8, 3.2))
    steps = np.arange(epochs + 1)
    for name, when in solved_at.items():
        done = np.array([e for e in when if e is not None])
        share = np.array([(done < s).sum() for s in steps]) / len(when)
        ax.step(steps, share, where="post", color=ACTIVATION_COLOURS[name], lw=2,
                label=f"{ACTIVATION_NAMES[name]}: {len(done)} of {len(when)} solved")
    ax.set_xlim(0, epochs)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("epoch")
    ax.set_ylabel("share of runs solved")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False, labelspacing=1.2)
    if title:
        ax.set_title(title, fontsize=10)
    ax.figure.tight_layout()
    return ax


# --- lesson 10 ---

DIGIT_CMAP = "gray_r"  # ink is dark: 0 white, 1 black, like pencil on paper


def plot_digits(images, labels=None, guesses=None, ncols=10, title=None):
    """A gallery of 8x8 images (n, 64), each captioned with its label, or 'label \u2192 guess' in red if guesses; returns the figure."""
    images = np.asarray(images, dtype=float).reshape(-1, 8, 8)
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = max(1, -(-n // ncols))
    fig, axes = subplots(nrows, ncols, figsize=(0.9 * ncols, 1.05 * nrows + (0.35 if title else 0)), squeeze=False)
    top = images.max() if images.size else 1.0
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= n:
            continue
        ax.imshow(images[k], cmap=DIGIT_CMAP, vmin=0, vmax=top or 1.0, interpolation="nearest")
        if guesses is not None:
            ax.set_title(f"{labels[k]} \N{RIGHTWARDS ARROW} {guesses[k]}", fontsize=9, color=NEGATIVE, pad=2)
        elif labels is not None:
            ax.set_title(str(labels[k]), fontsize=9, pad=2)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout(pad=0.3)
    return fig


def plot_pixel_values(image, ax=None, title=None):
    """One image (64,) as 8 x 8 grey squares with each pixel's number written on it (white on dark ink)."""
    grid = np.asarray(image, dtype=float).reshape(8, 8)
    ax = _axes(ax, (3.6, 3.6))
    top = grid.max() or 1.0
    ax.imshow(grid, cmap=DIGIT_CMAP, vmin=0, vmax=top, interpolation="nearest")
    for r in range(8):
        for c in range(8):
            v = grid[r, c]
            text = f"{v:g}" if float(v).is_integer() else f"{v:.2f}".lstrip("0")
            ax.text(c, r, text, ha="center", va="center", fontsize=8, color="white" if v > top / 2 else "#333")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_confusion(labels, guesses, ax=None, title=None, n_classes=10):
    """Counts of (known digit, guess): row = the known answer, column = the network's guess; right on the diagonal in blue."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(labels), np.asarray(guesses)), 1)
    ax = _axes(ax, (5.2, 4.6))
    right = np.where(np.eye(n_classes, dtype=bool), counts, 0)
    wrong = np.where(np.eye(n_classes, dtype=bool), 0, counts)
    ax.imshow(np.ones((n_classes, n_classes)), cmap="gray", vmin=0, vmax=1)
    ax.imshow(np.ma.masked_equal(right, 0), cmap="Blues", vmin=0, vmax=max(1, right.max()) * 1.6)
    ax.imshow(np.ma.masked_equal(wrong, 0), cmap="Reds", vmin=0, vmax=max(1, wrong.max()) * 1.4)
    for r in range(n_classes):
        for c in range(n_classes):
            if counts[r, c]:
                dark = counts[r, c] > (right.max() if r == c else wrong.max()) / 2 and (r == c or wrong.max() > 1)
                ax.text(c, r, str(counts[r, c]), ha="center", va="center", fontsize=8,
                        color="white" if dark else "#222")
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.set_xlabel("the network's guess")
    ax.set_ylabel("the known answer")
    ax.set_xticks(np.arange(n_classes + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_classes + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="#ddd", lw=0.5)
    ax.tick_params(which="minor", length=0)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_outputs(outputs, ax=None, title=None):
    """Ten bars, one per output node (digit 0..9), each value on top; the largest (the guess) in blue, the rest grey."""
    values = np.ravel(outputs).astype(float)
    ax = _axes(ax, (4.5, 2.8))
    best = int(np.argmax(values))
    colours = [POSITIVE if k == best else "#b0b0b0" for k in range(len(values))]
    bars = ax.bar(range(len(values)), values, color=colours)
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(values)))
    ax.set_ylim(0, 1.15)
    ax.set_xlabel("output node (digit)")
    ax.set_ylabel("output")
    if title:
        ax.set_title(title, fontsize=10)
    return ax

