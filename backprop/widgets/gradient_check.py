"""Lesson 06: pick a weight and eps, see the slope of C/2 along it and how far each difference estimate is off."""
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures
from .. import reference as ref
from .controls import live, run_student


def _your_slope(mine, f, W, index, eps):
    """The student's numerical_gradient at one entry, as a short phrase (never raises)."""
    if mine is None:
        return ""
    given = np.array(W, dtype=float)
    slope, problem = run_student("your numerical_gradient", lambda: float(np.asarray(mine(f, given, eps))[index]))
    if problem:
        return problem
    changed = "" if np.array_equal(given, W) else " (and it changed W: work on a copy)"
    return f"your numerical_gradient: {slope:+.8f}{changed}"


def gradient_check_explorer(W_ih, W_ho, x, t, mine=None):
    """Pick a weight, eps (log slider) and a rule: C/2 along that weight with both rules' slopes, and how far the
    forward and central estimates are from the chosen rule's slope for every eps (lesson 06).

    W_ih (n_hid, n_in), W_ho (n_out, n_hid), x (n_in, 1), t (n_out, 1); with mine=numerical_gradient your
    slope for the chosen weight is shown too.
    """
    matrices = {"W_ih": np.array(W_ih, dtype=float), "W_ho": np.array(W_ho, dtype=float)}
    slopes = ref.half_cost_slopes(matrices["W_ih"], matrices["W_ho"], x, t)
    eps_grid = np.logspace(0, -13, 53)
    names = {f"{layer}[{i}, {j}]": (layer, (i, j)) for layer, W in matrices.items()
             for i in range(W.shape[0]) for j in range(W.shape[1])}

    def half_cost_of(layer):
        def f(W):
            pair = dict(matrices, **{layer: W})
            return ref.cost(t, ref.feedforward(pair["W_ih"], pair["W_ho"], x)[1]) / 2
        return f

    def draw(weight, eps, compare):
        layer, index = names[weight]
        f_layer = half_cost_of(layer)
        w = float(matrices[layer][index])

        def f(value):
            W = matrices[layer].copy()
            W[index] = value
            return f_layer(W)

        chain, story = slopes["exact"][layer][index], slopes["story"][layer][index]
        fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 4.0), width_ratios=[1, 1.2])
        lines = {f"chain rule: slope {chain:+.4f}": (chain, dict(color=pictures.POSITIVE, lw=1.5)),
                 f"story's rule: slope {story:+.4f}": (story, dict(color=pictures.NEGATIVE, ls="--", lw=1.5))}
        pictures.plot_cost_along_weight(f, w, lines, ax=left, eps=eps, title=f"C/2 as {weight} moves (now {w:+.2f})")
        target = chain if compare == "chain rule" else story
        forward, central = ref.difference_errors(f, w, target, eps_grid)
        pictures.plot_eps_errors(eps_grid, forward, central, ax=right, mark=eps,
                                 title=f"relative error against the {compare}'s slope", ylim=(1e-14, 1e6))
        now_forward, now_central = (f(w + eps) - f(w)) / eps, (f(w + eps) - f(w - eps)) / (2 * eps)
        note = f"eps = {pictures.short_e(eps)}:  forward {now_forward:+.8f},  central {now_central:+.8f},  {compare} {target:+.8f}"
        yours = _your_slope(mine, f_layer, matrices[layer], index, eps)
        fig.text(0.5, 0.055, note, ha="center", fontsize=9)
        if yours:
            fig.text(0.5, 0.01, yours, ha="center", fontsize=9)
        fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.24, wspace=0.28)

    controls = {"weight": widgets.Dropdown(options=list(names), value="W_ih[0, 0]", description="weight"),
                "eps": widgets.FloatLogSlider(value=1e-5, base=10, min=-12, max=0, step=0.5, description="eps",
                                              readout_format=".1e", continuous_update=True),
                "compare": widgets.ToggleButtons(options=["chain rule", "story's rule"], description="compare with")}
    return live(draw, controls)
