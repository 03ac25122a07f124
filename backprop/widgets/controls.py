"""The explorers' shared parts: sliders, an Output that redraws on every change, the student's answer in words.

Explorers work before a student writes any code; passed the student's own function as `mine`, they print
its answer beside the reference, and a student's bug (or a stub) never breaks the picture.
"""
import contextlib
import io
import textwrap
import threading
import traceback

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import pictures
from ..pictures import alt as alt_pictures

# One drawing at a time: ipykernel 7 may handle a widget's message while another is being handled, and
# pyplot's figures are shared (a figure closed by one drawing while another draws loses its canvas).
DRAWING = threading.Lock()
NOTE_WIDTH = 80  # characters per line of a note under a picture (a long error would shrink the whole figure)


def slider(description, value, low, high, step=0.01):
    """A float slider that reports its value only on release-free drags (continuous updates)."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=True, readout_format=".2f",
                               style={"description_width": "initial"})


def png_output(png, alt):
    """An Output widget's display_data entry showing PNG bytes, with alt text that says what they show."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": alt_pictures.img_html(png, alt), "text/plain": alt}}


def figure_output(fig):
    """The figure as an Output entry: its PNG as the notebook shows figures, with alt text."""
    return png_output(alt_pictures.figure_png(fig), alt_pictures.alt_text(fig))


def drawn(draw):
    """What draw() shows, as Output entries: anything it printed, then every figure it made (closed after),
    or the error it raised, as the notebook would show it."""
    before = set(plt.get_fignums())
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            draw()
        entries = [figure_output(plt.figure(n)) for n in sorted(set(plt.get_fignums()) - before)]
    except Exception as exc:  # shown in the widget, as `with out:` would have shown it
        entries = [{"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc),
                    "traceback": traceback.format_exception(exc)}]
    finally:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
    text = printed.getvalue()
    return ([{"output_type": "stream", "name": "stdout", "text": text}] if text else []) + entries


def show(out, draw):
    """Replace what the Output `out` shows by what draw() draws, in one state update.

    Setting the Output's synced `outputs` (not printing inside `with out:`) does not depend on which
    kernel message is being handled, so no redraw is lost however the kernel schedules widget messages.
    """
    with DRAWING:
        out.outputs = tuple(drawn(draw))


def live(draw, controls, layout="column"):
    """Controls (a dict name -> widget) above an Output that draw(**values) refills on every change."""
    out = widgets.Output()

    def redraw(change=None):
        show(out, lambda: draw(**{name: c.value for name, c in controls.items()}))

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
    """What the student's function says for args, wrapped to fit under a picture ('' when there is none)."""
    if mine is None:
        return ""
    said, problem = run_student("your function", lambda: _rounded(mine(*args)))
    return textwrap.fill(problem or f"your function says: {said}", NOTE_WIDTH)


def _rounded(value):
    """value (a number, an array, or a tuple of them such as feedforward's (h, o)) to 4 places, as lists."""
    if isinstance(value, tuple):
        return tuple(_rounded(v) for v in value)
    return np.round(value, 4).tolist()
