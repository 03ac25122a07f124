"""Lesson 06: how far forward and central differences are from a slope, per eps and per weight, on log scales."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, NullFormatter

from .style import NEGATIVE, POSITIVE, add_title, axes_or_new, subplots

RULE_STYLE = {"story": dict(marker="x", color=NEGATIVE, label="story's rule: e_h = W_ho.T @ e_o"),
              "exact": dict(marker="o", color=POSITIVE, label="chain rule: e_h = W_ho.T @ (e_o * o * (1 - o))")}
GOOD, WRONG = 1e-7, 1e-2  # the usual gradient-check thresholds for relative errors


def _powers_of_ten(*axes):
    """Label log-scale axes 1e-9, 1e-6, ... as the lessons write them (plain text: quicker than mathtext)."""
    label = FuncFormatter(lambda v, _: "1" if v == 1 else f"1e{int(np.round(np.log10(v)))}" if v > 0 else "")
    for axis in axes:
        axis.set_major_formatter(label)
        axis.set_minor_formatter(NullFormatter())


def plot_eps_errors(eps_values, forward, central, ax=None, title=None, mark=None, floor=1e-17, ylim=None):
    """Relative error of forward and central differences against eps, both axes log; mark one eps if given.

    With ylim (low, high) the range is fixed and the 1e-7 / 1e-2 bands of plot_relative_errors are shaded.
    """
    ax = axes_or_new(ax, (6, 3.6))
    if ylim is not None:
        ax.axhspan(ylim[0], GOOD, color="#2ca02c", alpha=0.10, lw=0)
        ax.axhspan(WRONG, ylim[1], color=NEGATIVE, alpha=0.10, lw=0)
    ax.loglog(eps_values, np.maximum(forward, floor), "o-", ms=3, color=NEGATIVE,
              label="forward: (f(w + eps) - f(w)) / eps")
    ax.loglog(eps_values, np.maximum(central, floor), "o-", ms=3, color=POSITIVE,
              label="central: (f(w + eps) - f(w - eps)) / (2 eps)")
    _powers_of_ten(ax.xaxis, ax.yaxis)
    ax.set_xlabel("eps (log scale; smaller to the left)")
    ax.set_ylabel("relative error of the slope")
    low = min(np.min(forward[forward > 0], initial=1), np.min(central[central > 0], initial=1))
    high = max(np.max(forward), np.max(central), 1e-12)
    if ylim is None:
        ylim = (max(floor, 0.3 * low), high * (high / max(floor, 0.3 * low)) ** 0.45)  # the top part for the legend
    ax.set_ylim(*ylim)
    if mark is not None:  # up to the highest error, not into the legend's room above it
        ax.plot([mark, mark], [ylim[0], high], color="#555", ls=":", lw=1, label=f"eps = {short_e(mark)}")
    ax.grid(True, which="major", color="#eee", lw=0.6)
    ax.legend(loc="upper center", fontsize=8, framealpha=0.9)
    add_title(ax, title)
    return ax


def _weight_labels(shape):
    """Tick labels "i,j" for every entry of a matrix of `shape`, row by row."""
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


def short_e(value):
    """value as the course's eps sliders show it: 3.2e-3 (one decimal, no zero padding in the exponent)."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _slope_line(w, c0, slope, reach, low, high):
    """([x0, x1], [y0, y1]): the line through (w, c0) with this slope, at most `reach` either side of w,
    cut where it leaves the band low..high."""
    left, right = w - reach, w + reach
    if slope:
        ends = sorted([w + (low - c0) / slope, w + (high - c0) / slope])
        left, right = max(left, ends[0]), min(right, ends[1])
    xs = np.array([left, right])
    return xs, c0 + slope * (xs - w)


def plot_cost_along_weight(f, w, slopes, ax=None, title=None, half_width=1.5, eps=None):
    """Scalar f along one weight around w, with a line through (w, f(w)) for each named slope {label: (slope, style)}.

    With eps, the two wiggled points w - eps and w + eps are marked as well.
    """
    ax = axes_or_new(ax, (5, 3.6))
    ws = np.linspace(w - half_width, w + half_width, 121)
    costs = np.array([f(v) for v in ws])
    span = costs.max() - costs.min() or 1.0
    low, cap = costs.min() - 0.6 * span, costs.max() + 0.45 * span   # the lines stay below cap: the legend's room
    ax.plot(ws, costs, color="#333", lw=2, label="C/2 as this weight changes")
    c0 = f(w)
    for label, (slope, style) in slopes.items():
        ax.plot(*_slope_line(w, c0, slope, half_width / 2, low, cap), label=label, **style)
    ax.plot([w], [c0], "o", color="#333", ms=5)
    if eps is not None and eps >= 0.01:
        ax.plot([w - eps, w + eps], [f(w - eps), f(w + eps)], "s", color="#ff7f0e", ms=4, label="w - eps, w + eps")
    ax.set_ylim(low, cap + 0.9 * span)
    ax.set_xlabel("the chosen weight's value")
    ax.set_ylabel("C/2")
    ax.legend(loc="upper center", fontsize=7.5, framealpha=0.9, ncol=1)
    add_title(ax, title)
    return ax
