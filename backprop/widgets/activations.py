"""Lesson 09: sigmoid, tanh and ReLU at one weighted sum, with the student's slopes beside them."""
import numpy as np

from .. import pictures
from .controls import live, run_student, slider


def _yours_slope(mine, *args):
    """Like yours, but a function that returns booleans is shown as it is, not as a crash of the rounding."""
    got, problem = run_student("your function", lambda: mine(*args))
    if problem:
        return problem
    if np.asarray(got).dtype == np.bool_:
        return f"your function says: {np.asarray(got).tolist()} (booleans: return floats)"
    try:
        return f"your function says: {np.round(np.asarray(got, dtype=float), 4).tolist()}"
    except (TypeError, ValueError):
        return f"your function says: {got!r}"


def activation_explorer(tanh_slope=None, relu_slope=None):
    """A slider for the weighted sum z: sigmoid, tanh and ReLU with their tangents and slopes there (lesson 09).

    With tanh_slope=tanh_slope_from_output and relu_slope=relu_slope, your functions' answers for the
    same z are printed under the picture (tanh's from its output tanh(z), ReLU's from z itself).
    """
    def draw(z):
        z = round(z, 6)  # a slider's 0 may arrive as 1e-17: the corner of ReLU must be exactly 0
        notes = []
        if tanh_slope is not None:
            notes.append(f"tanh_slope_from_output({np.tanh(z):.3f}): " + _yours_slope(tanh_slope, float(np.tanh(z))))
        if relu_slope is not None:
            notes.append(f"relu_slope([[{z:g}]]): " + _yours_slope(relu_slope, np.array([[z]])))
        pictures.plot_activations(z, footer="   ".join(notes) or None)
    return live(draw, {"z": slider("weighted sum z", 1.0, -4, 4, 0.1)})
