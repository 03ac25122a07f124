"""Lessons 00-01: the sigmoid curve, the error as an arrow from guess to target, and the squared-error cost."""
import numpy as np

from .. import reference as ref
from .style import NEGATIVE, POSITIVE, axes_or_new, sign_colour


def plot_sigmoid(z=None, ax=None, tangent=False):
    """The sigmoid curve on [-6, 6]; mark z (and its tangent line, slope y * (1 - y)) if given."""
    ax = axes_or_new(ax, (5, 3))
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
    ax = axes_or_new(ax, (5, 1.6))
    error = target - guess
    ax.axhline(0, color="#999", lw=1)
    ax.plot([guess], [0], "o", color="#555", ms=9)
    ax.plot([target], [0], "*", color="#2ca02c", ms=14)
    _label_points(ax, guess, target)
    if abs(error) > 1e-9:
        ax.annotate("", xy=(target, 0.25), xytext=(guess, 0.25),
                    arrowprops=dict(arrowstyle="->", color=sign_colour(error), lw=2))
    ax.text(0.5, 0.5, f"error = target - guess = {error:+.2f}", ha="center", fontsize=10)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.4, 0.8)
    ax.set_yticks([])
    return ax


def _label_points(ax, guess, target):
    """Name the guess and the target just below their markers (no legend whose markers look like more
    points); when the two are close the target's name goes above the line instead. Near an end of the
    line a name is aligned to stay inside the frame."""
    def ha(x):
        return "left" if x < 0.12 else "right" if x > 0.88 else "center"
    close = abs(target - guess) < 0.3
    ax.text(guess, -0.12, f"guess {guess:.2f}", color="#555", fontsize=8, va="top", ha=ha(guess))
    ax.text(target, 0.14 if close else -0.12, f"target {target:.2f}", color="#2ca02c", fontsize=8,
            va="bottom" if close else "top", ha=ha(target))


def plot_cost_curve(target, guess, ax=None):
    """The squared error (target - g)^2 for every guess g in [0, 1], with the current guess marked."""
    ax = axes_or_new(ax, (5, 3))
    gs = np.linspace(0, 1, 201)
    ax.plot(gs, (target - gs) ** 2, color="#333")
    c = (target - guess) ** 2
    ax.plot([guess], [c], "o", color=NEGATIVE)
    ax.set_title(f"cost = (target - guess)\N{SUPERSCRIPT TWO} = {c:.3f}", fontsize=10)
    ax.set_xlabel("guess")
    ax.set_ylabel("cost")
    return ax
