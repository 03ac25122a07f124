"""Lesson 09: sigmoid, tanh and ReLU with their slopes in words and curves, and how fast each learns XOR."""
import numpy as np

from .. import network
from .. import reference as ref
from .style import add_title, axes_or_new, figure

# Told apart with any of the common colour-vision deficiencies (Okabe-Ito; tests/test_pictures.py checks).
ACTIVATION_COLOURS = {"sigmoid": "#E69F00", "tanh": "#0072B2", "relu": "#333333"}
ACTIVATION_NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
SLOPE_FORMULAS = {"sigmoid": "y (1 - y)", "tanh": "1 - y\N{SUPERSCRIPT TWO}", "relu": "1 if z > 0, else 0"}
STEEPEST = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def activation_verdict(name, z):
    """One line in words: the output at z, the slope written from what the layer knows, and what it does to errors."""
    y, slope = network.activation_values(z)[name]
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


def plot_activations(z=None, fig=None, span=4.0, footer=None, tanh_formula=True):
    """Left: sigmoid, tanh and ReLU on [-span, span]; right: their slopes. With z: points, tangents, verdicts.

    footer: an extra line of text under the verdicts; tanh_formula=False leaves tanh's slope formula out of the
    legend (the lesson asks for it). Returns the figure.
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
            formula = SLOPE_FORMULAS[name] if tanh_formula or name != "tanh" else "its slope"
            right.plot(zs, slopes[name], color=colour, lw=2, label=f"{ACTIVATION_NAMES[name]}: {formula}")
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
        for name, (y, slope) in network.activation_values(z).items():
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
    ax = axes_or_new(ax, (8, 3.2))
    for name, losses in curves.items():
        losses = np.asarray(losses, dtype=float)
        ax.semilogy(np.arange(len(losses)), losses, color=ACTIVATION_COLOURS[name], lw=2,
                    label=f"{ACTIVATION_NAMES[name]} hidden layer:\nmean cost {losses[-1]:.4f} at the end")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cost (log scale)")
    return _legend_beside(ax, title)


def plot_solved_by_epoch(solved_at, epochs, ax=None, title=None):
    """For each activation, the share of runs solved by each epoch; solved_at maps a name to a list (epoch or None per run)."""
    ax = axes_or_new(ax, (8, 3.2))
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
    return _legend_beside(ax, title)


def _legend_beside(ax, title=None):
    """The legend right of the plot, the title if any, and the figure laid out to fit both; returns ax."""
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False, labelspacing=1.2)
    add_title(ax, title)
    ax.figure.tight_layout()
    return ax
