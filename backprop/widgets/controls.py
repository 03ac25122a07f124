"""The explorers' shared parts: sliders, an Output that redraws on every change, the student's answer in words.

Explorers work before a student writes any code; passed the student's own function as `mine`, they print
its answer beside the reference, and a student's bug (or a stub) never breaks the picture.
"""
import threading

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures

# One drawing at a time: ipykernel 7 may handle a widget's message while another is being handled, and
# pyplot's figures are shared (a figure closed by one drawing while another draws loses its canvas).
DRAWING = threading.Lock()


def slider(description, value, low, high, step=0.01):
    """A float slider that reports its value only on release-free drags (continuous updates)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=True, readout_format=".2f",
                               style={"description_width": "initial"})


def live(draw, controls, layout="column"):
    """Controls (a dict name -> widget) above an Output that draw(**values) refills on every change."""
    out = widgets.Output()

    def redraw(change=None):
        with DRAWING, out:
            out.clear_output(wait=True)
            before = set(plt.get_fignums())
            try:
                draw(**{name: c.value for name, c in controls.items()})
            except Exception:  # a drawing that failed half-way must not show up in the next one
                for number in set(plt.get_fignums()) - before:
                    plt.close(number)
                raise
            plt.show()

    for control in controls.values():
        control.observe(redraw, names="value")
    if not pictures.grading():  # nobody looks at pictures while nbgrader grades
        redraw()
    box = widgets.HBox if layout == "row" else widgets.VBox
    return widgets.VBox([box(list(controls.values())), out])


def run_student(who, compute):
    """(compute(), "") or (None, the line saying `who` is not written yet or what it raised), never an exception."""
    try:
        return compute(), ""
    except NotImplementedError:
        return None, f"{who}: not written yet"
    except Exception as exc:  # a student's bug must not break the picture
        return None, f"{who} raised {type(exc).__name__}: {exc}"


def yours(mine, *args):
    """A line comparing the student's function with the reference, or '' when there is none."""
    if mine is None:
        return ""
    said, problem = run_student("your function", lambda: np.round(mine(*args), 4).tolist())
    return problem or f"your function says: {said}"
