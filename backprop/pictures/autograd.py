"""Lesson 11: an expression graph of Values, each node with its value and its gradient, arrows pointing forward."""
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..autograd import Value, topological_order
from .style import NODE, add_title, sign_colour, subplots

OP_SIGNS = {"+": "+", "*": "×", "sigmoid": "σ", "": ""}
COLUMN_GAP, ROW_GAP, BOX_W, BOX_H = 1.0, 0.9, 0.78, 0.62


def neuron_graph(x=2.0, w=0.3, b=0.25, t=1.0):
    """The half cost of one sigmoid node with one input, as Values: (half_cost, names {node: name}).

    half_cost = 0.5 * (e * e) with e = t + (-1) * o and o = sigmoid(w * x + b): e is used twice.
    """
    nx, nw, nb, nt = Value(x), Value(w), Value(b), Value(t)
    wx = nw * nx
    z = wx + nb
    o = z.sigmoid()
    minus_one = Value(-1.0)
    minus_o = minus_one * o
    e = nt + minus_o
    square = e * e
    half = Value(0.5)
    cost = half * square
    names = {nx: "x", nw: "w", nb: "b", nt: "t", wx: "w·x", z: "z", o: "o", minus_one: "-1", minus_o: "-o",
             e: "e", square: "e·e", half: "0.5", cost: "C/2"}
    return cost, names


def graph_layout(root):
    """{node: (column, row)}: an operation one column right of its latest parent; a leaf just left of its first user."""
    order = topological_order(root)
    column = {}
    for node in order:
        column[node] = 1 + max((column[p] for p in node.parents), default=-1)
    for node in reversed(order):  # pull each leaf next to the first node that uses it
        users = [n for n in order if node in n.parents]
        if not node.parents and users:
            column[node] = min(column[u] for u in users) - 1
    rows, place = {}, {}
    for node in order:
        rows.setdefault(column[node], []).append(node)
    for c, nodes in rows.items():
        for r, node in enumerate(nodes):
            place[node] = (c, r - (len(nodes) - 1) / 2)
    return place


def draw_value_graph(root, names=None, ax=None, title=None, show_grad=True):
    """Draw root's expression graph left to right: one box per Value with its name or operation, its .data and,
    when show_grad, its .grad (blue >= 0, red < 0); arrows run from each parent to the node it feeds (two
    arrows when a value is used twice). names maps nodes to short names."""
    names = names or {}
    place = graph_layout(root)
    columns = max(c for c, _ in place.values()) + 1
    rows = max(abs(r) for _, r in place.values())
    if ax is None:
        _, ax = subplots(figsize=(max(6.0, 1.3 * columns), 1.2 + 1.05 * (2 * rows + 1)))
    xy = {node: (c * COLUMN_GAP, -r * ROW_GAP) for node, (c, r) in place.items()}
    for node, (x, y) in xy.items():
        for i, parent in enumerate(node.parents):
            px, py = xy[parent]
            shift = 0.0 if node.parents.count(parent) == 1 else (0.13 if i == 0 else -0.13)  # a value used twice
            ax.add_patch(FancyArrowPatch((px + BOX_W / 2, py + shift), (x - BOX_W / 2, y + shift), arrowstyle="-|>",
                                         mutation_scale=9, color="#888", lw=1.0, zorder=1))
    for node, (x, y) in xy.items():
        leaf = not node.parents
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.02",
                                    fc=NODE if leaf else "#e8eef7", ec="#555", lw=1.0, zorder=2))
        head = names.get(node, OP_SIGNS.get(node.op, node.op))
        if not leaf and node in names:
            head = f"{OP_SIGNS.get(node.op, node.op)}  {head}"
        ax.text(x, y + 0.17, head, ha="center", va="center", fontsize=9, fontweight="bold", zorder=3)
        ax.text(x, y - 0.02, f"{node.data:.3f}", ha="center", va="center", fontsize=9, zorder=3)
        if show_grad:
            ax.text(x, y - 0.2, f"grad {node.grad:+.3f}", ha="center", va="center", fontsize=8,
                    color=sign_colour(node.grad), zorder=3)
    ax.set_xlim(-BOX_W, (columns - 1) * COLUMN_GAP + BOX_W)
    ax.set_ylim(-(rows + 0.6) * ROW_GAP, (rows + 0.6) * ROW_GAP)
    ax.set_aspect("equal")
    ax.axis("off")
    add_title(ax, title)
    return ax
