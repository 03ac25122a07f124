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
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(0.62 * (W.shape[0] + 5.5) + 1.5, 0.9 * (W.shape[1] + 2) + 1.5))
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
    """draw_network for weight changes [dW_1, ..., dW_L]: width shows size, colour sign, labels 4 decimals.

    Each label sits nearer the layer with more nodes, where fewer edges meet.
    """
    sizes = [changes[0].shape[1]] + [dW.shape[0] for dW in changes]
    ax = _axes(ax, (2.6 * len(sizes), 1.3 * max(sizes) + 1))
    ax = draw_network(changes, values=values, names=names, edge_labels=False, ax=ax, title=title)
    centres = _centres(sizes)
    for layer, dW in enumerate(changes):
        for dest in range(dW.shape[0]):
            for src in range(dW.shape[1]):
                (x0, y0), (x1, y1) = centres[layer][src], centres[layer + 1][dest]
                t = 0.5 if dW.shape[0] == dW.shape[1] else (0.7 if dW.shape[0] > dW.shape[1] else 0.3)
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), fmt.format(float(dW[dest, src])),
                        fontsize=7, ha="center", va="center", zorder=3,
                        bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85))
    return ax


# --- lesson 04: new pictures go right below this line ----------------------------------------

# --- end of lesson 04 ---


# --- lesson 05: new pictures go right below this line ----------------------------------------

# --- end of lesson 05 ---


# --- lesson 06: new pictures go right below this line ----------------------------------------

# --- end of lesson 06 ---


# --- lesson 07: new pictures go right below this line ----------------------------------------

# --- end of lesson 07 ---


# --- lesson 08: new pictures go right below this line ----------------------------------------

# --- end of lesson 08 ---


# --- lesson 09: new pictures go right below this line ----------------------------------------

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
        fig = plt.figure(figsize=(9, height))
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


# --- end of lesson 09 ---


# --- lesson 10: new pictures go right below this line ----------------------------------------

# --- end of lesson 10 ---
