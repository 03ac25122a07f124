"""Lesson 08: XOR on the unit square, a network's output over it, loss curves, the live trainer's picture, the sweep."""
import io

import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

from .. import network
from ..xor_data import XOR_INPUTS, XOR_TARGETS
from .style import NEGATIVE, POSITIVE, add_title, axes_or_new

RULE_STYLES = {"exact": dict(color="#333", ls="-"), "story": dict(color="#ff7f0e", ls="--")}


def _xor_points(ax, size=70):
    """The four XOR rows as markers: blue circles want 1, red squares want 0."""
    for (x1, x2), (t,) in zip(XOR_INPUTS, XOR_TARGETS):
        ax.scatter([x1], [x2], s=size, marker="o" if t else "s", color=POSITIVE if t else NEGATIVE,
                   edgecolor="white", linewidth=1.5, zorder=4)


def plot_xor_corners(ax=None):
    """The four XOR rows on the unit square, each labelled with its target; no straight line splits them."""
    ax = axes_or_new(ax, (4, 3.6))
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
    """(g1, g2, points): an n x n grid over [-0.1, 1.1]^2 as two (n, n) arrays and as input columns (2, n * n)."""
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
    """The unit square's axes: a margin of 0.1, equal scales, ticks at 0 and 1 only."""
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(-0.1, 1.1)
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel("x1", labelpad=-8)
    ax.set_ylabel("x2", labelpad=-8)


def plot_xor_surface(params, ax=None, title=None, hidden=network.SIGMOID, values=True):
    """The network's output over the unit square (blue near 1, red near 0), its 0.5 line and the four rows."""
    ax = axes_or_new(ax, (4, 3.6))
    g1, g2, points = _surface_grid()
    out = network.predict(params, points, hidden).reshape(g1.shape)
    ax.imshow(out, extent=(-0.1, 1.1, -0.1, 1.1), origin="lower", cmap="RdBu", vmin=0, vmax=1,
              interpolation="bilinear", zorder=1)
    if out.min() < 0.5 < out.max():
        ax.contour(g1, g2, out, levels=[0.5], colors="#222", linewidths=1.2, zorder=2)
    _xor_points(ax)
    if values:
        corners = network.predict(params, XOR_INPUTS.T, hidden).ravel()
        for text, o in zip(_corner_text(ax), corners):
            text.set_text(f"{o:.2f}")
    _square(ax)
    add_title(ax, title)
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
    ax = axes_or_new(ax, (5, 3.2))
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
    add_title(ax, title)
    return ax


class XorTrainingPicture:
    """Loss curve | output surface in one Figure built once (no pyplot, so a background thread may draw it).

    update(params, losses) changes only what moved and returns the picture as PNG bytes: a frame of
    the live trainer costs a redraw, not a new figure.
    """

    def __init__(self, epochs, hidden=network.SIGMOID, dpi=80):
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
        out = network.predict(params, self.points, self.hidden).reshape(self.g1.shape)
        self.image.set_data(out)
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if out.min() < 0.5 < out.max():
            self.contour = self.surface_ax.contour(self.g1, self.g2, out, levels=[0.5], colors="#222",
                                                   linewidths=1.2, zorder=2)
        for text, o in zip(self.corners, network.predict(params, XOR_INPUTS.T, self.hidden).ravel()):
            text.set_text(f"{o:.2f}")
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()


def convergence_table(rows):
    """Text table of convergence rows (network, rule, learning rate, converged/runs, median epochs)."""
    lines = [f"{'network':>8}  {'rule':>5}  {'learning rate':>13}  {'converged':>9}  {'median epochs':>13}"]
    for r in rows:
        median = "-" if r["median_epochs"] is None else f"{r['median_epochs']:.0f}"
        lines.append(f"{'2-%d-1' % r['hidden']:>8}  {r['rule']:>5}  {r['lr']:>13}  "
                     f"{str(r['converged']) + '/' + str(r['runs']):>9}  {median:>13}")
    return "\n".join(lines)


def sweep_table(sweep):
    """Text table of a learning-rate sweep: one row per network and rule, converged runs per learning rate."""
    lrs = sorted({r["lr"] for r in sweep})
    runs = {r["runs"] for r in sweep}
    lines = [f"converged, out of {'/'.join(map(str, sorted(runs)))} random starts",
             f"{'learning rate':<13}" + "".join(f"{lr:>6g}" for lr in lrs)]
    for hidden in sorted({r["hidden"] for r in sweep}):
        for rule in ("story", "exact"):
            counts = {r["lr"]: r["converged"] for r in sweep if r["hidden"] == hidden and r["rule"] == rule}
            if counts:
                lines.append(f"{'2-%d-1 %s' % (hidden, rule):<13}" + "".join(f"{counts.get(lr, '-'):>6}" for lr in lrs))
    return "\n".join(lines)


def plot_convergence(sweep, ax=None, title=None):
    """How many random starts learn XOR at each learning rate: one line per network size and rule."""
    ax = axes_or_new(ax, (6, 3.4))
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
    add_title(ax, title)
    return ax
