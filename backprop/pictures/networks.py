"""Network drawings: nodes in layers, edges as wide as their weights, each edge labelled where it covers nothing.

draw_network draws any layered net (lessons 00-05), draw_weight_changes the same for weight changes and
draw_network_with_bias a 3-layer net with its biases as weights from a node that always says 1 (lesson 07).
Weights are indexed W[destination, source]; a layer's values are columns (n, 1) or flat (n,).
"""
import matplotlib.pyplot as plt
import numpy as np

from .style import NODE, add_title, axes_or_new, sign_colour

LAYER_GAP = 1.8  # horizontal distance between layers, in units of the vertical distance between nodes
NODE_RADIUS = 0.24
# Where along an edge (0 = source, 1 = destination) a label may sit, in order of preference.
LABEL_SPOTS = tuple(sorted(np.round(np.arange(0.16, 0.85, 0.04), 2), key=lambda t: (abs(t - 0.5), t)))
BIAS_DX = 1.8  # the columns of draw_network_with_bias: room for every label


def node_centres(sizes, gap=LAYER_GAP):
    """Centre (x, y) of every node: one (n, 2) array per layer, layers `gap` apart left to right, centred on y = 0."""
    return [np.column_stack([np.full(n, gap * i), (n - 1) / 2 - np.arange(n)]) for i, n in enumerate(sizes)]


def draw_network(weights, values=None, names=None, edge_labels=True, ax=None, title=None, scale=None,
                 edge_format="{:+.2f}"):
    """Draw a layered net: weights [W_1, ..., W_L] (W[dest, src]), optional node values per layer.

    Edge width grows with |w|, blue for positive and red for negative; node labels show values to 3
    decimals, edge labels the weights in edge_format, each placed where it covers no node and no
    other label.
    """
    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    centres = node_centres(sizes)
    ax = axes_or_new(ax, (1.6 * LAYER_GAP * (len(sizes) - 1) + 1.6, 0.9 * max(sizes) + 1.2))
    scale = scale or max(float(np.max(np.abs(W))) for W in weights) or 1.0
    for layer, W in enumerate(weights):
        for dest in range(W.shape[0]):
            for src in range(W.shape[1]):
                _draw_edge(ax, centres[layer][src], centres[layer + 1][dest], float(W[dest, src]), scale)
    default = ["x", "h", "o"] if len(sizes) == 3 else [f"L{i}" for i in range(len(sizes))]
    names = names or default
    _draw_nodes(ax, centres, names, values)
    ax.set_xlim(-0.5, LAYER_GAP * (len(sizes) - 1) + 0.5)
    ax.set_ylim(-max(sizes) / 2 - 0.1, max(sizes) / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    add_title(ax, title)
    if edge_labels:
        place_edge_labels(ax, weights, centres, edge_format)
    return ax


def _draw_nodes(ax, centres, names, values):
    """A circle per node, labelled names[layer] + its number and, where values[layer] is given, its value."""
    for layer, pts in enumerate(centres):
        for i, (x, y) in enumerate(pts):
            ax.add_patch(plt.Circle((x, y), NODE_RADIUS, fc=NODE, ec="#333", zorder=2))
            label = f"{names[layer]}{i + 1}"
            if values is not None and values[layer] is not None:
                label += f"\n{float(np.ravel(values[layer])[i]):.3f}"
            ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=4)


def _draw_edge(ax, start, end, weight, scale, ls="-"):
    """The line from start to end: blue for a weight >= 0, red below, wider as |weight| nears scale."""
    ax.plot([start[0], end[0]], [start[1], end[1]], color=sign_colour(weight), lw=0.5 + 5 * abs(weight) / scale,
            alpha=0.8, zorder=1, ls=ls)


def place_edge_labels(ax, matrices, centres, edge_format="{:+.2f}", fontsize=8):
    """Label every edge with its entry of matrices, at the spot nearest its middle that covers no node,
    no label and no edge crossing it (so two crossing edges' labels sit apart, each clearly on its own)."""
    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    taken = [t.get_window_extent(renderer) for t in ax.texts]
    taken += [p.get_window_extent(renderer) for p in ax.patches]
    edges = [(layer, dest, src) for layer, M in enumerate(matrices)
             for dest in range(M.shape[0]) for src in range(M.shape[1])]
    ends = {e: (centres[e[0]][e[2]], centres[e[0] + 1][e[1]]) for e in edges}
    tracks = {e: _track(ax, *ends[e]) for e in edges}
    for edge in edges:
        layer, dest, src = edge
        (x0, y0), (x1, y1) = ends[edge]
        crossing = [tracks[e] for e in edges if e[0] == layer and e[1] != dest and e[2] != src]  # share no node
        others = np.vstack(crossing) if crossing else np.empty((0, 2))
        best = None
        for t in LABEL_SPOTS:
            text = ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), edge_format.format(float(matrices[layer][dest, src])),
                           fontsize=fontsize, ha="center", va="center", zorder=3,
                           bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85))
            box = text.get_window_extent(renderer)
            crossed = np.any((others[:, 0] > box.x0) & (others[:, 0] < box.x1)
                             & (others[:, 1] > box.y0) & (others[:, 1] < box.y1))
            cover = (sum(_overlap(box, other) for other in taken), bool(crossed))  # nodes and labels first
            if best is None or cover < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cover, text, box)
            else:
                text.remove()
            if cover == (0, False):
                break
        taken.append(best[2])
    return ax


def _track(ax, start, end):
    """Display-space points along the segment start-end, one per pixel."""
    a, b = ax.transData.transform([start, end])
    return np.linspace(a, b, int(np.hypot(*(b - a))) + 2)


def _overlap(a, b):
    """Area shared by two display-space boxes (0 when they do not meet)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0) * max(height, 0)


def draw_weight_changes(changes, values=None, names=None, ax=None, title=None, fmt="{:+.4f}"):
    """draw_network for weight changes [dW_1, ..., dW_L]: width shows size, colour sign, labels 4 decimals."""
    sizes = [changes[0].shape[1]] + [dW.shape[0] for dW in changes]
    ax = axes_or_new(ax, (2.0 * LAYER_GAP * (len(sizes) - 1) + 1.6, 1.1 * max(sizes) + 1.2))
    return draw_network(changes, values=values, names=names, ax=ax, title=title, edge_format=fmt)


def _bias_centres(sizes):
    """Node centres per layer (columns BIAS_DX apart) and, per weight layer, its always-1 node below the source column."""
    centres = node_centres(sizes, BIAS_DX)
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
    ax = axes_or_new(ax, (7, 7 * (top - bottom) / (BIAS_DX * 2 + 0.9)))
    ax.set_xlim(-0.45, BIAS_DX * (len(sizes) - 1) + 0.45)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    ax.axis("off")
    add_title(ax, title)
    scale = scale or max(float(np.max(np.abs(a))) for a in weights + biases) or 1.0
    nodes = [(c, NODE_RADIUS) for pts in centres for c in pts] + [(c, 0.18) for c in ones]
    segments = [(centres[layer][src], centres[layer + 1][dest]) for layer, W in enumerate(weights)
                for dest in range(W.shape[0]) for src in range(W.shape[1])]
    segments += [(ones[layer], centres[layer + 1][dest]) for layer, b in enumerate(biases) for dest in range(b.shape[0])]
    place = _label_placer(ax, nodes, segments)

    def edge(start, end, value, dashed, t):
        _draw_edge(ax, start, end, value, scale, "--" if dashed else "-")
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
    _draw_nodes(ax, centres, names, values)
    return ax


def _label_placer(ax, nodes, segments=(), fontsize=7, margin=1.15):
    """place(start, end, text, t): a spot on the segment start-end, at t if it is clear, else the nearest clear t.

    Clear: over no node and no label placed before, and, where such a spot exists, crossed by none of the
    other `segments` [(start, end)] that share no end with this one (so each label is plainly on its edge).
    """
    tracks = [(np.asarray(a, float), np.asarray(b, float), np.linspace(a, b, 200)) for a, b in segments]
    ax.apply_aspect()
    x0, _ = ax.transData.transform((0, 0))
    x1, _ = ax.transData.transform((1, 0))
    unit = (x1 - x0) / ax.figure.dpi * 72  # points per data unit
    taken = []

    def clear(cx, cy, hw, hh):
        if any(abs(cx - px) < hw + pw and abs(cy - py) < hh + ph for px, py, pw, ph in taken):
            return False
        return all(max(abs(cx - nx) - hw, 0) ** 2 + max(abs(cy - ny) - hh, 0) ** 2 > r ** 2 for (nx, ny), r in nodes)

    def crossed(start, end, cx, cy, hw, hh):
        for a, b, points in tracks:
            if any(np.allclose(p, q) for p in (a, b) for q in (start, end)):
                continue  # its own edge, or one meeting it at a node
            if np.any((np.abs(points[:, 0] - cx) < hw) & (np.abs(points[:, 1] - cy) < hh)):
                return True
        return False

    def place(start, end, text, t):
        hw = margin * (0.62 * fontsize * len(text) + 2) / unit / 2  # a digit is about 0.62 em wide
        hh = margin * (fontsize + 2) / unit / 2
        spots = [start + c * (end - start) for c in [t] + sorted(np.arange(0.15, 0.86, 0.05), key=lambda c: abs(c - t))]
        free = [p for p in spots if clear(*p, hw, hh)]
        uncrossed = [p for p in free if not crossed(start, end, *p, hw, hh)]
        cx, cy = (uncrossed or free or [start + t * (end - start)])[0]
        taken.append((cx, cy, hw, hh))
        return cx, cy
    return place
